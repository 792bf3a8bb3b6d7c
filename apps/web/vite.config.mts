// The web console's build (`npm run build`, into dist/apps/web, served by the API at /) and its
// development server (`npm run dev:web`, http://127.0.0.1:5173, proxying the API's paths to
// BEHALF_API_URL, default http://127.0.0.1:3000).
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env['BEHALF_API_URL'] ?? 'http://127.0.0.1:3000';
const proxied = ['/api', '/oauth', '/.well-known', '/healthz', '/readyz'];

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  resolve: {
    // From the contracts, three dependency-free modules from their source (the code catalogue; the
    // cookie names; the OpenAPI types and path serializer), not the whole library with its schemas.
    alias: {
      '@behalf/contracts/codes': resolve(import.meta.dirname, '../../libs/contracts/src/codes.ts'),
      '@behalf/contracts/cookies': resolve(import.meta.dirname, '../../libs/contracts/src/cookies.ts'),
      '@behalf/contracts/openapi': resolve(import.meta.dirname, '../../libs/contracts/src/generated/openapi-paths.ts'),
    },
  },
  // The page's tags, and a meta tag the console reads its nonce from (`<meta property="csp-nonce"
  // nonce="…">`), carry this placeholder; the API finds it there and replaces it with a fresh nonce
  // in every response (apps/api/src/platform/http/web-console.ts).
  html: { cspNonce: 'BEHALF_CSP_NONCE' },
  build: {
    outDir: resolve(import.meta.dirname, '../../dist/apps/web'),
    emptyOutDir: true,
    // The report of what a first load costs is written by scripts/web-bundle-report.mjs.
    reportCompressedSize: false,
    // Read by scripts/web-bundle-report.mjs: which chunks each screen needs.
    manifest: true,
    // The budget that matters is the gzipped first load, checked by that script.
    chunkSizeWarningLimit: 1024,
    // No inline script or style may be needed: the console's CSP allows this origin's files, and
    // style elements only with the page's nonce.
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(proxied.map((path) => [path, { target: api, changeOrigin: false }])),
  },
});
