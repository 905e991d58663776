/**
 * Staff routes the county dashboard needs beyond the core staff API (routes/admin.ts): one request
 * per page instead of one per school. Same authentication and county scoping as every staff route.
 */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { API_PREFIX } from '../../protocol/version';
import { authStaff } from '../auth/auth';
import { classProgress, schoolsOverview } from '../services/dashboard';

const D = `${API_PREFIX}/admin/dashboard`;
const Scope = z.object({ countyId: z.string().min(1).max(128).optional(), schoolId: z.string().min(1).max(128).optional() });

export const dashboardApiRoutes: FastifyPluginAsync = async (app) => {
  const ctx = app.cloud;

  /** Teaching points: schools with their devices (last sync, queued events, bytes to download, installed packs). */
  app.get(`${D}/schools`, async (req) => {
    const staff = await authStaff(ctx, req);
    return schoolsOverview(ctx, staff, Scope.parse(req.query).countyId);
  });

  /** Class progress summaries per school (`?countyId=` for the province, `?schoolId=` for one school). */
  app.get(`${D}/progress`, async (req) => {
    const staff = await authStaff(ctx, req);
    return classProgress(ctx, staff, Scope.parse(req.query));
  });
};
