import { defineConfig } from 'vite';

// The server (`rat serve`) serves dist/ at `/`; `npm run dev --workspace ui` proxies the APIs to a running server.
export default defineConfig({
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1000 },
  server: {
    proxy: Object.fromEntries(['/api', '/iceberg'].map((p) => [p, process.env.RAT_SERVER ?? 'http://127.0.0.1:8181'])),
  },
});
