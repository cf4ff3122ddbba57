import { type Attributes, context, type Span, SpanKind, trace } from '@opentelemetry/api';
import type { CompiledQuery, DatabaseConnection, Dialect, QueryResult } from 'kysely';
import { errorType, markFailed } from './spans.ts';
import { summarizeStatement } from './sql-summary.ts';
import { activeTracer } from './tracer-state.ts';

/** Where statements go, as database spans describe it (no credentials). */
export interface DatabaseSpanTarget {
  /** `db.namespace`: the database name, when known. */
  database?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
}

/** The span attributes for a server URL: host, port and database name, nothing else from it. */
export function spanTargetOfUrl(url: string): DatabaseSpanTarget {
  try {
    const parsed = new URL(url);
    return {
      database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || undefined,
      host: parsed.hostname || undefined,
      port: parsed.port ? Number(parsed.port) : 5432,
    };
  } catch {
    return {};
  }
}

/** The attributes every span of one database carries. */
export function databaseSpanAttributes(target: DatabaseSpanTarget): Attributes {
  return {
    'db.system.name': 'postgresql',
    // The attribute's name before the database conventions went stable, for older backends.
    'db.system': 'postgresql',
    ...(target.database ? { 'db.namespace': target.database } : {}),
    ...(target.host ? { 'server.address': target.host } : {}),
    ...(target.port ? { 'server.port': target.port } : {}),
  };
}

/**
 * Runs one statement inside a database span: a child of the active span only (a request or a job
 * run, while it lasts), so background polling adds no traces of its own. The text recorded has every literal
 * replaced (see sql-summary.ts); parameter values are never read.
 */
export async function traceStatement<T>(sql: string, base: Attributes, run: () => Promise<T>): Promise<T> {
  const tracer = activeTracer();
  if (!tracer) return run();
  const parent = context.active();
  // Only under a span still recording: not in background work, not in an unsampled trace, and not
  // after the request that started some work has answered (see liveContext).
  if (!trace.getSpan(parent)?.isRecording()) return run();
  const statement = summarizeStatement(sql);
  const summary = statement.table ? `${statement.operation} ${statement.table}` : statement.operation;
  const span: Span = tracer.startSpan(
    summary,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        ...base,
        'db.operation.name': statement.operation,
        'db.query.summary': summary,
        'db.query.text': statement.text,
        ...(statement.table ? { 'db.collection.name': statement.table } : {}),
      },
    },
    parent,
  );
  try {
    return await run();
  } catch (error) {
    const type = errorType(error);
    // A five-character code is the SQLSTATE PostgreSQL answered with.
    if (/^[0-9A-Z]{5}$/.test(type)) span.setAttribute('db.response.status_code', type);
    markFailed(span, type);
    throw error;
  } finally {
    span.end();
  }
}

const traced = new WeakSet<DatabaseConnection>();

/**
 * A Kysely dialect whose connections run every statement (BEGIN and COMMIT included) through
 * `traceStatement`. The connection objects stay the driver's own, only their `executeQuery` is
 * wrapped, so the driver's transaction and release handling is untouched.
 */
export function tracedDialect(dialect: Dialect, target: DatabaseSpanTarget = {}): Dialect {
  const base = databaseSpanAttributes(target);
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver: () => {
      const driver = dialect.createDriver();
      const acquire = driver.acquireConnection.bind(driver);
      driver.acquireConnection = async (options) => {
        const connection = await acquire(options);
        if (!traced.has(connection)) {
          traced.add(connection);
          const execute = connection.executeQuery.bind(connection);
          connection.executeQuery = <R>(
            compiled: CompiledQuery,
            ...rest: unknown[]
          ): Promise<QueryResult<R>> =>
            traceStatement(compiled.sql, base, () => execute<R>(compiled, ...(rest as [])));
        }
        return connection;
      };
      return driver;
    },
  };
}
