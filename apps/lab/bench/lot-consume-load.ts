import { postgresDatabase } from '@ours/platform/db';
import type { LabSchema } from '../src/db/lab-database.ts';
import { inLabs } from '../src/modules/sites/lab-scope.ts';
import { type LabClient, type Latency, load } from './lab-client.ts';

interface StockReply {
  lot: { id: string; lab_id: string; quantity_remaining: number; status: string };
}

export interface ConsumeRun {
  loaded: Latency;
  consumed: number;
  drained: { successes: number; refused: number; capacity: number };
}

interface LotState {
  received: number;
  remaining: number;
  status: string;
  ledger: number;
  consumes: number;
  distinct_balances: number;
  current_stock: number;
  item_ledger: number;
  audited: number;
}

/**
 * The lot, its ledger and its item, read in the lot's lab. The admin login is demoted to the
 * service's role on connect, so row-level security applies exactly as in the service.
 */
async function lotState(adminUrl: string, lot: { id: string; lab_id: string }): Promise<LotState> {
  const db = postgresDatabase<LabSchema>(adminUrl, 'lab_app', 1);
  try {
    return await inLabs(db, [lot.lab_id], (tx) =>
      tx
        .selectFrom('inventory_lots as l')
        .innerJoin('inventory_items as i', 'i.id', 'l.item_id')
        .select((eb) => {
          const movements = () => eb.selectFrom('inventory_movements as m');
          const total = () =>
            movements().select((m) => m.fn.coalesce(m.fn.sum<number>('m.quantity'), m.lit(0)).as('total'));
          const consumed = () =>
            movements().whereRef('m.lot_id', '=', 'l.id').where('m.kind', '=', 'consume');
          return [
            'l.quantity_received as received',
            'l.quantity_remaining as remaining',
            'l.status',
            total().whereRef('m.lot_id', '=', 'l.id').$asScalar().as('ledger'),
            consumed()
              .select((m) => m.fn.countAll<number>().as('count'))
              .$asScalar()
              .as('consumes'),
            consumed()
              .select((m) => m.fn.count<number>('m.lot_balance_after').distinct().as('count'))
              .$asScalar()
              .as('distinct_balances'),
            'i.current_stock',
            total().whereRef('m.item_id', '=', 'i.id').$asScalar().as('item_ledger'),
            eb
              .selectFrom('audit_entries as a')
              .select((a) => a.fn.countAll<number>().as('count'))
              .where('a.action', '=', 'inventory.consume')
              .where('a.entity_id', '=', eb.cast<string>('l.id', 'text'))
              .$asScalar()
              .as('audited'),
          ];
        })
        .where('l.id', '=', lot.id)
        .executeTakeFirstOrThrow(),
    );
  } finally {
    await db.close();
  }
}

/** Fails the benchmark loudly when the ledger and the stock disagree or more left than came in. */
function checkLedger(label: string, state: LotState, amount: number): void {
  const problems: string[] = [];
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-6;
  if (state.remaining < 0) problems.push(`remaining ${state.remaining} is negative (oversold)`);
  if (!near(state.ledger, state.remaining))
    problems.push(`ledger ${state.ledger} ≠ remaining ${state.remaining}`);
  if (!near(state.item_ledger, state.current_stock))
    problems.push(`item ledger ${state.item_ledger} ≠ current stock ${state.current_stock}`);
  if (!near(state.received - state.consumes * amount, state.remaining))
    problems.push(`${state.received} − ${state.consumes} × ${amount} ≠ remaining ${state.remaining}`);
  if (state.distinct_balances !== state.consumes)
    problems.push(
      `${state.consumes} consumptions but ${state.distinct_balances} distinct balances (lost update)`,
    );
  if (state.audited !== state.consumes)
    problems.push(`${state.consumes} consumptions, ${state.audited} audited`);
  if (problems.length > 0) throw new Error(`${label}: the ledger does not add up: ${problems.join('; ')}`);
}

/**
 * One hot lot, `clients` callers consuming `amount` for `seconds` through
 * `POST /api/inventory/lots/:id/consume`; then the ledger is checked against the stock. Then a small
 * lot is drained by the same number of callers until every one is refused: exactly its capacity
 * must have been consumed, and not a unit more.
 */
export async function measureConsume(
  client: LabClient,
  baseUrl: string,
  adminUrl: string,
  options: { clients: number; seconds: number },
): Promise<ConsumeRun> {
  const amount = 0.5;
  const item = await client.ok<{ id: string }>(
    'POST',
    '/api/inventory/items',
    {
      code: 'ETOH-70',
      name: 'Ethanol 70 %',
      category: 'reagent',
      unit: 'mL',
      reorder_point: 1000,
      min_stock: 500,
    },
    201,
  );
  const receive = (lotNumber: string, quantity: number) =>
    client.ok<StockReply>(
      'POST',
      '/api/inventory/lots',
      { item_id: item.id, lot_number: lotNumber, quantity, reason: 'delivery' },
      201,
    );
  const hot = await receive('HOT-2026-001', 10_000_000);
  const body = JSON.stringify({ quantity: amount, run_ref: 'bench-run' });
  const run = (seconds: number) =>
    load({
      url: baseUrl,
      method: 'POST',
      headers: client.headers,
      connections: options.clients,
      seconds,
      next: () => ({ path: `/api/inventory/lots/${hot.lot.id}/consume`, body }),
    });
  const warm = await run(2);
  const loaded = await run(options.seconds);
  const acknowledged = (warm.statuses['200'] ?? 0) + (loaded.statuses['200'] ?? 0);
  // Requests in flight when autocannon stopped still commit: let them land before reading the ledger.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const state = await lotState(adminUrl, hot.lot);
  checkLedger('hot lot', state, amount);
  // Every acknowledged consumption is in the ledger; at most the abandoned in-flight ones more.
  if (state.consumes < acknowledged || state.consumes > acknowledged + 2 * options.clients) {
    throw new Error(`hot lot: ${acknowledged} consumptions acknowledged, ${state.consumes} in the ledger`);
  }
  console.log(
    `consume: ${Math.round(loaded.perSecond)}/s, p50 ${loaded.p50.toFixed(1)} / p99 ${loaded.p99.toFixed(1)} ms, ${state.consumes} ledger rows, failed ${loaded.failed}`,
  );

  const capacity = 200;
  const small = await receive('DRAIN-2026-001', capacity);
  let successes = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: options.clients }, async () => {
      for (;;) {
        const reply = await client.call<{ error?: { code: string } }>(
          'POST',
          `/api/inventory/lots/${small.lot.id}/consume`,
          { quantity: 1, run_ref: 'bench-drain' },
        );
        if (reply.status === 200) successes += 1;
        else if (reply.status === 409 && reply.body.error?.code === 'insufficient_stock') {
          refused += 1;
          return;
        } else throw new Error(`drain: unexpected ${reply.status} ${JSON.stringify(reply.body)}`);
      }
    }),
  );
  const drained = await lotState(adminUrl, small.lot);
  checkLedger('drained lot', drained, 1);
  if (successes !== capacity || drained.remaining !== 0 || drained.status !== 'depleted') {
    throw new Error(
      `drain: ${successes} of ${capacity} consumptions succeeded, ${drained.remaining} left (${drained.status})`,
    );
  }
  return { loaded, consumed: state.consumes, drained: { successes, refused, capacity } };
}
