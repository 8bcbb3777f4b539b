// Bundles the host page (client/main.tsx) with esbuild: Grafana's shared modules at the versions
// the plugins build against (this workspace's @grafana/* 13.1.1, React 18), SystemJS and the
// host's runtime services, in one script.
import { build } from 'esbuild';
import path from 'node:path';

/** Where the bundle goes: host.js and host.css. */
export const hostBundleDir = path.join(__dirname, 'dist');

let cached: Promise<string> | undefined;

/** Builds (once per process) the host bundle into hostBundleDir and returns that folder. */
export function buildHostBundle(): Promise<string> {
  if (!cached) {
    cached = build({
      entryPoints: [path.join(__dirname, 'client', 'main.tsx')],
      bundle: true,
      outfile: path.join(hostBundleDir, 'host.js'),
      format: 'iife',
      platform: 'browser',
      target: 'es2020',
      minify: true,
      jsx: 'automatic',
      sourcemap: false,
      define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
      loader: { '.svg': 'text', '.png': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl', '.ttf': 'dataurl', '.css': 'css' },
      logLevel: 'error',
    }).then(() => hostBundleDir);
  }
  return cached;
}
