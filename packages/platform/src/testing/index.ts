export * from './fake-openai-server.ts';
export * from './test-database.ts';
