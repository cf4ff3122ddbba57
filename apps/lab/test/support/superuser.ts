import type { DatabaseConnection } from '@ours/platform/db';
import pg from 'pg';

/**
 * Runs SQL as a superuser on a lab test database (to tamper with what the runtime role cannot): a
 * separate admin login on the server, the session's own superuser on PGlite (switched back after).
 */
export async function asSuperuser(db: { connection: DatabaseConnection }, script: string): Promise<void> {
  const connection = db.connection;
  if (connection.kind === 'postgres') {
    const url = new URL(connection.url);
    url.username = 'postgres';
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query(script);
    } finally {
      await client.end();
    }
    return;
  }
  await connection.client.exec(
    `SET SESSION AUTHORIZATION postgres; ${script}; SET SESSION AUTHORIZATION lab_app;`,
  );
}
