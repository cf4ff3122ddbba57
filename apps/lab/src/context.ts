import type { Database } from '@ours/platform/db';
import type { Redis } from 'ioredis';
import type { LabConfig } from './config.ts';
import type { ServerKeys } from './server-keys.ts';

/** Seals and opens small secrets at rest (TOTP seeds), bound to their owner. */
export interface SecretBox {
  seal(plaintext: string, owner: string): string;
  open(sealed: string, owner: string): string;
}

/** Everything a request handler or job needs, built once at start; tests swap pieces. */
export interface LabContext {
  config: LabConfig;
  db: Database;
  keys: ServerKeys;
  /** The id of the key the server signs with now (its public half is in `signing_keys`). */
  signingKeyId: string;
  secretBox: SecretBox;
  /** A real argon2id hash of a random password: unknown e-mails are checked against it, so they take as long. */
  decoyPasswordHash: string;
  redis: Redis | undefined;
  now: () => Date;
}
