import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The lab API during `npm run dev -w apps/lab-web`: the lab's own port unless told otherwise.
const api = process.env.LAB_API_URL ?? 'http://127.0.0.1:8001';
const proxied = ['/api', '/auth', '/docs', '/health'];

export default defineConfig({
  plugins: [react()],
  build: {
    // The page's first load is what the 250 KB budget is about; the rest is split per route.
    chunkSizeWarningLimit: 600,
    sourcemap: false,
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(proxied.map((prefix) => [prefix, { target: api, changeOrigin: false }])),
  },
});
