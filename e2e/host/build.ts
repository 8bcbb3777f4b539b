// Bundles the host page (client/main.tsx) with esbuild: Grafana's shared modules at the versions
// the plugins build against (this workspace's @grafana/* 13.1.1, React 18), SystemJS and the
// host's runtime services, in one script.
import { build, Plugin } from 'esbuild';
import path from 'node:path';

/**
 * Resolves @grafana/* to their CommonJS builds. Their ESM builds are `.mjs` files, for which
 * esbuild applies Node's interop (a CommonJS dependency's default import is its whole
 * module.exports), which breaks e.g. @grafana/ui's default import of react-custom-scrollbars-2;
 * Grafana's own webpack build applies the __esModule interop that the CommonJS builds carry.
 */
const grafanaCjs: Plugin = {
  name: 'grafana-cjs',
  setup(b) {
    // Grafana core's own setter for PluginPage (not in the package's public exports).
    b.onResolve({ filter: /^grafana-runtime-internal:PluginPage$/ }, () => ({
      path: path.join(
        path.dirname(require.resolve('@grafana/runtime/package.json')),
        'dist',
        'cjs',
        'components',
        'PluginPage.cjs'
      ),
    }));
    b.onResolve({ filter: /^@grafana\/(data|ui|runtime|schema|i18n|e2e-selectors)(\/unstable)?$/ }, (args) => ({
      path: require.resolve(args.path, { paths: [args.resolveDir || __dirname] }),
    }));
  },
};

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
      minify: !process.env.E2E_HOST_DEBUG,
      jsx: 'automatic',
      sourcemap: false,
      define: {
        'process.env.NODE_ENV': process.env.E2E_HOST_DEBUG ? '"development"' : '"production"',
        global: 'window',
      },
      loader: {
        '.svg': 'text',
        '.png': 'dataurl',
        '.woff': 'dataurl',
        '.woff2': 'dataurl',
        '.ttf': 'dataurl',
        '.css': 'css',
      },
      logLevel: 'error',
      plugins: [grafanaCjs],
    }).then(() => hostBundleDir);
  }
  return cached;
}
