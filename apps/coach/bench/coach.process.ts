import { serveToBenchParent } from '@ours/platform/testing';
import { buildApp } from '../src/app.ts';
import { envToConfig, readEnv } from '../src/config.ts';
import { closeContext, createContext } from '../src/create-context.ts';

// The coach exactly as `npm start` builds it, configured by the benchmark through the environment.
const ctx = await createContext(envToConfig(readEnv()));
await serveToBenchParent(await buildApp(ctx), () => closeContext(ctx));
