import { describeOpenApiDocument } from '@ours/platform/testing/openapi';
import { beforeAll } from 'vitest';
import { useTestApp } from './support/test-app.ts';

const t = useTestApp();
let document: { openapi: string; paths: Record<string, Record<string, unknown>> };

beforeAll(async () => {
  document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
});

// The ids generated clients are written against: renaming one breaks them.
const operationIds = {
  askCoach: 'POST /ask',
  createMoodLog: 'POST /mood-logs',
  deleteAllMemories: 'DELETE /memories',
  deleteMemory: 'DELETE /memories/{id}',
  deleteMyData: 'DELETE /me',
  exportMyData: 'GET /me/export',
  getHealth: 'GET /health',
  getMetrics: 'GET /metrics',
  getProfile: 'GET /profile',
  listAlerts: 'GET /admin/alerts',
  listHistory: 'GET /history',
  listJobs: 'GET /admin/jobs',
  listMemories: 'GET /memories',
  listMoodLogs: 'GET /mood-logs',
  listNotes: 'GET /notes',
  listNotifications: 'GET /notifications',
  runJob: 'POST /admin/jobs/{name}/run',
  updateNotification: 'PATCH /notifications/{id}',
  updateProfile: 'PUT /profile',
};
const publicRoutes = ['GET /health', 'GET /metrics'];

describeOpenApiDocument(() => document, { operationIds, isPublic: (route) => publicRoutes.includes(route) });
