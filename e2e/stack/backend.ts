// Runs data source queries the way Grafana does: the BUILT backend binary, spoken to over the plugin
// protocol (e2e/host/plugin-client.ts), with the instance settings Grafana would build from
// provisioning/datasources/*.yaml after expanding the environment. Also starts the simulator.
import path from 'node:path';
import { startPlugin } from '../host/plugin-client';
import { startSimulator as startSimulatorProcess } from '../../scripts/support/simulator';
import { DS_TYPE, DS_UID, expandEnvDeep, readYaml, repoRoot, yamlFiles } from './stack-files';

/** The built backend binary (`npm run build` makes it; contracts §6). */
export const pluginBinary = path.join(repoRoot, 'datasource-plugin', 'dist', 'gpx_vsphere_linux_amd64');

/** A decoded data frame field. */
export interface Field {
  name: string;
  type: string;
  labels?: Record<string, string>;
  config?: Record<string, unknown>;
  values: unknown[];
}
/** A decoded data frame. */
export interface Frame {
  name?: string;
  fields: Field[];
  meta?: { type?: string; [k: string]: unknown };
}
/** One query's answer. */
export interface QueryResult {
  frames: Frame[];
  error?: string;
  status?: number;
}

/** A running simulator process. */
export interface Simulator {
  url: string;
  stop(): Promise<void>;
}

/** Starts the built simulator on a free loopback port (scripts/support/simulator.ts). */
export async function startSimulator(extraArgs: string[] = []): Promise<Simulator> {
  const sim = await startSimulatorProcess({ args: extraArgs });
  return { url: sim.url, stop: () => sim.stop() };
}

/**
 * The provisioned data source's instance settings, with the environment Grafana would have
 * (`env` fills $VCENTER_URL etc.), as Grafana hands them to the backend.
 */
export function provisionedSettings(env: Record<string, string>) {
  const ds = yamlFiles('datasources')
    .flatMap((f) => readYaml(f).datasources)
    .find((d: any) => d.uid === DS_UID);
  const expanded = expandEnvDeep(ds, env);
  return {
    uid: expanded.uid as string,
    type: DS_TYPE,
    name: expanded.name as string,
    jsonData: expanded.jsonData as Record<string, unknown>,
    secureJsonData: expanded.secureJsonData as Record<string, string>,
  };
}

/** A data source query as Grafana sends it: the JSON model plus time range and interval. */
export interface BackendQuery {
  refId: string;
  model: Record<string, unknown>;
  from: Date;
  to: Date;
  intervalMs?: number;
  maxDataPoints?: number;
}

/** The backend binary running under the plugin protocol, with one data source instance. */
export interface Backend {
  query(queries: BackendQuery[]): Promise<Record<string, QueryResult>>;
  stop(): Promise<void>;
}

/** Starts the built binary and binds it to the provisioned settings. */
export async function startBackend(settings: ReturnType<typeof provisionedSettings>): Promise<Backend> {
  const plugin = await startPlugin(pluginBinary);
  return {
    async query(queries) {
      const res = await plugin.queryData({
        settings,
        queries: queries.map((q) => ({
          refId: q.refId,
          queryType: String(q.model.queryType ?? ''),
          json: { ...q.model, refId: q.refId },
          timeRange: { from: q.from, to: q.to },
          intervalMs: q.intervalMs ?? 300_000,
          maxDataPoints: q.maxDataPoints ?? 1000,
        })),
      });
      return res as Record<string, QueryResult>;
    },
    stop: () => plugin.stop(),
  };
}
