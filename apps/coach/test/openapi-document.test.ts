import { openApiProblems, operationsOf } from '@ours/platform/testing/openapi';
import { beforeAll, describe, expect, it } from 'vitest';
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

describe('the published OpenAPI document', () => {
  it('is valid OpenAPI 3.1 (Redocly recommended rules) with an operationId and declared errors everywhere', async () => {
    expect(document.openapi).toBe('3.1.0');
    expect(await openApiProblems(document)).toEqual([]);
  });

  it('keeps every operationId stable', () => {
    const published = Object.fromEntries(
      operationsOf(document).map(([route, operation]) => [operation.operationId, route]),
    );
    expect(published).toEqual(operationIds);
  });

  it('says security: [] on the public operations routes and names the bearer scheme on all others', () => {
    for (const [route, operation] of operationsOf(document)) {
      expect(operation.security, route).toEqual(publicRoutes.includes(route) ? [] : [{ bearerAuth: [] }]);
    }
  });
});
