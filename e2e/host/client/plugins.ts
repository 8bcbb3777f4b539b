// Loads plugin bundles the way Grafana does: SystemJS imports /public/plugins/<id>/module.js.
import { DataSourceApi, DataSourceInstanceSettings, DataSourcePlugin } from '@grafana/data';

declare global {
  interface Window {
    System: any;
    __hostData: HostData;
    /** Set when the page has rendered its plugin; tests wait for it. */
    __hostReady?: boolean;
    __hostStart?: () => void;
  }
}

/** What the server puts into the page for the client. */
export interface HostData {
  datasources: Array<DataSourceInstanceSettings & { secureJsonFields: Record<string, boolean>; version: number }>;
  plugins: Record<string, any>;
}

/** The host data of this page. */
export const hostData = (): HostData => window.__hostData;

/** Imports a plugin's module.js the way Grafana does: SystemJS, from /public/plugins/<id>/. */
export async function importPlugin(id: string): Promise<any> {
  const meta = hostData().plugins[id];
  if (!meta) {
    throw new Error(`plugin ${id} is not installed in the host`);
  }
  const ns = await window.System.import(`/public/plugins/${id}/module.js`);
  const plugin = ns.plugin;
  if (!plugin) {
    throw new Error(`plugin ${id}: module.js exports no "plugin"`);
  }
  plugin.meta = { ...meta, ...plugin.meta, ...meta };
  return plugin;
}

export async function loadDataSource(s: DataSourceInstanceSettings): Promise<DataSourceApi> {
  const plugin = (await importPlugin(s.type)) as DataSourcePlugin<any>;
  const instance = new plugin.DataSourceClass({ ...s, meta: plugin.meta });
  instance.components = plugin.components;
  return instance;
}
