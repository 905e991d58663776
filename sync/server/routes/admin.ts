/**
 * Staff API under /api/v1/admin (the dashboard and scripts use it). Every route authenticates the
 * staff member and scopes by county: a county admin never sees another county's rows.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { API_PREFIX } from '../../protocol/version';
import { authStaff } from '../auth/auth';
import { parseBody } from '../body';
import { forbidden } from '../errors';
import { createAccount, listAccounts } from '../services/accounts';
import { createEnrollmentCode, createEnrollmentFile, listDevices, listEnrollmentCodes, revokeDevice, revokeEnrollmentCode } from '../services/enrollment';
import { deleteStaffRecord, listRecords, putStaffRecord, recordKind } from '../services/records';
import { createCounty, createSchool, listCounties, listSchools, schoolInScope } from '../services/schools';
import { exportStatements } from '../services/xapi';

const A = `${API_PREFIX}/admin`;

const IdParams = z.object({ id: z.string().min(1).max(128) });
const RecordParams = z.object({ id: z.string().min(1).max(128), kind: z.string(), recordId: z.string().min(1).max(128) });

export const adminRoutes: FastifyPluginAsync = async (app) => {
  const ctx = app.cloud;
  const params = <S extends z.ZodTypeAny>(schema: S, value: unknown): z.output<S> => schema.parse(value);

  app.get(`${A}/counties`, async (req) => listCounties(ctx.db, await authStaff(ctx, req)));
  app.post(`${A}/counties`, async (req, reply) => {
    const staff = await authStaff(ctx, req);
    const body = parseBody(req, z.object({ name: z.string() }));
    return reply.code(201).send(await createCounty(ctx.db, staff, body.name));
  });

  app.get(`${A}/accounts`, async (req) => {
    const staff = await authStaff(ctx, req);
    return listAccounts(ctx.db, staff.countyId);
  });
  app.post(`${A}/accounts`, async (req, reply) => {
    const staff = await authStaff(ctx, req);
    if (staff.role !== 'province-admin') throw forbidden();
    const body = parseBody(
      req,
      z.object({ username: z.string(), password: z.string(), role: z.enum(['province-admin', 'county-admin']), countyId: z.string().nullable().optional(), displayName: z.string().max(64).optional() }),
    );
    return reply.code(201).send(await createAccount(ctx.db, body));
  });

  app.get(`${A}/schools`, async (req) => {
    const staff = await authStaff(ctx, req);
    const q = z.object({ countyId: z.string().optional() }).parse(req.query);
    return listSchools(ctx.db, staff, q.countyId);
  });
  app.post(`${A}/schools`, async (req, reply) => {
    const staff = await authStaff(ctx, req);
    const body = parseBody(req, z.object({ name: z.string(), countyId: z.string().optional() }));
    return reply.code(201).send(await createSchool(ctx.db, staff, body));
  });
  app.get(`${A}/schools/:id`, async (req) => schoolInScope(ctx.db, await authStaff(ctx, req), params(IdParams, req.params).id));

  app.get(`${A}/schools/:id/enrollment-codes`, async (req) => listEnrollmentCodes(ctx, await authStaff(ctx, req), params(IdParams, req.params).id));
  app.post(`${A}/schools/:id/enrollment-codes`, async (req, reply) => {
    const staff = await authStaff(ctx, req);
    const body = parseBody(req, z.object({ expiresInSeconds: z.number().int().positive().optional() }));
    return reply.code(201).send(await createEnrollmentCode(ctx, staff, params(IdParams, req.params).id, body.expiresInSeconds));
  });
  app.post(`${A}/enrollment-codes/:id/revoke`, async (req) => {
    await revokeEnrollmentCode(ctx, await authStaff(ctx, req), params(IdParams, req.params).id);
    return { ok: true };
  });
  app.post(`${A}/schools/:id/enrollment-file`, async (req, reply) => {
    const staff = await authStaff(ctx, req);
    const body = parseBody(req, z.object({ deviceName: z.string().max(64).default('') }));
    const file = await createEnrollmentFile(ctx, staff, params(IdParams, req.params).id, body.deviceName);
    const name = `teachpoint-enrollment-${file.deviceId}.tpenroll.json`;
    void reply.header('content-disposition', `attachment; filename="${name}"`);
    void reply.header('cache-control', 'no-store');
    return reply.code(201).send(file);
  });

  app.get(`${A}/schools/:id/devices`, async (req) => listDevices(ctx, await authStaff(ctx, req), params(IdParams, req.params).id));
  app.post(`${A}/devices/:id/revoke`, async (req) => {
    await revokeDevice(ctx, await authStaff(ctx, req), params(IdParams, req.params).id);
    return { ok: true };
  });

  app.get(`${A}/schools/:id/records/:kind`, async (req) => {
    const staff = await authStaff(ctx, req);
    const p = params(z.object({ id: z.string(), kind: z.string() }), req.params);
    const q = z.object({ deleted: z.enum(['0', '1']).optional() }).parse(req.query);
    return listRecords(ctx, staff, p.id, recordKind(p.kind), q.deleted === '1');
  });
  app.put(`${A}/schools/:id/records/:kind/:recordId`, async (req) => {
    const staff = await authStaff(ctx, req);
    const p = params(RecordParams, req.params);
    return putStaffRecord(ctx, staff, p.id, recordKind(p.kind), p.recordId, req.body);
  });
  app.delete(`${A}/schools/:id/records/:kind/:recordId`, async (req) => {
    const staff = await authStaff(ctx, req);
    const p = params(RecordParams, req.params);
    return deleteStaffRecord(ctx, staff, p.id, recordKind(p.kind), p.recordId);
  });

  /** xAPI statements as a download (streamed JSON array; statement id = event id). */
  app.get(`${A}/export/xapi`, async (req, reply) => {
    const staff = await authStaff(ctx, req);
    const q = z
      .object({ schoolId: z.string().optional(), since: z.string().datetime({ offset: true }).optional(), until: z.string().datetime({ offset: true }).optional() })
      .parse(req.query);
    const statements = exportStatements(ctx, staff, q);
    // Pull the first page before the headers go out, so a scope error is still a proper 404.
    const first = await statements.next();
    const date = ctx.clock().toISOString().slice(0, 10);
    reply.header('content-type', 'application/json; charset=utf-8');
    reply.header('content-disposition', `attachment; filename="teachpoint-xapi-${date}.json"`);
    async function* body() {
      yield '[';
      if (!first.done) yield JSON.stringify(first.value);
      for await (const s of statements) yield ',\n' + JSON.stringify(s);
      yield ']\n';
    }
    const { Readable } = await import('node:stream');
    return reply.send(Readable.from(body()));
  });
};
