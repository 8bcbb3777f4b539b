import fs from 'fs';
import path from 'path';

import plugin from './plugin.json';
import { ROUTES } from './constants';

// The rules Grafana's plugin.json schema and plugin-validator apply, checked offline (the schema
// itself is fetched from GitHub, which the build machines cannot reach).
describe('plugin.json', () => {
  it('has a valid id, type and the required info', () => {
    expect(plugin.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?app$/);
    expect(plugin.type).toBe('app');
    expect(plugin.info.logos.small).toBeTruthy();
    expect(plugin.info.logos.large).toBeTruthy();
    expect(plugin.info.keywords.length).toBeGreaterThan(0);
    expect(plugin.info.version).toBe('%VERSION%');
    expect(plugin.info.updated).toBe('%TODAY%');
  });

  it('depends on Grafana >=12.3.0 and on the vSphere data source', () => {
    expect(plugin.dependencies.grafanaDependency).toBe('>=12.3.0');
    expect(plugin.dependencies.plugins).toEqual([
      { id: 'privatecloud-vsphere-datasource', type: 'datasource', name: 'vSphere (PrivateCloud)' },
    ]);
  });

  it('lists every page in includes, each pointing at a route the app serves', () => {
    const pages = plugin.includes.filter((i) => i.type === 'page');
    expect(pages.map((p) => p.name)).toEqual([
      'Overview',
      'Hosts',
      'Virtual machines',
      'Create VM',
      'Alert e-mails',
      'Audit log',
      'Configuration',
    ]);
    const routes = new Set<string>(Object.values(ROUTES));
    for (const p of pages.filter((x) => x.path.startsWith('/a/'))) {
      expect(p.path.startsWith('/a/%PLUGIN_ID%/')).toBe(true);
      expect(routes.has(p.path.slice('/a/%PLUGIN_ID%/'.length))).toBe(true);
      expect(['Viewer', 'Editor', 'Admin']).toContain(p.role);
    }
    expect(pages.filter((p) => 'defaultNav' in p && p.defaultNav)).toHaveLength(1);
    expect(pages.find((p) => p.name === 'Configuration')).toMatchObject({
      path: '/plugins/%PLUGIN_ID%',
      role: 'Admin',
    });
  });

  it("shows Create VM in Grafana's menu only to the backend's default create role (Admin)", () => {
    const create = plugin.includes.find((i) => i.name === 'Create VM');
    expect(create?.role).toBe('Admin');
  });

  it('uses only keys the schema allows on includes', () => {
    const allowed = new Set([
      'type',
      'name',
      'path',
      'uid',
      'addToNav',
      'defaultNav',
      'icon',
      'role',
      'action',
      'component',
    ]);
    for (const inc of plugin.includes) {
      expect(['dashboard', 'page', 'panel', 'datasource']).toContain(inc.type);
      for (const k of Object.keys(inc)) {
        expect(allowed.has(k)).toBe(true);
      }
    }
  });

  it('includes the suite dashboards, each a provisioned dashboard file on the data source variable', () => {
    const dir = path.resolve(__dirname, '..', '..', 'provisioning', 'dashboards', 'privatecloud');
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
    const included = plugin.includes.filter((i) => i.type === 'dashboard');
    expect(included.map((d) => d.path).sort()).toEqual(files.map((f) => `dashboards/${f}`).sort());
    for (const d of included) {
      const dash = JSON.parse(fs.readFileSync(path.join(dir, path.basename(d.path)), 'utf8'));
      expect(dash.title).toBe(d.name);
      const dsVar = dash.templating.list.find((v: { type: string }) => v.type === 'datasource');
      expect(dsVar?.query).toBe('privatecloud-vsphere-datasource');
    }
  });
});
