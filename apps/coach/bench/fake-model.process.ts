import { type FakeBehaviour, startFakeOpenAiServer } from '../test/support/fake-openai-server.ts';

// Runs the fake model in its own process so its CPU use is not charged to the coach under test.
const fake = await startFakeOpenAiServer({ recordRequests: true });
process.on('message', (message: { behaviour?: FakeBehaviour; lastBody?: boolean; close?: boolean }) => {
  if (message.behaviour) {
    fake.reset();
    fake.setDefault(message.behaviour);
    process.send?.({ ok: true });
  } else if (message.lastBody) {
    process.send?.({
      body: fake.requests.findLast((request) => request.path === '/v1/chat/completions')?.body ?? null,
    });
  } else if (message.close) {
    void fake.close().then(() => process.exit(0));
  }
});
process.send?.({ baseURL: fake.baseURL });
