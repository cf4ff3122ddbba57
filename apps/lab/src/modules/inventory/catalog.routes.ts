import { NotFoundError } from '@ours/platform/errors';
import { decodeCursor, errorResponses, type RouteScope, toPage } from '@ours/platform/http';
import type { LabContext } from '../../context.ts';
import { actorOf } from '../audit/index.ts';
import { labToday } from '../shared/lab-calendar.ts';
import { listInLabs, readInLabs } from '../sites/index.ts';
import { itemById, listItems, listVendors, vendorById } from './catalog.repository.ts';
import { changeItem, changeVendor, createItem, createVendor } from './catalog.service.ts';
import {
  IdParams,
  Item,
  ItemPage,
  ItemQuery,
  ItemUpdate,
  NewItem,
  NewVendor,
  Vendor,
  VendorPage,
  VendorQuery,
  VendorUpdate,
} from './inventory.schema.ts';

const base = { tags: ['inventory'], security: [{ bearerAuth: [] }] };

/** Vendors and items: the catalogue that lots are received against. */
export async function catalogRoutes(app: RouteScope, ctx: LabContext): Promise<void> {
  app.post(
    '/api/inventory/vendors',
    {
      config: { access: 'inventory:create' },
      schema: {
        operationId: 'createVendor',
        ...base,
        summary: 'Register a vendor',
        body: NewVendor,
        response: { 201: Vendor, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createVendor(ctx, request.principal, request.body, actorOf(request))),
  );

  app.get(
    '/api/inventory/vendors',
    {
      config: { access: 'inventory:read' },
      schema: {
        operationId: 'listVendors',
        ...base,
        summary: 'Vendors of my labs, newest first, keyset pages',
        querystring: VendorQuery,
        response: { 200: VendorPage, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { limit = 20, cursor, ...filter } = request.query;
      const position = cursor ? decodeCursor(cursor) : undefined;
      const rows = await listInLabs(ctx.db, request.principal.lab_ids, filter, (tx, scoped) =>
        listVendors(tx, scoped, position, limit + 1),
      );
      return toPage(rows, limit, (row) => row.created_at);
    },
  );

  app.get(
    '/api/inventory/vendors/:id',
    {
      config: { access: 'inventory:read' },
      schema: {
        operationId: 'getVendor',
        ...base,
        summary: 'One vendor',
        params: IdParams,
        response: { 200: Vendor, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const vendor = await vendorById(readInLabs(ctx.db, request.principal.lab_ids), request.params.id);
      if (!vendor) throw new NotFoundError('vendor_not_found', 'There is no such vendor');
      return vendor;
    },
  );

  app.patch(
    '/api/inventory/vendors/:id',
    {
      config: { access: 'inventory:update' },
      schema: {
        operationId: 'updateVendor',
        ...base,
        summary: "Change a vendor's name or contact details (with a reason)",
        params: IdParams,
        body: VendorUpdate,
        response: { 200: Vendor, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) =>
      changeVendor(ctx, request.principal, request.params.id, request.body, actorOf(request)),
  );

  app.post(
    '/api/inventory/items',
    {
      config: { access: 'inventory:create' },
      schema: {
        operationId: 'createItem',
        ...base,
        summary: 'Register an item (its stock starts at zero; receipts and consumptions move it)',
        body: NewItem,
        response: { 201: Item, ...errorResponses(400, 401, 403, 409, 413, 415, 429) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await createItem(ctx, request.principal, request.body, actorOf(request))),
  );

  app.get(
    '/api/inventory/items',
    {
      config: { access: 'inventory:read' },
      schema: {
        operationId: 'listItems',
        ...base,
        summary: 'Items of my labs, newest first, filtered, keyset pages',
        querystring: ItemQuery,
        response: { 200: ItemPage, ...errorResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const { limit = 20, cursor, ...filter } = request.query;
      const position = cursor ? decodeCursor(cursor) : undefined;
      const today = labToday(ctx.now());
      const rows = await listInLabs(ctx.db, request.principal.lab_ids, filter, (tx, scoped) =>
        listItems(tx, scoped, today, position, limit + 1),
      );
      return toPage(rows, limit, (row) => row.created_at);
    },
  );

  app.get(
    '/api/inventory/items/:id',
    {
      config: { access: 'inventory:read' },
      schema: {
        operationId: 'getItem',
        ...base,
        summary: 'One item with its current and usable stock',
        params: IdParams,
        response: { 200: Item, ...errorResponses(400, 401, 403, 404, 429) },
      },
    },
    async (request) => {
      const today = labToday(ctx.now());
      const item = await itemById(readInLabs(ctx.db, request.principal.lab_ids), request.params.id, today);
      if (!item) throw new NotFoundError('item_not_found', 'There is no such item');
      return item;
    },
  );

  app.patch(
    '/api/inventory/items/:id',
    {
      config: { access: 'inventory:update' },
      schema: {
        operationId: 'updateItem',
        ...base,
        summary: "Change an item's description or thresholds (never its stock), with a reason",
        params: IdParams,
        body: ItemUpdate,
        response: { 200: Item, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429) },
      },
    },
    async (request) => changeItem(ctx, request.principal, request.params.id, request.body, actorOf(request)),
  );
}
