// The host set-up the tests use: both plugins from their dist/ folders, the real backend binary,
// one data source instance pointing at the simulator (and optionally the relay).
import path from 'node:path';
import type { HostOptions } from './server';

const repoRoot = path.resolve(__dirname, '..', '..');

/** Ids of the two plugins. */
export const DS_TYPE = 'privatecloud-vsphere-datasource';
export const APP_ID = 'privatecloud-vsphere-app';
/** The uid of the test data source (the provisioned one uses the same). */
export const DS_UID = 'privatecloud-vsphere';

/** Host options for a simulator at simUrl and, when given, a relay. */
export function defaultHostOptions(o: {
  simUrl: string;
  relayUrl?: string;
  relayToken?: string;
  configured?: boolean;
}): HostOptions {
  const configured = o.configured ?? true;
  return {
    plugins: [
      { id: DS_TYPE, dir: path.join(repoRoot, 'datasource-plugin', 'dist') },
      { id: APP_ID, dir: path.join(repoRoot, 'app-plugin', 'dist') },
    ],
    backends: { [DS_TYPE]: path.join(repoRoot, 'datasource-plugin', 'dist', 'gpx_vsphere_linux_amd64') },
    datasources: [
      {
        uid: DS_UID,
        name: 'vSphere',
        type: DS_TYPE,
        jsonData: configured
          ? {
              vcenterUrl: o.simUrl,
              vcenterUser: 'administrator@vsphere.local',
              vropsUrl: o.simUrl,
              vropsUser: 'administrator@vsphere.local',
              vropsAuthSource: 'local',
              ...(o.relayUrl ? { relayUrl: o.relayUrl } : {}),
            }
          : {},
        secureJsonData: configured
          ? {
              vcenterPassword: 'VMware1!',
              vropsPassword: 'VMware1!',
              ...(o.relayToken ? { relayToken: o.relayToken } : {}),
            }
          : {},
      },
    ],
    appSettings: { [APP_ID]: { datasources: [DS_UID] } },
  };
}
