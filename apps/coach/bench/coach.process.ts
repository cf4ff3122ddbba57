import { buildApp } from '../src/app.ts';
import { envToConfig, readEnv } from '../src/config.ts';
import { closeContext, createContext } from '../src/create-context.ts';

// The coach exactly as `npm start` builds it, configured by the benchmark through the environment.
const ctx = await createContext(envToConfig(readEnv()));
const app = await buildApp(ctx);
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.on('message', (message: { close?: boolean }) => {
  if (message.close)
    void app
      .close()
      .then(() => closeContext(ctx))
      .then(() => process.exit(0));
});
process.send?.({ url });
