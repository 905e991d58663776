import { z } from 'zod';
import { defineEvent, defineMethod } from '../define';
import { SHA256_HEX } from '../../media/media';
import { teacherSessionField } from './teacher';

/** Kinds of files a teacher may add to 我的资料 (teacher's own materials). */
export const MATERIAL_KINDS = ['video', 'audio', 'pdf', 'image'] as const;
export const MaterialKind = z.enum(MATERIAL_KINDS);
export type MaterialKind = z.infer<typeof MaterialKind>;

export const MaterialBlob = z.object({
  sha256: z.string().regex(SHA256_HEX),
  size: z.number().int().nonnegative(),
  mime: z.string().min(1),
});
export type MaterialBlob = z.infer<typeof MaterialBlob>;

export const MaterialAttachment = z.object({ packId: z.string().min(1), lessonId: z.string().min(1) });
export type MaterialAttachment = z.infer<typeof MaterialAttachment>;

/** One teacher's own file in the device's content store (index: `<data>/materials.json`). */
export const Material = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  kind: MaterialKind,
  /** The playable file (a video Chromium cannot play was transcoded to H.264/AAC MP4). */
  blob: MaterialBlob,
  thumbnail: MaterialBlob.nullable(),
  durationSec: z.number().nonnegative().nullable(),
  /** File name the teacher picked. */
  originalName: z.string(),
  /** True when the file was converted (remuxed or transcoded) to play in the app. */
  converted: z.boolean(),
  addedAt: z.string(),
  attachedTo: z.array(MaterialAttachment),
});
export type Material = z.infer<typeof Material>;

export const MaterialProgress = z.object({
  /** File name being added. */
  name: z.string(),
  phase: z.enum(['checking', 'converting', 'storing', 'done']),
  /** 0..1 within the phase when known (ffmpeg progress while converting). */
  fraction: z.number().min(0).max(1).nullable(),
});
export type MaterialProgress = z.infer<typeof MaterialProgress>;

const Title = z.string().trim().min(1).max(200);

export const materialsMethods = {
  'materials.list': defineMethod("The teacher's own files (我的资料)", z.object({}).strict(), z.array(Material)),
  'materials.add': defineMethod(
    'Add a local video, audio, PDF or image file (videos Chromium cannot play are converted); the file itself is left alone',
    z.object({ path: z.string().min(1), title: Title.optional(), ...teacherSessionField }).strict(),
    Material,
  ),
  'materials.attach': defineMethod(
    'Show a material on a lesson page',
    z.object({ id: z.string().min(1), packId: z.string().min(1), lessonId: z.string().min(1), ...teacherSessionField }).strict(),
    Material,
  ),
  'materials.detach': defineMethod(
    'Take a material off a lesson page (the material stays in 我的资料)',
    z.object({ id: z.string().min(1), packId: z.string().min(1), lessonId: z.string().min(1), ...teacherSessionField }).strict(),
    Material,
  ),
  'materials.remove': defineMethod(
    'Delete a material from this computer (bytes nothing else uses are freed)',
    z.object({ id: z.string().min(1), ...teacherSessionField }).strict(),
    z.object({ id: z.string(), bytesFreed: z.number().nonnegative() }),
  ),
};

export const materialsEvents = {
  'materials.progress': defineEvent('Progress of adding a material (checking, converting with ffmpeg, storing)', MaterialProgress),
  'materials.changed': defineEvent('The list of materials changed (add, attach, detach, remove)', z.object({ materials: z.array(Material) })),
};
