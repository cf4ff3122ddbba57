export * from './bench-child-server.ts';
export * from './chromium.ts';
export * from './processes.ts';
export * from './raw-http.ts';
export * from './template-setup.ts';
export * from './test-database.ts';
