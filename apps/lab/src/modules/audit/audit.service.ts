import type { LabContext } from '../../context.ts';
import { publicKeyPems } from '../signatures/index.ts';
import type { AuditEntry } from './audit.repository.ts';
import { type AuditFilter, auditExportPage, auditSearch } from './audit-query.repository.ts';
import { type ChainVerification, verifyChain } from './audit-verifier.ts';

/**
 * Verifies the whole chain in one read-only snapshot (repeatable read), so entries appended while
 * it runs neither break nor extend what it checks.
 */
export function verifyAuditTrail(
  ctx: LabContext,
  onProgress?: (checked: number) => void,
): Promise<ChainVerification> {
  return ctx.db.transaction(
    async (tx) => {
      const publicKeysPem = await publicKeyPems(tx);
      // Long chains are walked in ranges by worker threads, each in this transaction's snapshot.
      return verifyChain(tx, {
        macKey: ctx.auditMacKey,
        publicKeysPem,
        onProgress,
        connection: ctx.db.connection,
      });
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}

/** A page of the trail, newest first, once every entry committed so far is in it. */
export async function searchTrail(
  ctx: LabContext,
  filter: AuditFilter,
  page: { beforeSeq?: number | undefined; limit: number },
): Promise<AuditEntry[]> {
  await ctx.audit.caughtUp(ctx.db.kysely);
  return auditSearch(ctx.db.kysely, filter, page);
}

const exportPageSize = 1_000;

/** The filtered trail, oldest first, a page at a time (memory stays flat for any size). */
export async function* exportEntries(ctx: LabContext, filter: AuditFilter): AsyncGenerator<AuditEntry[]> {
  await ctx.audit.caughtUp(ctx.db.kysely);
  let afterSeq = 0;
  for (;;) {
    const page = await auditExportPage(ctx.db.kysely, filter, afterSeq, exportPageSize);
    if (page.length > 0) yield page;
    if (page.length < exportPageSize) return;
    afterSeq = page.at(-1)?.seq ?? afterSeq;
  }
}
