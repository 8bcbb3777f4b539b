// Shared helpers for the stack tests: where the files are, how Grafana reads them.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';

/** The repository root (e2e/stack/ is two levels down). */
export const repoRoot = path.resolve(__dirname, '..', '..');
/** The committed Grafana provisioning folder. */
export const provisioningDir = path.join(repoRoot, 'provisioning');
/** The folder the dashboard provider loads. */
export const dashboardsDir = path.join(provisioningDir, 'dashboards', 'privatecloud');

/** The data source's fixed uid and plugin ids, as the contracts pin them. */
export const DS_UID = 'privatecloud-vsphere';
export const DS_TYPE = 'privatecloud-vsphere-datasource';
export const APP_ID = 'privatecloud-vsphere-app';

/** Reads a YAML file the way Grafana's provisioning does (one document; YAML merge keys allowed). */
export function readYaml(file: string): any {
  const text = readFileSync(file, 'utf8');
  const docs = parseAllDocuments(text, { merge: true });
  if (docs.length !== 1) {
    throw new Error(`${path.relative(repoRoot, file)}: expected one YAML document, found ${docs.length}`);
  }
  const errors = docs[0].errors;
  if (errors.length) {
    throw new Error(`${path.relative(repoRoot, file)}: ${errors.map((e) => e.message).join('; ')}`);
  }
  return parseYaml(text, { merge: true });
}

/** Every .yaml/.yml file directly in a provisioning sub folder. */
export function yamlFiles(sub: string): string[] {
  const dir = path.join(provisioningDir, sub);
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => path.join(dir, f));
}

/** The dashboards the provider loads, parsed, keyed by file name. */
export function loadDashboards(): Array<{ file: string; json: any }> {
  return readdirSync(dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, json: JSON.parse(readFileSync(path.join(dashboardsDir, f), 'utf8')) }));
}

/**
 * Expands `$VAR` and `${VAR}` in a string like Grafana's provisioning does, `$$` being a literal `$`.
 * Unset variables become empty strings, as in Grafana.
 */
export function expandEnv(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, braced, bare) => {
    if (m === '$$') {
      return '$';
    }
    return env[braced ?? bare] ?? '';
  });
}

/** Applies expandEnv to every string inside a JSON-like value. */
export function expandEnvDeep<T>(value: T, env: Record<string, string | undefined>): T {
  if (typeof value === 'string') {
    return expandEnv(value, env) as T;
  }
  if (Array.isArray(value)) {
    return value.map((v) => expandEnvDeep(v, env)) as T;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expandEnvDeep(v, env)])) as T;
  }
  return value;
}

/** Names of the environment variables a provisioning value refers to (`$X` / `${X}`, not `$$X`). */
export function envRefs(value: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
        if (m[0] !== '$$') {
          out.add(m[1] ?? m[2]);
        }
      }
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      Object.values(v).forEach(walk);
    }
  };
  walk(value);
  return out;
}

/** The variable names documented in the root .env.example (`NAME=` lines, commented or not). */
export function envExampleNames(file = path.join(repoRoot, '.env.example')): Set<string> {
  const names = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*#?\s*([A-Z][A-Z0-9_]*)=/.exec(line);
    if (m) {
      names.add(m[1]);
    }
  }
  return names;
}

/** Parses a Grafana/Prometheus duration such as `10m`, `1h30m`, `30s` into seconds. */
export function durationSeconds(d: string): number {
  const re = /(\d+)(ms|s|m|h|d|w)/g;
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  let consumed = '';
  for (const m of d.matchAll(re)) {
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0];
  }
  if (!d || consumed !== d) {
    throw new Error(`not a duration: "${d}"`);
  }
  return total;
}
