import {
  decodeCursor,
  errorResponses,
  PageQuery,
  pageOf,
  type RouteScope,
  toPage,
} from '@ours/platform/http';
import { addDays } from '@ours/platform/time';
import { Type } from 'typebox';
import type { LabContext } from '../../context.ts';
import { labToday } from '../shared/lab-calendar.ts';
import { Nullable, Uuid } from '../shared/schema.ts';
import { listInLabs, readInLabs } from '../sites/index.ts';
import { expiredLots, expiringLots, lowStockItems } from './alert-reports.repository.ts';
import { listOpenAlerts } from './alerts.repository.ts';

const base = { tags: ['inventory'], security: [{ bearerAuth: [] }] };
const LabQuery = { lab_id: Type.Optional(Uuid) };

const LowStock = Type.Object({
  item_id: Uuid,
  lab_id: Uuid,
  code: Type.String(),
  name: Type.String(),
  unit: Type.String(),
  current_stock: Type.Number(),
  available_stock: Type.Number(),
  reorder_point: Type.Number(),
  min_stock: Type.Number(),
  shortage: Type.Number({ description: 'reorder_point - available_stock' }),
  severity: Type.Union([Type.Literal('critical'), Type.Literal('warning')], {
    description: 'critical when the usable stock is at or below the minimum stock',
  }),
});

const LotAlert = Type.Object({
  lot_id: Uuid,
  lab_id: Uuid,
  item_id: Uuid,
  item_code: Type.String(),
  lot_number: Type.String(),
  status: Type.String(),
  unit: Type.String(),
  quantity_remaining: Type.Number(),
  expiry_date: Type.String(),
  days_until_expiry: Type.Integer({ description: 'Negative once expired' }),
});

const Alert = Type.Object({
  id: Uuid,
  lab_id: Uuid,
  kind: Type.Union([Type.Literal('low_stock'), Type.Literal('expiring'), Type.Literal('expired')]),
  item_id: Uuid,
  item_code: Type.String(),
  lot_id: Nullable(Uuid),
  lot_number: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  opened_at: Type.String(),
});

/** Live stock reports, and the open alerts the daily job recorded. */
export async function alertRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.get(
    '/api/inventory/alerts/low-stock',
    {
      config: { access: 'inventory:read' },
      schema: {
        operationId: 'listLowStockItems',
        ...base,
        summary: 'Items whose usable stock is at or below their reorder point',
        querystring: Type.Object(LabQuery, { additionalProperties: false }),
        response: {
          200: Type.Object({ count: Type.Integer(), items: Type.Array(LowStock) }),
          ...errorResponses(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const today = labToday(ctx.now());
      const scope = readInLabs(ctx.db, request.principal.lab_ids);
      const items = await lowStockItems(scope, today, request.query.lab_id);
      return { count: items.length, items };
    },
  );

  app.get(
    '/api/inventory/alerts/expiring',
    {
      config: { access: 'inventory:read' },
      schema: {
        operationId: 'listExpiringLots',
        ...base,
        summary: 'Lots with stock left expiring between today and today + days (both inclusive)',
        querystring: Type.Object(
          { days: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650, default: 30 })), ...LabQuery },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ count: Type.Integer(), days: Type.Integer(), lots: Type.Array(LotAlert) }),
          ...errorResponses(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const days = request.query.days ?? 30;
      const today = labToday(ctx.now());
      const scope = readInLabs(ctx.db, request.principal.lab_ids);
      const lots = await expiringLots(scope, today, addDays(today, days), request.query.lab_id);
      return { count: lots.length, days, lots };
    },
  );

  app.get(
    '/api/inventory/alerts/expired',
    {
      config: { access: 'inventory:read' },
      schema: {
        operationId: 'listExpiredLots',
        ...base,
        summary: 'Lots with stock left past their expiry date',
        querystring: Type.Object(LabQuery, { additionalProperties: false }),
        response: {
          200: Type.Object({ count: Type.Integer(), lots: Type.Array(LotAlert) }),
          ...errorResponses(400, 401, 403, 429),
        },
      },
    },
    async (request) => {
      const today = labToday(ctx.now());
      const lots = await expiredLots(
        readInLabs(ctx.db, request.principal.lab_ids),
        today,
        request.query.lab_id,
      );
      return { count: lots.length, lots };
    },
  );

  app.get(
    '/api/inventory/alerts',
    {
      config: { access: 'inventory:read' },
      schema: {
        operationId: 'listStockAlerts',
        ...base,
        summary: 'Open alerts the daily job recorded for my labs, newest first, keyset pages',
        querystring: Type.Object(
          {
            ...PageQuery,
            kind: Type.Optional(
              Type.Union([Type.Literal('low_stock'), Type.Literal('expiring'), Type.Literal('expired')]),
            ),
            ...LabQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(Alert), ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { limit = 20, cursor, ...filter } = request.query;
      const position = cursor ? decodeCursor(cursor) : undefined;
      const rows = await listInLabs(ctx.db, request.principal.lab_ids, filter, (tx, scoped) =>
        listOpenAlerts(tx, scoped, position, limit + 1),
      );
      return toPage(rows, limit, (row) => row.opened_at);
    },
  );
}
