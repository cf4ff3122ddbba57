import { type ServiceCluster, startServiceCluster } from '@ours/platform/testing';
import { testJwtSecret } from './test-app.ts';

const cli = new URL('../../src/cli.ts', import.meta.url).pathname;

export type CoachCluster = ServiceCluster;

/**
 * Two coach processes (`cli.ts serve`) started together on one new, empty PostgreSQL database, sharing what a
 * scaled-out deployment shares: the database, REDIS_URL and JWT_SECRET; no model configured.
 */
export function startCoachCluster(env: Record<string, string> = {}): Promise<CoachCluster> {
  return startServiceCluster({
    name: 'coach',
    script: cli,
    runtimeRole: 'authenticator',
    env: { JWT_SECRET: testJwtSecret, OPENAI_BASE_URL: '', OPENAI_API_KEY: '', ...env },
  });
}
