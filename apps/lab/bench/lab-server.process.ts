import { serveToBenchParent } from '@ours/platform/testing';
import { buildApp } from '../src/app.ts';
import { envToConfig, readEnv } from '../src/config.ts';
import { closeContext, createContext } from '../src/create-context.ts';

// The lab's HTTP app on the real stack (config from the environment, PostgreSQL pool as lab_app). The
// background jobs that `server.ts` starts (checkpoints, inventory alerts) are left out: they are not
// what is measured.
const ctx = await createContext(envToConfig(readEnv()));
await serveToBenchParent(await buildApp(ctx), () => closeContext(ctx));
