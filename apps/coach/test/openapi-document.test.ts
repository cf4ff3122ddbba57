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
  deletePushToken: 'DELETE /me/push-tokens/{id}',
  deleteUserBudget: 'DELETE /admin/budgets/users/{userId}',
  exportMyData: 'GET /me/export',
  getAdminPage: 'GET /admin',
  getHealth: 'GET /health',
  getMetrics: 'GET /metrics',
  getProfile: 'GET /profile',
  getUsage: 'GET /admin/usage',
  listAlerts: 'GET /admin/alerts',
  listBudgets: 'GET /admin/budgets',
  listHistory: 'GET /history',
  listJobs: 'GET /admin/jobs',
  listMemories: 'GET /memories',
  listMoodLogs: 'GET /mood-logs',
  listNotes: 'GET /notes',
  listNotifications: 'GET /notifications',
  listPrices: 'GET /admin/prices',
  listPushTokens: 'GET /me/push-tokens',
  putDefaultBudget: 'PUT /admin/budgets/default',
  putGlobalBudget: 'PUT /admin/budgets/global',
  putUserBudget: 'PUT /admin/budgets/users/{userId}',
  registerPushToken: 'POST /me/push-tokens',
  runJob: 'POST /admin/jobs/{name}/run',
  setPrice: 'PUT /admin/prices/{model}',
  updateNotification: 'PATCH /notifications/{id}',
  updateProfile: 'PUT /profile',
};
// The operator page is public: it holds no data and asks for a service-role token itself.
const publicRoutes = ['GET /health', 'GET /metrics', 'GET /admin'];

describeOpenApiDocument(() => document, { operationIds, isPublic: (route) => publicRoutes.includes(route) });
