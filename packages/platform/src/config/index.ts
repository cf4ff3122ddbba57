export { ConfigError, type Env, envBool, envEnum, envInt, envList, envStr, envUrl } from './env.ts';
export { loadEnvFile } from './env-file.ts';
export { withSecretFiles } from './secret-env-files.ts';
export { readOrCreateSecretFile } from './secret-file.ts';
export {
  type DatabaseConfig,
  databaseConfigFromEnv,
  type HttpConfig,
  httpConfigFromEnv,
} from './service-config.ts';
export { envTrustProxy } from './trust-proxy.ts';
