import { type Env, envBool } from '@ours/platform/config';

/** The operator page at `/admin`: off unless configured, so a production deployment opts in. */
export interface AdminPageConfig {
  enabled: boolean;
}

/** `ADMIN_PAGE_ENABLED` (default false). The page holds no data: it calls the service-role APIs. */
export function adminPageConfigFromEnv(env: Env): AdminPageConfig {
  return { enabled: envBool(env, 'ADMIN_PAGE_ENABLED') ?? false };
}
