import { randomBytes } from 'node:crypto';
import { auditMacKey } from '../../src/modules/audit/audit-hash.ts';
import { createAuditTrail } from '../../src/modules/audit/audit-trail.ts';

/** A sealing key for tests that drive the trail without a whole app (one per test process). */
export const testMacKey = auditMacKey(randomBytes(32));

/** The audit trail sealed with `testMacKey`. */
export const testAudit = createAuditTrail(testMacKey);
