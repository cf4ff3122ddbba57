import { decodeCursor, errorResponses, type RouteScope, toPage } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/index.ts';
import { dueList, findCalibrations, getCalibration, recordCalibration } from './calibration.service.ts';
import {
  CalibrationEntry,
  CalibrationPage,
  CalibrationParams,
  CalibrationQuery,
  DueList,
  NewCalibration,
  OverdueQuery,
  UpcomingQuery,
} from './devices.schema.ts';

const base = { tags: ['calibration'], security: [{ bearerAuth: [] }] };

/** `/api/calibration`: append-only calibration entries and the due lists. */
export async function calibrationRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.post(
    '/api/calibration',
    {
      config: { access: 'calibration:create' },
      schema: {
        operationId: 'recordCalibration',
        ...base,
        summary: 'Record a calibration (performed by me); it sets the device status unless a later one does',
        description:
          "Append-only: a correction is a new entry. `next_due_at` defaults to performed_at plus the device's " +
          'interval (24-hour days); a failed calibration has none. A back-dated entry is kept but never ' +
          'overwrites the status set by an entry performed later (`governs_status: false`).',
        body: NewCalibration,
        response: { 201: CalibrationEntry, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await recordCalibration(ctx, request.principal, request.body, actorOf(request))),
  );

  app.get(
    '/api/calibration',
    {
      config: { access: 'calibration:read' },
      schema: {
        operationId: 'listCalibrations',
        ...base,
        summary: 'Calibration entries of my labs, most recently performed first, keyset pages',
        querystring: CalibrationQuery,
        response: { 200: CalibrationPage, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { limit = 20, cursor, ...filter } = request.query;
      const position = cursor ? decodeCursor(cursor) : undefined;
      const rows = await findCalibrations(ctx, request.principal, filter, position, limit + 1);
      return toPage(rows, limit, (row) => row.performed_at);
    },
  );

  app.get(
    '/api/calibration/upcoming',
    {
      config: { access: 'calibration:read' },
      schema: {
        operationId: 'listUpcomingCalibrations',
        ...base,
        summary: 'Devices whose calibration falls due between now and now + days (inclusive)',
        description: 'Same item shape as /overdue. Due exactly now is upcoming, not overdue.',
        querystring: UpcomingQuery,
        response: { 200: DueList, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) =>
      dueList(
        ctx,
        request.principal,
        { kind: 'upcoming', days: request.query.days ?? 30 },
        request.query.lab_id,
      ),
  );

  app.get(
    '/api/calibration/overdue',
    {
      config: { access: 'calibration:read' },
      schema: {
        operationId: 'listOverdueCalibrations',
        ...base,
        summary: 'Devices that must be calibrated before any use',
        description:
          'Due strictly before now (`calibration_state: overdue`), latest calibration failed (`failed`), ' +
          'or never calibrated (`never_calibrated`). Same item shape as /upcoming.',
        querystring: OverdueQuery,
        response: { 200: DueList, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => dueList(ctx, request.principal, { kind: 'overdue' }, request.query.lab_id),
  );

  app.get(
    '/api/calibration/:id',
    {
      config: { access: 'calibration:read' },
      schema: {
        operationId: 'getCalibration',
        ...base,
        summary: 'One calibration entry with its certificate versions',
        params: CalibrationParams,
        response: { 200: CalibrationEntry, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => getCalibration(ctx, request.principal, request.params.id),
  );
}
