export { ConfigError, type Env, envBool, envEnum, envInt, envList, envStr, envUrl } from './env.ts';
export { loadEnvFile } from './env-file.ts';
export { readOrCreateSecretFile } from './secret-file.ts';
export { envTrustProxy } from './trust-proxy.ts';
