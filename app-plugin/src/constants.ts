import pluginJson from './plugin.json';

/** The app's plugin id. */
export const PLUGIN_ID = pluginJson.id;

/** Where the app's pages live in Grafana. */
export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;

/** The data source type the app manages. */
export const DATASOURCE_TYPE = 'privatecloud-vsphere-datasource';

/** Page paths relative to PLUGIN_BASE_URL (react-router v6 routes). */
export enum ROUTES {
  Overview = 'overview',
  Hosts = 'hosts',
  Vms = 'vms',
  CreateVm = 'vms/new',
  Alerts = 'alerts',
  Audit = 'audit',
}

/** Absolute URL of an app route, keeping the chosen vCenter in the URL so links can be shared. */
export function prefixRoute(route: string): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}

/** URL of a VM's page. */
export function vmUrl(id: string): string {
  return prefixRoute(`${ROUTES.Vms}/${encodeURIComponent(id)}`);
}

/** URL of a host's page. */
export function hostUrl(id: string): string {
  return prefixRoute(`${ROUTES.Hosts}/${encodeURIComponent(id)}`);
}

/** localStorage key that remembers the chosen vCenter. */
export const DS_STORAGE_KEY = `${pluginJson.id}.datasource`;
