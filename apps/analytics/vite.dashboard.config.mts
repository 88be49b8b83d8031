import { resolve } from 'path';
import { defineConfig } from 'vite';

/**
 * Builds the operations dashboard (apps/analytics/src/dashboard/web) into dist/apps/analytics/dashboard,
 * where the analytics app serves it at /dashboard (dashboard-assets.ts finds it from the built app and
 * from the sources alike). Part of `npm run build`; the browser spec builds it when it is missing or
 * older than its sources.
 */
export default defineConfig({
  root: resolve(import.meta.dirname, 'src/dashboard/web'),
  base: '/dashboard/',
  publicDir: false,
  // The page shares the analytics calendar (days in ANALYTICS_TZ) with the API: the one pure module.
  resolve: {
    alias: {
      '@ecom/analytics-read-models/calendar': resolve(
        import.meta.dirname,
        '../../libs/analytics-read-models/src/calendar.ts',
      ),
    },
  },
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, '../../dist/apps/analytics/dashboard'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Nothing inlined as a data: URL: the page's CSP loads images and fonts from its own origin only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // ECharts is most of the script: about 1 MB minified, about 350 KB gzipped, served compressed.
    chunkSizeWarningLimit: 1500,
  },
});
