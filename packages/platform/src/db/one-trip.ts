import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';
import { type DatabaseSpanTarget, tracedDialect } from '../telemetry/db-tracing.ts';
import { sqlLiteral } from './sql-literal.ts';

/** Runs a script of several statements as one simple-protocol message; answers the last one's result. */
export type ScriptRunner = (script: string) => Promise<{ rows: unknown[]; affected: number | undefined }>;

/**
 * Compiles every value as an escaped literal in the text instead of a `$n` placeholder: the simple
 * protocol that carries a multi-statement script has no parameters.
 */
class InliningCompiler extends PostgresQueryCompiler {
  protected override appendValue(value: unknown): void {
    this.append(sqlLiteral(value));
  }
}

/** A connection whose statements each travel with the scope's settings, in one message. */
class OneTripConnection implements DatabaseConnection {
  readonly #prefix: string;
  readonly #run: ScriptRunner;

  constructor(prefix: string, run: ScriptRunner) {
    this.#prefix = prefix;
    this.#run = run;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    if (compiled.parameters.length > 0) throw new Error('a one-trip statement must have its values inlined');
    const { rows, affected } = await this.#run(`${this.#prefix};\n${compiled.sql}`);
    // Kysely's own result type: rows as the query builder inferred them (it compiled this statement).
    return { rows: rows as R[], ...(affected === undefined ? {} : { numAffectedRows: BigInt(affected) }) };
  }

  // biome-ignore lint/correctness/useYield: a one-trip scope answers whole results only
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('a one-trip scope cannot stream; use a transaction');
  }
}

class OneTripDriver implements Driver {
  readonly #connection: OneTripConnection;

  constructor(connection: OneTripConnection) {
    this.#connection = connection;
  }

  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection;
  }
  async beginTransaction(): Promise<void> {
    throw new Error('a one-trip scope runs single statements: use db.transaction for several');
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/**
 * A Kysely executor whose every statement runs with `settings` set transaction-locally in the same
 * message (`select set_config(...); <statement>`): PostgreSQL runs the message as one implicit
 * transaction, so the settings bind that statement and are gone after it.
 */
export function oneTripExecutor<DB>(
  settings: Readonly<Record<string, string>>,
  run: ScriptRunner,
  spanTarget: DatabaseSpanTarget = {},
): Kysely<DB> {
  const entries = Object.entries(settings);
  if (entries.length === 0) throw new Error('a one-trip scope needs at least one setting');
  const prefix = `select ${entries
    .map(([name, value]) => `set_config(${sqlLiteral(name)}, ${sqlLiteral(value)}, true)`)
    .join(', ')}`;
  const connection = new OneTripConnection(prefix, run);
  const dialect: Dialect = {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new OneTripDriver(connection),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new InliningCompiler(),
  };
  // Traced statements show with their literals (the inlined values) replaced, see db-tracing.ts.
  return new Kysely<DB>({ dialect: tracedDialect(dialect, spanTarget) });
}

/**
 * `oneTripExecutor` for a database, remembering the executors of the most recent settings (a user's
 * claims, a caller's labs): hot paths ask for the same scopes again and again, and an executor is
 * stateless, so building a fresh one per request is only garbage.
 */
export function oneTripExecutors<DB>(
  run: ScriptRunner,
  keep = 1_000,
  spanTarget: DatabaseSpanTarget = {},
): (settings: Readonly<Record<string, string>>) => Kysely<DB> {
  const recent = new Map<string, Kysely<DB>>();
  return (settings) => {
    const key = JSON.stringify(settings);
    let executor = recent.get(key);
    if (executor) {
      recent.delete(key);
    } else {
      executor = oneTripExecutor<DB>(settings, run, spanTarget);
      const oldest = recent.keys().next();
      if (recent.size >= keep && !oldest.done) recent.delete(oldest.value);
    }
    recent.set(key, executor);
    return executor;
  };
}
