import { PageQuery, pageOf } from '@ours/platform/http';
import { Type } from 'typebox';
import { FreeObject, Nullable, Uuid } from '../shared/schema.ts';

const Day = Type.String({ format: 'date', description: 'A calendar date, YYYY-MM-DD' });

const Code = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$',
  description: 'Letters, digits, dot, dash, underscore; unique within the lab',
});
const LotNumber = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9./_-]{0,99}$',
  description: "The supplier's lot number; unique per item",
});
const Name = Type.String({ minLength: 1, pattern: '\\S', maxLength: 200 });
const Reason = Type.String({
  minLength: 1,
  pattern: '\\S',
  maxLength: 1000,
  description: 'Why (kept in the audit trail)',
});
/** A quantity moved or received: positive, fractional mL/g allowed (at most 6 decimals). */
const Amount = Type.Number({ exclusiveMinimum: 0, maximum: 1e12 });
/** A threshold: zero or more. */
const Level = Type.Number({ minimum: 0, maximum: 1e12 });
const ContactInfo = FreeObject('Free contact details (phone, email, address...), at most 4 kB as JSON');

/** A sample named by its uuid or its business id (resolved in the caller's labs). */
const SampleKey = (description: string) => Type.String({ minLength: 1, maxLength: 100, description });

export const IdParams = Type.Object({ id: Uuid });

export const Vendor = Type.Object({
  id: Uuid,
  lab_id: Uuid,
  code: Type.String(),
  name: Type.String(),
  contact_info: Type.Record(Type.String(), Type.Unknown()),
  created_by: Uuid,
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const NewVendor = Type.Object(
  { code: Code, name: Name, contact_info: Type.Optional(ContactInfo), lab_id: Type.Optional(Uuid) },
  { additionalProperties: false },
);

export const VendorUpdate = Type.Object(
  { name: Type.Optional(Name), contact_info: Type.Optional(ContactInfo), reason: Reason },
  { additionalProperties: false, minProperties: 2 },
);

export const VendorQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Code prefix' })),
    lab_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const Item = Type.Object({
  id: Uuid,
  lab_id: Uuid,
  code: Type.String(),
  name: Type.String(),
  category: Type.String(),
  unit: Type.String(),
  location: Type.String(),
  reorder_point: Type.Number(),
  min_stock: Type.Number(),
  current_stock: Type.Number({ description: 'Everything left in its lots (the sum of its ledger)' }),
  available_stock: Type.Number({
    description: 'What can be used: active lots not past their expiry date (low-stock alerts use this)',
  }),
  created_by: Uuid,
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const NewItem = Type.Object(
  {
    code: Code,
    name: Name,
    category: Type.String({
      minLength: 1,
      pattern: '\\S',
      maxLength: 100,
      description: 'e.g. reagent, consumable, standard',
    }),
    unit: Type.String({ minLength: 1, pattern: '\\S', maxLength: 20 }),
    location: Type.Optional(Type.String({ maxLength: 200 })),
    reorder_point: Type.Optional(Level),
    min_stock: Type.Optional(Level),
    lab_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const ItemUpdate = Type.Object(
  {
    name: Type.Optional(Name),
    category: Type.Optional(Type.String({ minLength: 1, pattern: '\\S', maxLength: 100 })),
    unit: Type.Optional(Type.String({ minLength: 1, pattern: '\\S', maxLength: 20 })),
    location: Type.Optional(Type.String({ maxLength: 200 })),
    reorder_point: Type.Optional(Level),
    min_stock: Type.Optional(Level),
    reason: Reason,
  },
  { additionalProperties: false, minProperties: 2 },
);

export const ItemQuery = Type.Object(
  {
    ...PageQuery,
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Code prefix' })),
    low_stock: Type.Optional(Type.Boolean({ description: 'Only items at or below their reorder point' })),
    lab_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

const LotStatusSchema = Type.Union([
  Type.Literal('active'),
  Type.Literal('quarantined'),
  Type.Literal('depleted'),
  Type.Literal('expired'),
]);

export const Lot = Type.Object({
  id: Uuid,
  lab_id: Uuid,
  item_id: Uuid,
  item_code: Type.String(),
  unit: Type.String(),
  vendor_id: Nullable(Uuid),
  lot_number: Type.String(),
  quantity_received: Type.Number(),
  quantity_remaining: Type.Number(),
  expiry_date: Nullable(Type.String()),
  status: LotStatusSchema,
  created_by: Uuid,
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const ReceiveBody = Type.Object(
  {
    item_id: Uuid,
    lot_number: LotNumber,
    quantity: Amount,
    expiry_date: Type.Optional(Day),
    vendor_id: Type.Optional(Uuid),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);

export const ReceiveMoreBody = Type.Object(
  { quantity: Amount, reason: Type.Optional(Reason) },
  { additionalProperties: false },
);

export const ConsumeBody = Type.Object(
  {
    quantity: Amount,
    reason: Type.Optional(Reason),
    sample_id: Type.Optional(
      SampleKey(
        'The sample it was used for, of the same lab: its uuid or business id (409 ambiguous_sample ' +
          'when that business id is in several of your labs)',
      ),
    ),
    run_ref: Type.Optional(
      Type.String({ minLength: 1, pattern: '\\S', maxLength: 200, description: 'The run it was used for' }),
    ),
  },
  { additionalProperties: false },
);

export const LotUpdate = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('quarantined'), Type.Literal('active')], {
        description: 'quarantined to hold a lot, active to release it',
      }),
    ),
    expiry_date: Type.Optional(Nullable(Day)),
    vendor_id: Type.Optional(Nullable(Uuid)),
    reason: Reason,
  },
  { additionalProperties: false, minProperties: 2 },
);

export const LotQuery = Type.Object(
  {
    ...PageQuery,
    item_id: Type.Optional(Uuid),
    vendor_id: Type.Optional(Uuid),
    status: Type.Optional(LotStatusSchema),
    lot_number: Type.Optional(LotNumber),
    lab_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const Movement = Type.Object({
  id: Uuid,
  lab_id: Uuid,
  item_id: Uuid,
  lot_id: Uuid,
  kind: Type.Union([Type.Literal('receive'), Type.Literal('consume')]),
  quantity: Type.Number({ description: 'Signed: positive received, negative consumed' }),
  lot_balance_after: Type.Number(),
  item_balance_after: Type.Number(),
  reason: Nullable(Type.String()),
  sample_id: Nullable(Uuid),
  run_ref: Nullable(Type.String()),
  actor_id: Uuid,
  occurred_at: Type.String(),
});

export const MovementQuery = Type.Object(
  {
    ...PageQuery,
    item_id: Type.Optional(Uuid),
    lot_id: Type.Optional(Uuid),
    sample_id: Type.Optional(
      SampleKey("The sample's uuid, or its business id (which must name one sample of your labs)"),
    ),
    kind: Type.Optional(Type.Union([Type.Literal('receive'), Type.Literal('consume')])),
    lab_id: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const StockReply = Type.Object({
  created: Type.Boolean({ description: 'Whether the receipt created the lot' }),
  lot: Lot,
  item: Item,
  movement: Movement,
});

export const VendorPage = pageOf(Vendor);
export const ItemPage = pageOf(Item);
export const LotPage = pageOf(Lot);
export const MovementPage = pageOf(Movement);
