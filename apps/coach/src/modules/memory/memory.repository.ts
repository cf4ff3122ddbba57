import { type Executor, olderThan, queryRows } from '@ours/platform/db';
import type { Cursor } from '@ours/platform/http';
import { type SQL, sql } from 'drizzle-orm';

export interface Memory {
  id: string;
  log_type: string;
  text: string;
  created_at: string;
}

const columns = sql`id, log_type, text, to_json(created_at) #>> '{}' as created_at`;
/** How many of a user's most recent memories a word search looks through. */
const searchWindow = 300;

/**
 * The user's most relevant memories, as a SQL expression returning a JSON array (it is embedded in
 * the /ask context statement). By meaning when a query vector is given, else by full-text match
 * with any of the query's words. Always filtered to the user's own rows.
 */
export function relevantMemoriesJson(
  userId: string,
  query: { text: string; vector?: string | undefined },
  limit = 3,
): SQL {
  // Words are matched within the user's most recent memories only, read through the user_id
  // index: the cost stays bounded however many memories everyone else has.
  const byWords = (onlyUnembedded: boolean) => sql`
    select left(text, 300) as text, to_json(created_at) #>> '{}' as at, 1 as source,
      -ts_rank(text_search, terms.q) as distance, created_at
    from (select text, text_search, created_at from log_embeddings
          where user_id = ${userId} ${onlyUnembedded ? sql`and embedding is null` : sql``}
          order by created_at desc limit ${searchWindow}) recent,
      lateral (select replace(plainto_tsquery('english', ${query.text})::text, '&', '|')::tsquery as q) terms
    where text_search @@ terms.q
    order by distance, created_at desc limit ${limit}`;
  // By meaning where a vector exists; memories still waiting for one (or that never got one) are
  // found by their words, so nothing is invisible to retrieval.
  const ranked = query.vector
    ? sql`select text, at from (
        (select left(text, 300) as text, to_json(created_at) #>> '{}' as at, 0 as source,
           embedding <=> ${query.vector}::vector as distance, created_at
         from log_embeddings where user_id = ${userId} and embedding is not null
         order by embedding <=> ${query.vector}::vector limit ${limit})
        union all (${byWords(true)})) found
      order by source, distance limit ${limit}`
    : sql`select text, at from (${byWords(false)}) found`;
  return sql`coalesce((select json_agg(m) from (${ranked}) m), '[]'::json)`;
}

export function listMemories(
  tx: Executor,
  userId: string,
  limit: number,
  cursor: Cursor | undefined,
): Promise<Memory[]> {
  return queryRows<Memory>(
    tx,
    sql`select ${columns} from log_embeddings where user_id = ${userId} ${olderThan(cursor, sql`created_at`)}
        order by created_at desc, id desc limit ${limit + 1}`,
  );
}

export async function deleteMemory(tx: Executor, userId: string, id: string): Promise<boolean> {
  const rows = await queryRows(
    tx,
    sql`delete from log_embeddings where id = ${id} and user_id = ${userId} returning id`,
  );
  return rows.length === 1;
}

export async function deleteAllMemories(tx: Executor, userId: string): Promise<number> {
  const rows = await queryRows(tx, sql`delete from log_embeddings where user_id = ${userId} returning id`);
  return rows.length;
}

/**
 * Remembers answered conversation turns the job has not seen yet (the last few days only), marking
 * each as seen, so a memory the user deletes is never written back. Crisis turns are never remembered.
 * Returns how many turns were seen (the caller loops while a full batch comes back).
 */
export async function rememberConversations(tx: Executor, limit: number): Promise<number> {
  const rows = await queryRows(
    tx,
    sql`with picked as (
          select id, user_id, user_message, ai_response, "timestamp", coalesce(issues @> '{crisis}', false) as crisis
          from ai_coach_logs
          where success and remembered_at is null and "timestamp" > now() - interval '7 days'
          order by "timestamp" limit ${limit}
          for update skip locked),
        marked as (
          update ai_coach_logs l set remembered_at = now() from picked p where l.id = p.id)
        insert into log_embeddings (user_id, log_type, log_id, text, created_at)
        select user_id, 'conversation', id,
          'User: ' || left(user_message, 1000) || E'\n' || 'Coach: ' || left(ai_response, 1000), "timestamp"
        from picked where not crisis
        on conflict (log_type, log_id) do nothing
        returning 1`,
  );
  return rows.length;
}

/** Memories still waiting for a vector (service role), oldest first. */
export function pendingEmbeddings(tx: Executor, limit: number): Promise<{ id: string; text: string }[]> {
  return queryRows(
    tx,
    sql`select id, text from log_embeddings where embedding is null and embedding_attempts < 3
        order by created_at limit ${limit}`,
  );
}

export async function storeEmbeddings(
  tx: Executor,
  model: string,
  rows: { id: string; vector: string }[],
): Promise<void> {
  await tx.execute(sql`
    update log_embeddings e set embedding = v.vector::vector, embedding_model = ${model}
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id uuid, vector text)
    where e.id = v.id`);
}

export async function countEmbeddingFailure(tx: Executor, ids: string[]): Promise<void> {
  await tx.execute(sql`
    update log_embeddings set embedding_attempts = embedding_attempts + 1
    where id in (select value::uuid from jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))`);
}

export async function deleteMemoriesOlderThan(tx: Executor, days: number): Promise<number> {
  const rows = await queryRows(
    tx,
    sql`delete from log_embeddings where created_at < now() - make_interval(days => ${days}) returning id`,
  );
  return rows.length;
}

/** Whether this database has the vector column (pgvector was available when it was migrated). */
export async function hasVectorColumn(tx: Executor): Promise<boolean> {
  const rows = await queryRows(
    tx,
    sql`select 1 from information_schema.columns
        where table_schema = 'public' and table_name = 'log_embeddings' and column_name = 'embedding'`,
  );
  return rows.length === 1;
}
