import type { KeyObject } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { LabConfig } from './config.ts';
import type { LabDatabase } from './db/lab-database.ts';
import type { AuditTrail } from './modules/audit/audit-trail.ts';
import type { LabJobs } from './modules/jobs/lab-jobs.ts';
import type { ServerKeys } from './server-keys.ts';

/** Seals and opens small secrets at rest (TOTP seeds), bound to their owner. */
export interface SecretBox {
  seal(plaintext: string, owner: string): string;
  open(sealed: string, owner: string): string;
}

/** Everything a request handler or job needs, built once at start; tests swap pieces. */
export interface LabContext {
  config: LabConfig;
  db: LabDatabase;
  keys: ServerKeys;
  /** Appends sealed entries to the audit trail (in the caller's transaction). */
  audit: AuditTrail;
  /** The key that seals audit entries (derived from the secret key; the database never holds it). */
  auditMacKey: KeyObject;
  /** The id of the key the server signs with now (its public half is in `signing_keys`). */
  signingKeyId: string;
  secretBox: SecretBox;
  /** A real argon2id hash of a random password: unknown e-mails are checked against it, so they take as long. */
  decoyPasswordHash: string;
  redis: Redis | undefined;
  /** The job queue, once the server (or a test) started it. */
  jobs: LabJobs | undefined;
  now: () => Date;
}
