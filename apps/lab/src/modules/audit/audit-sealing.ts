import { serializeError } from '@ours/platform/logger';
import type { FastifyBaseLogger } from 'fastify';
import type { LabContext } from '../../context.ts';
import { anyPending } from './audit-pending.ts';

/** How often a server looks for entries another server left pending (it died after its commit). */
const pollMs = 1_000;
/** Older than this, a pending entry's own request is not sealing it any more. */
const orphanAfter = '2 seconds';

/**
 * Seals what is pending at a server's start, then every second whatever a dead server left pending
 * (requests seal their own entries before they answer), and logs forged pending entries and sealing
 * failures. Stops with the returned function.
 */
export async function startAuditSealing(ctx: LabContext, log: FastifyBaseLogger): Promise<() => void> {
  ctx.audit.reportTo({
    onForgedEntry: (entry) =>
      log.error(
        { audit_seq: entry.seq, pending_id: entry.pending_id, action: entry.action },
        'a pending audit entry was not written by a server holding the audit key: chained with a failing seal',
      ),
    onError: (error) => log.warn({ err: serializeError(error) }, 'sealing audit entries failed; retrying'),
  });
  await ctx.audit.sealCommitted(ctx.db.kysely);
  let polling = false;
  const timer = setInterval(async () => {
    if (polling) return;
    polling = true;
    try {
      // Through the position index: a scan of the table would read every dead row sealing left
      // behind (PGlite has no autovacuum), once a second.
      if (await anyPending(ctx.db.kysely, orphanAfter)) await ctx.audit.sealCommitted(ctx.db.kysely);
    } catch (error) {
      log.warn({ err: serializeError(error) }, 'looking for pending audit entries failed');
    } finally {
      polling = false;
    }
  }, pollMs);
  timer.unref();
  return () => clearInterval(timer);
}
