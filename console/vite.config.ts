import { defineConfig } from 'vite';

// Built into .local/console-dist, served by the service at /console/ (src/console/routes.ts).
export default defineConfig({
  root: 'console',
  base: '/console/',
  build: { outDir: '../.local/console-dist', emptyOutDir: true, assetsDir: 'assets' },
});
