import express, { Router } from 'express';
import { requireAdmin } from '../../admin/index.js';
import { IMPORT_LIMITS } from '../../content/index.js';
import { principalOf, requirePrincipal } from '../auth.js';
import { addAccessRoutes } from './access.js';
import { addAuditRoutes } from './audit.js';
import { addBroadcastRoutes } from './broadcasts.js';
import { addCampaignRoutes } from './campaigns.js';
import { addContestRoutes } from './contests.js';
import { addExportRoutes } from './exports.js';
import { addLearningRoutes } from './learning.js';
import { addParticipantRoutes } from './participants.js';
import { addPickerRoutes } from './pickers.js';
import { addQuestionRoutes } from './questions.js';
import { ApiRegistry } from './registry.js';
import { apiContext, type ApiDeps } from './shared.js';
import { addStatsRoutes } from './stats.js';
import { addSystemRoutes } from './system.js';
import { addTokenRoutes } from './tokens.js';
import { addUnitRoutes } from './units.js';
import { addUserRoutes } from './users.js';

export { formatExportDate, toCsv, toXlsx, type ExportTable } from './tables.js';
export type { ApiDeps, UsersPort } from './shared.js';
export type { BotInfo } from './names.js';
export type { BotContent } from './content-scope.js';

/**
 * The REST API under /api/v1, plus its OpenAPI document; one file per resource adds its routes, in
 * this order (the order of the document, and of express's matching). Authentication runs before it.
 */
export function createApiRouter(deps: ApiDeps): Router {
  const api = new ApiRegistry();
  const ctx = apiContext(api, deps);
  addAccessRoutes(ctx);
  addParticipantRoutes(ctx);
  addUnitRoutes(ctx);
  addQuestionRoutes(ctx);
  addPickerRoutes(ctx);
  addCampaignRoutes(ctx);
  addStatsRoutes(ctx);
  addBroadcastRoutes(ctx);
  addContestRoutes(ctx);
  addUserRoutes(ctx);
  addTokenRoutes(ctx);
  addExportRoutes(ctx);
  addLearningRoutes(ctx);
  addSystemRoutes(ctx);
  addAuditRoutes(ctx);

  const router = Router();
  router.get('/openapi.json', (req, res) => {
    const base = deps.publicUrl ?? `${req.protocol}://${req.get('host')}`;
    res.json(api.openapi({ title: 'CĐS quiz bot admin API', version: '1.0.0', serverUrl: `${base}/api/v1` }));
  });
  router.use(requirePrincipal());
  router.use(express.json({ limit: '256kb' }));
  // A table to import: refused past this size before it is read (src/content IMPORT_LIMITS).
  router.use(express.raw({ type: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], limit: IMPORT_LIMITS.bytes }));
  api.mount(router, (spec, req) => {
    if (spec.adminOnly) requireAdmin(principalOf(req));
  });
  return router;
}
