import { olderThan } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type Expression, sql } from 'kysely';
import type { CoachExecutor } from '../../db/coach-database.ts';

export interface Memory {
  id: string;
  log_type: string;
  text: string;
  created_at: string;
}

/** What /ask looks memories up by: the user's words, and their vector in vector mode. */
export interface MemoryQuery {
  text: string;
  vector?: string | undefined;
}

/** How many of a user's most recent memories a word search looks through. */
const searchWindow = 300;

/**
 * Memories matching any of the query's words, best first. Words are matched within the user's most
 * recent memories only, read through the user_id index: the cost stays bounded however many
 * memories everyone else has.
 */
function matchingWords(
  tx: CoachExecutor,
  userId: string,
  text: string,
  limit: number,
  onlyUnembedded: boolean,
) {
  let recent = tx
    .selectFrom('log_embeddings')
    .select(['text', 'text_search', 'created_at'])
    .where('user_id', '=', userId);
  // `embedding` exists only where pgvector does: this filter runs in vector mode only.
  if (onlyUnembedded) recent = recent.where('embedding', 'is', null);
  return tx
    .selectFrom(recent.orderBy('created_at', 'desc').limit(searchWindow).as('recent'))
    .innerJoinLateral(
      tx
        .selectNoFrom(
          sql<string>`replace(plainto_tsquery('english', ${text})::text, '&', '|')::tsquery`.as('q'),
        )
        .as('terms'),
      (join) => join.onTrue(),
    )
    .select([
      sql<string>`left(recent.text, 300)`.as('text'),
      'recent.created_at as at',
      sql<number>`1`.as('source'),
      sql<number>`-ts_rank(recent.text_search, terms.q)`.as('distance'),
      'recent.created_at',
    ])
    .where(sql<boolean>`recent.text_search @@ terms.q`)
    .orderBy('distance')
    .orderBy('recent.created_at', 'desc')
    .limit(limit);
}

/**
 * The user's most relevant memories as a subquery (the /ask context statement aggregates it), by
 * meaning when a query vector is given, else by full-text match with any of the query's words.
 * Always filtered to the user's own rows.
 */
export function relevantMemories(
  tx: CoachExecutor,
  userId: string,
  query: MemoryQuery,
  limit = 3,
): Expression<{ text: string; at: string }> {
  if (!query.vector) {
    return tx
      .selectFrom(matchingWords(tx, userId, query.text, limit, false).as('found'))
      .select(['text', 'at']);
  }
  // By meaning where a vector exists; memories still waiting for one (or that never got one) are
  // found by their words, so nothing is invisible to retrieval.
  const distance = sql<number>`embedding <=> ${query.vector}::vector`;
  const byMeaning = tx
    .selectFrom('log_embeddings')
    .select([
      sql<string>`left(text, 300)`.as('text'),
      'created_at as at',
      sql<number>`0`.as('source'),
      distance.as('distance'),
      'created_at',
    ])
    .where('user_id', '=', userId)
    .where('embedding', 'is not', null)
    .orderBy(distance)
    .limit(limit);
  const candidates = tx
    .selectFrom(byMeaning.as('meaning'))
    .selectAll()
    .unionAll(tx.selectFrom(matchingWords(tx, userId, query.text, limit, true).as('words')).selectAll());
  return tx
    .selectFrom(candidates.as('found'))
    .select(['text', 'at'])
    .orderBy('source')
    .orderBy('distance')
    .limit(limit);
}

export function listMemories(
  tx: CoachExecutor,
  userId: string,
  limit: number,
  cursor: Cursor | undefined,
): Promise<Memory[]> {
  let query = tx
    .selectFrom('log_embeddings')
    .select(['id', 'log_type', 'text', 'created_at'])
    .where('user_id', '=', userId);
  if (cursor) query = query.where(({ ref }) => olderThan(ref('created_at'), ref('id'), cursor));
  return query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
}

export async function deleteMemory(tx: CoachExecutor, userId: string, id: string): Promise<boolean> {
  const result = await tx
    .deleteFrom('log_embeddings')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows === 1n;
}

export async function deleteAllMemories(tx: CoachExecutor, userId: string): Promise<number> {
  const result = await tx.deleteFrom('log_embeddings').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Remembers answered conversation turns the job has not seen yet (the last few days only), marking
 * each as seen, so a memory the user deletes is never written back. Crisis turns are never
 * remembered. Returns how many memories were written (the caller loops while a full batch comes back).
 */
export async function rememberConversations(tx: CoachExecutor, limit: number): Promise<number> {
  const result = await tx
    .with('picked', (db) =>
      db
        .selectFrom('ai_coach_logs')
        .select([
          'id',
          'user_id',
          'user_message',
          'ai_response',
          'timestamp',
          sql<boolean>`coalesce(issues @> '{crisis}', false)`.as('crisis'),
        ])
        // Bare `success` and `remembered_at is null`: the partial index's own predicate.
        .where(({ ref }) => ref('success'))
        .where('remembered_at', 'is', null)
        .where('timestamp', '>', sql<string>`now() - interval '7 days'`)
        .orderBy('timestamp')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .with('marked', (db) =>
      db
        .updateTable('ai_coach_logs as l')
        .set({ remembered_at: sql<string>`now()` })
        .from('picked as p')
        .whereRef('l.id', '=', 'p.id'),
    )
    .insertInto('log_embeddings')
    .columns(['user_id', 'log_type', 'log_id', 'text', 'created_at'])
    .expression((db) =>
      db
        .selectFrom('picked')
        .select([
          'user_id',
          sql.lit('conversation').as('log_type'),
          'id',
          sql<string>`'User: ' || left(user_message, 1000) || E'\\n' || 'Coach: ' || left(ai_response, 1000)`.as(
            'text',
          ),
          'timestamp',
        ])
        .where(({ not, ref }) => not(ref('crisis'))),
    )
    .onConflict((conflict) => conflict.columns(['log_type', 'log_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/** Memories still waiting for a vector (service role), oldest first; vector mode only. */
export function pendingEmbeddings(tx: CoachExecutor, limit: number): Promise<{ id: string; text: string }[]> {
  return tx
    .selectFrom('log_embeddings')
    .select(['id', 'text'])
    .where('embedding', 'is', null)
    .where('embedding_attempts', '<', 3)
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

export async function storeEmbeddings(
  tx: CoachExecutor,
  model: string,
  rows: { id: string; vector: string }[],
): Promise<void> {
  // Raw: a whole batch of vectors travels as one JSON parameter, unpacked by jsonb_to_recordset.
  await sql`
    update log_embeddings e set embedding = v.vector::vector, embedding_model = ${model}
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, vector text)
    where e.id = v.id`.execute(tx);
}

export async function countEmbeddingFailure(tx: CoachExecutor, ids: string[]): Promise<void> {
  await tx
    .updateTable('log_embeddings')
    .set((eb) => ({ embedding_attempts: eb('embedding_attempts', '+', 1) }))
    .where((eb) => eb('id', '=', eb.fn.any(eb.val(ids))))
    .execute();
}

export async function deleteMemoriesOlderThan(tx: CoachExecutor, days: number): Promise<number> {
  const result = await tx
    .deleteFrom('log_embeddings')
    .where('created_at', '<', sql<string>`now() - make_interval(days => ${days})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Whether this database has the vector column (pgvector was available when it was migrated). */
export async function hasVectorColumn(tx: CoachExecutor): Promise<boolean> {
  // Raw: the catalog is not part of the generated schema.
  const { rows } = await sql<{ present: boolean }>`
    select exists (select 1 from information_schema.columns
      where table_schema = 'public' and table_name = 'log_embeddings' and column_name = 'embedding') as present`.execute(
    tx,
  );
  return rows[0]?.present === true;
}
