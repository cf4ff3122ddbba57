import { NotFoundError } from '@ours/platform/errors';
import { decodeCursor, errorResponses, type RouteScope, toPage } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/index.ts';
import { listInLabs, readInLabs } from '../sites/index.ts';
import {
  ConsumeBody,
  IdParams,
  Lot,
  LotPage,
  LotQuery,
  LotUpdate,
  MovementPage,
  MovementQuery,
  ReceiveBody,
  ReceiveMoreBody,
  StockReply,
} from './inventory.schema.ts';
import { findMovements } from './ledger.service.ts';
import { changeLot } from './lots.service.ts';
import { listLots, lotById } from './stock.repository.ts';
import { consumeStock, receiveIntoLot, receiveStock } from './stock.service.ts';

const base = { tags: ['inventory'], security: [{ bearerAuth: [] }] };

/** Stock lots and their movements: receive, consume, quarantine and release, the ledger. */
export async function stockRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.post(
    '/api/inventory/lots',
    {
      config: { access: 'inventory:create' },
      schema: {
        operationId: 'receiveStock',
        ...base,
        summary: "Receive stock: creates the item's lot with this number (201) or adds to it (200)",
        body: ReceiveBody,
        response: {
          200: StockReply,
          201: StockReply,
          ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const result = await receiveStock(ctx, request.principal, request.body, actorOf(request));
      return reply.code(result.created ? 201 : 200).send(result);
    },
  );

  app.post(
    '/api/inventory/lots/:id/receive',
    {
      config: { access: 'inventory:create' },
      schema: {
        operationId: 'receiveIntoLot',
        ...base,
        summary: 'Receive more of an existing lot',
        params: IdParams,
        body: ReceiveMoreBody,
        response: { 200: StockReply, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request) =>
      receiveIntoLot(ctx, request.principal, request.params.id, request.body, actorOf(request)),
  );

  app.post(
    '/api/inventory/lots/:id/consume',
    {
      config: { access: 'inventory:create' },
      schema: {
        operationId: 'consumeStock',
        ...base,
        summary:
          'Consume from a lot (refused when quarantined, expired, or more than is left: 409 insufficient_stock with available and requested)',
        description:
          '`sample_id` (optional) names the sample it was used for by uuid or business id; it must be a ' +
          "live sample of the lot's lab (404 `sample_not_found`; 409 `ambiguous_sample` when the business " +
          'id is in several of your labs).',
        params: IdParams,
        body: ConsumeBody,
        response: { 200: StockReply, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request) =>
      consumeStock(ctx, request.principal, request.params.id, request.body, actorOf(request)),
  );

  app.get(
    '/api/inventory/lots',
    {
      config: { access: 'inventory:read' },
      schema: {
        operationId: 'listLots',
        ...base,
        summary: 'Lots of my labs, newest first, filtered, keyset pages',
        querystring: LotQuery,
        response: { 200: LotPage, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { limit = 20, cursor, ...filter } = request.query;
      const position = cursor ? decodeCursor(cursor) : undefined;
      const rows = await listInLabs(ctx.db, request.principal.lab_ids, filter, (tx, scoped) =>
        listLots(tx, scoped, position, limit + 1),
      );
      return toPage(rows, limit, (row) => row.created_at);
    },
  );

  app.get(
    '/api/inventory/lots/:id',
    {
      config: { access: 'inventory:read' },
      schema: {
        operationId: 'getLot',
        ...base,
        summary: 'One lot',
        params: IdParams,
        response: { 200: Lot, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const lot = await lotById(readInLabs(ctx.db, request.principal.lab_ids), request.params.id);
      if (!lot) throw new NotFoundError('lot_not_found', 'There is no such lot');
      return lot;
    },
  );

  app.patch(
    '/api/inventory/lots/:id',
    {
      config: { access: 'inventory:update' },
      schema: {
        operationId: 'updateLot',
        ...base,
        summary: 'Quarantine or release a lot, or correct its expiry date or vendor (with a reason)',
        params: IdParams,
        body: LotUpdate,
        response: { 200: Lot, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request) => changeLot(ctx, request.principal, request.params.id, request.body, actorOf(request)),
  );

  app.get(
    '/api/inventory/movements',
    {
      config: { access: 'inventory:read' },
      schema: {
        operationId: 'listStockMovements',
        ...base,
        summary: 'The stock ledger of my labs, newest first, filtered, keyset pages',
        description:
          '`sample_id` may be the sample uuid or its business id: a business id must name one sample of ' +
          'your labs (404 `sample_not_found`, 409 `ambiguous_sample`).',
        querystring: MovementQuery,
        response: { 200: MovementPage, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { limit = 20, cursor, ...filter } = request.query;
      const position = cursor ? decodeCursor(cursor) : undefined;
      const rows = await findMovements(ctx, request.principal, filter, position, limit + 1);
      return toPage(rows, limit, (row) => row.occurred_at);
    },
  );
}
