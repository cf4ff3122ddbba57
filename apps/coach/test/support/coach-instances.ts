import { emptyPostgresDatabase, type ServiceInstance, serviceInstance } from '@ours/platform/testing';
import { testJwtSecret } from './test-app.ts';

const cli = new URL('../../src/cli.ts', import.meta.url).pathname;

export interface CoachCluster {
  instances: [ServiceInstance, ServiceInstance];
  /** The database as its owner (no row-level security): for counting what the instances wrote. */
  adminUrl: string;
  close(): Promise<void>;
}

/**
 * Two coach processes (`cli.ts serve`) started together on one new, empty PostgreSQL database, sharing what a
 * scaled-out deployment shares: the database, REDIS_URL and JWT_SECRET; no model configured.
 */
export async function startCoachCluster(env: Record<string, string> = {}): Promise<CoachCluster> {
  // Empty, not a copy of the migrated template: both instances migrate it, at once, at their first start.
  const clone = await emptyPostgresDatabase('coach_instances', 'authenticator');
  const shared = {
    JWT_SECRET: testJwtSecret,
    DATABASE_URL: clone.runtimeUrl,
    DATABASE_ADMIN_URL: clone.adminUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    TRUST_PROXY: 'loopback',
    OPENAI_BASE_URL: '',
    OPENAI_API_KEY: '',
    LOG_LEVEL: 'warn',
    ...env,
  };
  const options = { script: cli, args: ['serve'], env: shared };
  const instances: [ServiceInstance, ServiceInstance] = [
    await serviceInstance('coach A', options),
    await serviceInstance('coach B', options),
  ];
  const stopAll = () => Promise.all(instances.map((instance) => instance.stop()));
  try {
    // Together, as an orchestrator starts replicas: migrations must not collide.
    await Promise.all(instances.map((instance) => instance.start()));
  } catch (error) {
    await stopAll();
    await clone.drop();
    throw error;
  }
  return {
    instances,
    adminUrl: clone.adminUrl,
    close: async () => {
      await stopAll();
      await clone.drop();
    },
  };
}
