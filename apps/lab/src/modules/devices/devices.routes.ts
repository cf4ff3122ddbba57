import { decodeCursor, errorResponses, type RouteScope, toPage } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/index.ts';
import { listInLabs, readInLabs } from '../sites/index.ts';
import { calibrationRoutes } from './calibration.routes.ts';
import { certificateRoutes } from './certificates.routes.ts';
import { deviceView, oneDevice } from './device-status.ts';
import { listDevices, listUsage } from './devices.repository.ts';
import {
  Device,
  DevicePage,
  DeviceParams,
  DeviceQuery,
  DeviceUpdate,
  NewDevice,
  PageOnly,
  Usage,
  UsageBody,
  UsagePage,
} from './devices.schema.ts';
import { changeDevice, createDevice, getDevice, useDevice } from './devices.service.ts';

const base = { tags: ['devices'], security: [{ bearerAuth: [] }] };

/** `/api/devices` and `/api/calibration`: instruments, their calibration and their logbook. */
export async function deviceRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  await calibrationRoutes(app, ctx);
  await certificateRoutes(app, ctx);

  app.post(
    '/api/devices',
    {
      config: { access: 'devices:manage' },
      schema: {
        operationId: 'createDevice',
        ...base,
        summary: 'Register a device',
        body: NewDevice,
        response: { 201: Device, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createDevice(ctx, request.principal, request.body, actorOf(request))),
  );

  app.get(
    '/api/devices',
    {
      config: { access: 'devices:read' },
      schema: {
        operationId: 'listDevices',
        ...base,
        summary: 'Devices of my labs, newest first, filtered, keyset pages',
        querystring: DeviceQuery,
        response: { 200: DevicePage, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { limit = 20, cursor, ...filter } = request.query;
      const position = cursor ? decodeCursor(cursor) : undefined;
      const now = ctx.now();
      const rows = await listInLabs(ctx.db, request.principal.lab_ids, filter, (tx, scoped) =>
        listDevices(tx, scoped, now, position, limit + 1),
      );
      const page = toPage(rows, limit, (row) => row.created_at);
      return { ...page, items: page.items.map((row) => deviceView(row, now)) };
    },
  );

  app.get(
    '/api/devices/:id',
    {
      config: { access: 'devices:read' },
      schema: {
        operationId: 'getDevice',
        ...base,
        summary: 'One device with its status and whether it may be used now',
        params: DeviceParams,
        response: { 200: Device, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => getDevice(ctx, request.principal, request.params.id),
  );

  app.patch(
    '/api/devices/:id',
    {
      config: { access: 'devices:manage' },
      schema: {
        operationId: 'updateDevice',
        ...base,
        summary: 'Change a device, put it in or out of service (a reason is required)',
        description:
          'Calibration status follows calibration entries only. A new interval applies to later entries.',
        params: DeviceParams,
        body: DeviceUpdate,
        response: { 200: Device, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request) =>
      changeDevice(ctx, request.principal, request.params.id, request.body, actorOf(request)),
  );

  app.post(
    '/api/devices/:id/usage',
    {
      config: { access: 'runs:create' },
      schema: {
        operationId: 'recordDeviceUsage',
        ...base,
        summary: "Record a use of the device in its logbook (refused unless it's usable)",
        description:
          '409 `device_out_of_service` when out of service; 409 `device_not_calibrated` when never ' +
          'calibrated, its latest calibration failed, or it is overdue (due strictly before now).',
        params: DeviceParams,
        body: UsageBody,
        response: { 201: Usage, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await useDevice(ctx, request.principal, request.params.id, request.body, actorOf(request))),
  );

  app.get(
    '/api/devices/:id/usage',
    {
      config: { access: 'devices:read' },
      schema: {
        operationId: 'listDeviceUsage',
        ...base,
        summary: "The device's logbook, newest first, keyset pages",
        params: DeviceParams,
        querystring: PageOnly,
        response: { 200: UsagePage, ...errorResponses(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request) => {
      const { limit = 20, cursor } = request.query;
      const position = cursor ? decodeCursor(cursor) : undefined;
      const scope = readInLabs(ctx.db, request.principal.lab_ids);
      const device = await oneDevice(scope, request.params.id);
      const rows = await listUsage(scope, device.id, position, limit + 1);
      return toPage(rows, limit, (row) => row.used_at);
    },
  );
}
