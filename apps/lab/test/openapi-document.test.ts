import { openApiProblems, operationsOf } from '@ours/platform/testing/openapi';
import { beforeAll, describe, expect, it } from 'vitest';
import { publicRoutes } from '../src/modules/access/permissions.ts';
import { useLabApp } from './support/lab-app.ts';

const lab = useLabApp();
let document: { openapi: string; paths: Record<string, Record<string, unknown>> };

beforeAll(async () => {
  document = (await lab.app.inject({ method: 'GET', url: '/docs/json' })).json();
});

// The ids the web UI's generated client is written against: renaming one breaks it.
const operationIds = {
  addDemoData: 'POST /api/admin/demo-data',
  listJobs: 'GET /api/admin/jobs',
  runJob: 'POST /api/admin/jobs/{name}/run',
  addLabMember: 'POST /api/admin/users/{id}/labs',
  assignSampleWorkflow: 'POST /api/samples/{id}/assign-workflow',
  changeMyPassword: 'POST /auth/password',
  completeMfaLogin: 'POST /auth/mfa',
  completeSetup: 'POST /auth/setup',
  confirmMfaEnrolment: 'POST /auth/mfa/confirm',
  consumeStock: 'POST /api/inventory/lots/{id}/consume',
  createBatch: 'POST /api/samples/batches',
  createContainer: 'POST /api/samples/containers',
  createDevice: 'POST /api/devices',
  createHub: 'POST /api/sites/hubs',
  createItem: 'POST /api/inventory/items',
  createLab: 'POST /api/admin/labs',
  createNode: 'POST /api/sites/nodes',
  createProject: 'POST /api/samples/projects',
  createSample: 'POST /api/samples',
  createSamples: 'POST /api/samples/bulk',
  createUser: 'POST /api/admin/users',
  createVendor: 'POST /api/inventory/vendors',
  deleteSample: 'DELETE /api/samples/{id}',
  disableMfa: 'POST /auth/mfa/disable',
  downloadCertificate: 'GET /api/calibration/{id}/certificate',
  exportAuditTrail: 'GET /api/compliance/audit/export',
  exportSamples: 'GET /api/samples/export',
  getBatch: 'GET /api/samples/batches/{id}',
  getCalibration: 'GET /api/calibration/{id}',
  getContainer: 'GET /api/samples/containers/{id}',
  getDevice: 'GET /api/devices/{id}',
  getHealth: 'GET /health',
  getItem: 'GET /api/inventory/items/{id}',
  getLot: 'GET /api/inventory/lots/{id}',
  getMe: 'GET /auth/me',
  getMetrics: 'GET /metrics',
  getProject: 'GET /api/samples/projects/{id}',
  getSample: 'GET /api/samples/{id}',
  getSampleHistory: 'GET /api/samples/{id}/history',
  getSampleLabel: 'GET /api/samples/{id}/label',
  getUser: 'GET /api/admin/users/{id}',
  getVendor: 'GET /api/inventory/vendors/{id}',
  grantRole: 'POST /api/admin/users/{id}/roles',
  importSamples: 'POST /api/samples/import',
  listAuditEntries: 'GET /api/compliance/audit',
  listBatches: 'GET /api/samples/batches',
  listCalibrations: 'GET /api/calibration',
  listContainers: 'GET /api/samples/containers',
  listDevices: 'GET /api/devices',
  listDeviceUsage: 'GET /api/devices/{id}/usage',
  listExpiredLots: 'GET /api/inventory/alerts/expired',
  listExpiringLots: 'GET /api/inventory/alerts/expiring',
  listHubs: 'GET /api/sites/hubs',
  listItems: 'GET /api/inventory/items',
  listLabs: 'GET /api/admin/labs',
  listLots: 'GET /api/inventory/lots',
  listLowStockItems: 'GET /api/inventory/alerts/low-stock',
  listMyLabs: 'GET /api/labs',
  listNodes: 'GET /api/sites/nodes',
  listOverdueCalibrations: 'GET /api/calibration/overdue',
  listProjects: 'GET /api/samples/projects',
  listRoles: 'GET /api/admin/roles',
  listSamples: 'GET /api/samples',
  listSignatures: 'GET /api/signatures',
  listSigningKeys: 'GET /api/compliance/keys',
  listStockAlerts: 'GET /api/inventory/alerts',
  listStockMovements: 'GET /api/inventory/movements',
  listUpcomingCalibrations: 'GET /api/calibration/upcoming',
  listUsers: 'GET /api/admin/users',
  listVendors: 'GET /api/inventory/vendors',
  login: 'POST /auth/login',
  logout: 'POST /auth/logout',
  printSampleLabels: 'POST /api/samples/labels',
  receiveIntoLot: 'POST /api/inventory/lots/{id}/receive',
  receiveStock: 'POST /api/inventory/lots',
  recordCalibration: 'POST /api/calibration',
  recordDeviceUsage: 'POST /api/devices/{id}/usage',
  refreshSession: 'POST /auth/refresh',
  removeLabMember: 'DELETE /api/admin/users/{id}/labs/{labId}',
  resetUserPassword: 'POST /api/admin/users/{id}/password',
  revokeRole: 'DELETE /api/admin/users/{id}/roles/{role}',
  signRecord: 'POST /api/signatures',
  splitSample: 'POST /api/samples/{id}/split',
  startMfaEnrolment: 'POST /auth/mfa/enrol',
  unlockUser: 'POST /api/admin/users/{id}/unlock',
  updateDevice: 'PATCH /api/devices/{id}',
  updateItem: 'PATCH /api/inventory/items/{id}',
  updateLot: 'PATCH /api/inventory/lots/{id}',
  updateSample: 'PATCH /api/samples/{id}',
  updateUser: 'PATCH /api/admin/users/{id}',
  updateVendor: 'PATCH /api/inventory/vendors/{id}',
  uploadCertificate: 'POST /api/calibration/{id}/certificate',
  verifyAuditTrail: 'GET /api/compliance/audit/verify',
  verifySignature: 'GET /api/signatures/{id}/verify',
};

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

  it('says security: [] on exactly the public routes and names the bearer scheme on all others', () => {
    for (const [route, operation] of operationsOf(document)) {
      const registered = route.replace(/\{(\w+)\}/g, ':$1');
      const isPublic = (publicRoutes as readonly string[]).includes(registered);
      expect(operation.security, route).toEqual(isPublic ? [] : [{ bearerAuth: [] }]);
    }
  });
});
