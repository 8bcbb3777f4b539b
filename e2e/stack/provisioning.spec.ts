// Every provisioning file parses and carries what Grafana requires for its kind, and the files agree
// with each other (uids, receivers, dashboard links) and with the contracts (docs/contracts.md).
import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  APP_ID,
  DS_TYPE,
  DS_UID,
  dashboardsDir,
  durationSeconds,
  envExampleNames,
  envRefs,
  expandEnv,
  loadDashboards,
  readYaml,
  repoRoot,
  yamlFiles,
} from './stack-files';

/** The second vCenter's data source (the simulator's /vc/2 by default). */
const DS2_UID = 'privatecloud-vsphere-2';
const QUERY_TYPES = ['inventory', 'vmDetail', 'metrics', 'latest', 'alerts', 'variable', 'annotations'];
const ENTITIES = ['hosts', 'clusters', 'datastores', 'networks', 'datacenters', 'folders', 'resourcePools', 'vms'];
const RESOURCE_KINDS = ['VirtualMachine', 'HostSystem', 'ClusterComputeResource', 'Datastore'];
const CORE_PANELS = [
  'timeseries',
  'table',
  'stat',
  'piechart',
  'bargauge',
  'gauge',
  'barchart',
  'state-timeline',
  'text',
];

/** Checks one data source query object against the query model of docs/contracts.md §2. */
function checkQuery(q: any, where: string) {
  expect(QUERY_TYPES, `${where}: queryType`).toContain(q.queryType);
  expect(typeof q.refId, `${where}: refId`).toBe('string');
  switch (q.queryType) {
    case 'inventory':
    case 'variable':
      expect(ENTITIES, `${where}: entity`).toContain(q.entity);
      if (q.queryType === 'variable') {
        expect(['folders', 'resourcePools'], `${where}: variable entity`).not.toContain(q.entity);
      }
      if (q.filter) {
        for (const k of Object.keys(q.filter)) {
          expect(['datacenter', 'cluster', 'host', 'powerState', 'nameRegex'], `${where}: filter key`).toContain(k);
        }
      }
      break;
    case 'vmDetail':
      expect(Array.isArray(q.vms) && q.vms.length > 0, `${where}: vms`).toBe(true);
      break;
    case 'metrics':
    case 'latest':
      expect(RESOURCE_KINDS, `${where}: resourceKind`).toContain(q.resourceKind);
      expect(['ids', 'regex', 'under'], `${where}: selection.mode`).toContain(q.selection?.mode);
      if (q.selection.mode === 'ids') {
        expect(q.selection.ids?.length, `${where}: selection.ids`).toBeGreaterThan(0);
      } else if (q.selection.mode === 'regex') {
        expect(() => new RegExp(q.selection.regex), `${where}: selection.regex`).not.toThrow();
      } else {
        expect(q.selection.parent, `${where}: selection.parent`).toBeTruthy();
      }
      expect(q.statKeys?.length, `${where}: statKeys`).toBeGreaterThan(0);
      if (q.queryType === 'metrics') {
        expect(['AVG', 'MAX', 'MIN', 'LATEST'], `${where}: rollUp`).toContain(q.rollUp);
        expect(q.interval, `${where}: interval`).toMatch(/^(auto|\d+[mhd])$/);
      }
      break;
    case 'alerts':
      expect(['INFO', 'WARNING', 'IMMEDIATE', 'CRITICAL'], `${where}: minLevel`).toContain(q.minLevel);
      break;
    case 'annotations':
      expect(['vmOperations', 'hostChanges'], `${where}: annotationKind`).toContain(q.annotationKind);
      break;
  }
}

/** The variables in Grafana's file of the compose secrets volume (scripts/stack-secrets.mjs). */
function grafanaSecretNames(): string[] {
  const mod = pathToFileURL(path.join(repoRoot, 'scripts', 'stack-secrets.mjs')).href;
  const r = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { composeFiles } from '${mod}';
       const f = composeFiles({}).find((x) => x.file === 'grafana.env');
       console.log(JSON.stringify(f.text.split('\\n').filter(Boolean).map((l) => l.split('=')[0])));`,
    ],
    { encoding: 'utf8' }
  );
  if (r.status !== 0) {
    throw new Error(r.stderr);
  }
  return JSON.parse(r.stdout);
}

test.describe('provisioning', () => {
  test('data source: fixed uid, contract settings, secrets only from the environment', () => {
    const files = yamlFiles('datasources');
    expect(files.length).toBeGreaterThan(0);
    const all = files.flatMap((f) => {
      const doc = readYaml(f);
      expect(doc.apiVersion, f).toBe(1);
      expect(Array.isArray(doc.datasources), f).toBe(true);
      return doc.datasources;
    });
    const ds = all.find((d: any) => d.uid === DS_UID);
    expect(ds, `a data source with uid ${DS_UID}`).toBeTruthy();
    expect(ds.type).toBe(DS_TYPE);
    expect(ds.name).toBeTruthy();
    expect(ds.access).toBe('proxy');
    expect(ds.orgId).toBe(1);

    // Exactly the settings of docs/contracts.md §4, with the right JSON types after expansion.
    const jsonKeys = [
      'vcenterUrl',
      'vcenterUser',
      'vropsUrl',
      'vropsUser',
      'vropsAuthSource',
      'tlsSkipVerify',
      'timeoutSeconds',
      'cacheTtlSeconds',
      'relayUrl',
      'roles',
    ];
    for (const k of Object.keys(ds.jsonData)) {
      expect(jsonKeys, `jsonData.${k} is a contract setting`).toContain(k);
    }
    for (const k of ['vcenterUrl', 'vcenterUser', 'vropsUrl', 'vropsUser', 'relayUrl']) {
      expect(ds.jsonData[k], `jsonData.${k}`).toMatch(/^\$\{?[A-Z_]+\}?$/);
    }
    expect(ds.jsonData.tlsSkipVerify, 'TLS verification on by default').toBe(false);
    expect(typeof ds.jsonData.timeoutSeconds).toBe('number');
    expect(typeof ds.jsonData.cacheTtlSeconds).toBe('number');
    expect(ds.jsonData.roles).toEqual({ create: 'Admin', edit: 'Editor', power: 'Editor', delete: 'Admin' });
    expect(Object.keys(ds.secureJsonData).sort()).toEqual([
      'relayToken',
      'tlsCaCert',
      'vcenterPassword',
      'vropsPassword',
    ]);
    for (const [k, v] of Object.entries(ds.secureJsonData)) {
      // A literal secret in a committed file would be a leak: every secret is an env reference.
      expect(v, `secureJsonData.${k}`).toMatch(/^\$\{?[A-Z_]+\}?$/);
    }
    // Expanded the way Grafana does it, the URLs become the environment's values.
    expect(expandEnv(ds.jsonData.vcenterUrl, { VCENTER_URL: 'https://vc.example' })).toBe('https://vc.example');

    // Several vCenters: one data source each, sharing vROps and the relay, differing in the vCenter.
    expect(all.map((d: any) => d.uid)).toEqual([DS_UID, DS2_UID]);
    expect(new Set(all.map((d: any) => d.name)).size, 'names are unique').toBe(all.length);
    expect(all.filter((d: any) => d.isDefault).map((d: any) => d.uid)).toEqual([DS_UID]);
    const ds2 = all[1];
    expect(ds2.type).toBe(DS_TYPE);
    expect(ds2.jsonData.vcenterUrl).toBe('$VCENTER2_URL');
    expect(ds2.jsonData.vcenterUser).toBe('$VCENTER2_USER');
    expect(ds2.secureJsonData.vcenterPassword).toBe('$VCENTER2_PASSWORD');
    const shared = (d: any) => {
      const { vcenterUrl, vcenterUser, ...json } = d.jsonData;
      const { vcenterPassword, ...secure } = d.secureJsonData;
      return { json, secure, access: d.access, orgId: d.orgId, editable: d.editable };
    };
    expect(shared(ds2), 'same vROps, relay, TLS and roles as the first').toEqual(shared(ds));
  });

  test('app: enabled in org 1 and pointed at the data source', () => {
    const plugin = JSON.parse(readFileSync(path.join(repoRoot, 'app-plugin', 'src', 'plugin.json'), 'utf8'));
    expect(plugin.id).toBe(APP_ID);
    const apps = yamlFiles('plugins').flatMap((f) => {
      const doc = readYaml(f);
      expect(doc.apiVersion, f).toBe(1);
      return doc.apps;
    });
    const app = apps.find((a: any) => a.type === APP_ID);
    expect(app, 'the app is provisioned').toBeTruthy();
    expect(app.org_id).toBe(1);
    expect(app.disabled).toBe(false);
    // Every provisioned vCenter data source is managed by the app.
    expect(app.jsonData.datasources).toEqual([DS_UID, DS2_UID]);
  });

  test('dashboard provider: file provider whose path is the dashboards folder', () => {
    const providers = yamlFiles('dashboards').flatMap((f) => {
      const doc = readYaml(f);
      expect(doc.apiVersion, f).toBe(1);
      return doc.providers;
    });
    expect(providers).toHaveLength(1);
    const p = providers[0];
    expect(p.name).toBeTruthy();
    expect(p.type).toBe('file');
    expect(p.folder).toBe('PrivateCloud');
    // The path comes from PRIVATECLOUD_DASHBOARDS_DIR; compose and npm start set it to this folder.
    expect(p.options.path).toBe('$PRIVATECLOUD_DASHBOARDS_DIR');
    const compose = readYaml(path.join(repoRoot, 'docker-compose.yml'));
    const inContainer = compose.services.grafana.environment.PRIVATECLOUD_DASHBOARDS_DIR;
    const mount = compose.services.grafana.volumes.find((v: string) => v.startsWith('./provisioning:'));
    const [, target] = mount.split(':');
    expect(path.resolve(repoRoot, 'provisioning', path.relative(target, inContainer))).toBe(dashboardsDir);
    const start = readFileSync(path.join(repoRoot, 'scripts', 'start.mjs'), 'utf8');
    expect(start).toContain(
      "PRIVATECLOUD_DASHBOARDS_DIR: path.join(root, 'provisioning', 'dashboards', 'privatecloud')"
    );
  });

  test('dashboards: the four dashboards, valid panels, data source queries of the contract', () => {
    const dashboards = loadDashboards();
    expect(dashboards.map((d) => d.json.title).sort()).toEqual([
      'Capacity and availability',
      'Host',
      'Private cloud overview',
      'VM',
    ]);
    const uids = new Set<string>();
    for (const { file, json: d } of dashboards) {
      expect(d.uid, file).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
      expect(uids.has(d.uid), `${file}: unique uid`).toBe(false);
      uids.add(d.uid);
      expect(d.id ?? null, `${file}: no database id in a provisioned dashboard`).toBeNull();
      expect(d.schemaVersion, file).toBeGreaterThanOrEqual(39);
      expect(d.time?.from, file).toBeTruthy();
      expect(d.panels.length, file).toBeGreaterThan(2);
      const ids = new Set<number>();
      for (const p of d.panels) {
        const where = `${file} panel ${p.id} "${p.title}"`;
        expect(Number.isInteger(p.id), where).toBe(true);
        expect(ids.has(p.id), `${where}: unique id`).toBe(false);
        ids.add(p.id);
        expect(CORE_PANELS, `${where}: type`).toContain(p.type);
        expect(p.title, where).toBeTruthy();
        for (const k of ['x', 'y', 'w', 'h']) {
          expect(Number.isInteger(p.gridPos?.[k]), `${where}: gridPos.${k}`).toBe(true);
        }
        expect(p.gridPos.x + p.gridPos.w, `${where}: fits 24 columns`).toBeLessThanOrEqual(24);
        expect(p.datasource).toEqual({ type: DS_TYPE, uid: '${datasource}' });
        expect(p.targets.length, where).toBeGreaterThan(0);
        const refIds = new Set<string>();
        for (const t of p.targets) {
          checkQuery(t, `${where} ${t.refId}`);
          expect(refIds.has(t.refId), `${where}: unique refId`).toBe(false);
          refIds.add(t.refId);
          expect(t.queryType, `${where}: panels do not use variable queries`).not.toBe('variable');
        }
        // Units come from the frames (contracts §2); a panel-wide unit would override them.
        expect(p.fieldConfig?.defaults?.unit, `${where}: no panel-wide unit`).toBeUndefined();
      }
      for (const a of d.annotations.list.filter((x: any) => !x.builtIn)) {
        expect(a.datasource).toEqual({ type: DS_TYPE, uid: '${datasource}' });
        checkQuery(a.target, `${file} annotation "${a.name}"`);
        expect(a.target.queryType).toBe('annotations');
      }
    }
    // The contents per dashboard.
    const byUid = Object.fromEntries(dashboards.map((d) => [d.json.uid, d.json]));
    const kinds = (uid: string) => byUid[uid].panels.flatMap((p: any) => p.targets.map((t: any) => t.queryType));
    expect(kinds('privatecloud-overview')).toEqual(expect.arrayContaining(['inventory', 'latest', 'alerts']));
    expect(kinds('privatecloud-vm')).toEqual(expect.arrayContaining(['vmDetail', 'metrics']));
    const vmRollups = byUid['privatecloud-vm'].panels.flatMap((p: any) =>
      p.targets.map((t: any) => `${p.type}:${t.interval}`)
    );
    expect(vmRollups).toEqual(expect.arrayContaining(['timeseries:1h', 'stat:auto']));
    expect(byUid['privatecloud-vm'].annotations.list.map((a: any) => a.target?.annotationKind)).toEqual(
      expect.arrayContaining(['hostChanges', 'vmOperations'])
    );
    expect(kinds('privatecloud-host')).toEqual(expect.arrayContaining(['inventory', 'metrics']));
    expect(kinds('privatecloud-capacity')).toEqual(expect.arrayContaining(['inventory', 'metrics', 'annotations']));
  });

  test('dashboard variables: datasource picker, then chained datacenter -> cluster -> host -> VM, no All', () => {
    for (const { file, json: d } of loadDashboards()) {
      const vars = d.templating.list;
      expect(vars[0], `${file}: first variable`).toMatchObject({
        type: 'datasource',
        name: 'datasource',
        query: DS_TYPE,
      });
      const seen = new Set<string>(['datasource']);
      const chain = ['datacenter', 'cluster', 'host', 'vm'];
      const names = vars.slice(1).map((v: any) => v.name);
      expect(names, `${file}: variables follow the chain`).toEqual(chain.slice(0, names.length));
      for (const v of vars.slice(1)) {
        const where = `${file} variable ${v.name}`;
        expect(v.type, where).toBe('query');
        expect(v.datasource).toEqual({ type: DS_TYPE, uid: '${datasource}' });
        checkQuery(v.query, where);
        expect(v.query.queryType, where).toBe('variable');
        // Every "All" would expand to every object below (thousands of VMs): none is offered.
        expect(v.includeAll, where).toBe(false);
        expect(v.multi, where).toBe(false);
        expect([1, 2], `${where}: refreshes on load`).toContain(v.refresh);
        // Chained: a filter names only variables defined before this one.
        for (const val of Object.values(v.query.filter ?? {})) {
          for (const m of String(val).matchAll(/\$\{?(\w+)\}?/g)) {
            expect(seen.has(m[1]), `${where} refers to $${m[1]} defined before it`).toBe(true);
          }
        }
        if (v.name !== 'datacenter') {
          const parent = chain[chain.indexOf(v.name) - 1];
          expect(v.query.filter?.[parent], `${where} is filtered by $${parent}`).toBe(`$${parent}`);
        }
        seen.add(v.name);
      }
      // Every $variable used in a panel or annotation exists in this dashboard.
      const text = JSON.stringify([d.panels, d.annotations]);
      for (const m of text.matchAll(/\$\{?([a-zA-Z]\w*)\}?/g)) {
        if (!m[1].startsWith('__')) {
          expect(seen.has(m[1]), `${file}: $${m[1]} is a variable of the dashboard`).toBe(true);
        }
      }
    }
  });

  test('alert rules: Grafana-managed, on backend queries, reduce + threshold, readable e-mail text', () => {
    const dashboards = Object.fromEntries(loadDashboards().map((d) => [d.json.uid, d.json]));
    const groups = yamlFiles('alerting').flatMap((f) => readYaml(f).groups ?? []);
    expect(groups.length).toBeGreaterThan(0);
    const ruleUids = new Set<string>();
    const titles: string[] = [];
    for (const g of groups) {
      expect(g.orgId).toBe(1);
      expect(g.name).toBeTruthy();
      expect(g.folder).toBe('PrivateCloud');
      expect(durationSeconds(g.interval)).toBeGreaterThanOrEqual(10);
      for (const r of g.rules) {
        const where = `rule ${r.uid}`;
        titles.push(r.title);
        expect(r.uid, where).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
        expect(ruleUids.has(r.uid), `${where}: unique`).toBe(false);
        ruleUids.add(r.uid);
        expect(r.title, where).toBeTruthy();
        expect(['NoData', 'Alerting', 'OK', 'KeepLast'], where).toContain(r.noDataState);
        expect(['Error', 'Alerting', 'OK', 'KeepLast'], where).toContain(r.execErrState);
        expect(
          durationSeconds(r.for) % durationSeconds(g.interval),
          `${where}: for is a multiple of the interval`
        ).toBe(0);
        expect(['warning', 'critical'], `${where}: severity label`).toContain(r.labels?.severity);
        expect(r.annotations.summary, where).toContain('{{ $labels.');
        expect(r.annotations.description.length, `${where}: a real description`).toBeGreaterThan(80);
        const dash = dashboards[r.annotations.__dashboardUid__];
        expect(dash, `${where}: linked dashboard exists`).toBeTruthy();
        expect(
          dash.panels.map((p: any) => String(p.id)),
          `${where}: linked panel exists`
        ).toContain(r.annotations.__panelId__);
        const refIds = r.data.map((d: any) => d.refId);
        expect(refIds, where).toContain(r.condition);
        const queries = r.data.filter((d: any) => d.datasourceUid !== '__expr__');
        const exprs = r.data.filter((d: any) => d.datasourceUid === '__expr__');
        expect(queries.length, `${where}: one data source query`).toBe(1);
        for (const q of queries) {
          expect(q.datasourceUid).toBe(DS_UID);
          expect(q.relativeTimeRange.from, where).toBeGreaterThan(q.relativeTimeRange.to);
          expect(q.model.refId).toBe(q.refId);
          checkQuery(q.model, where);
          expect(['metrics', 'latest', 'inventory'], `${where}: alerting uses backend queries`).toContain(
            q.model.queryType
          );
        }
        // Either reduce (series -> one number per resource) or SQL (inventory table -> one number
        // per row), then a threshold that is the condition.
        const types = exprs.map((e: any) => e.model.type);
        expect(
          [
            ['reduce', 'threshold'],
            ['sql', 'threshold'],
          ],
          where
        ).toContainEqual(types);
        const [first, threshold] = exprs.map((e: any) => e.model);
        if (first.type === 'reduce') {
          expect(first.expression).toBe(queries[0].refId);
          expect(['mean', 'last', 'max', 'min']).toContain(first.reducer);
        } else {
          expect(first.expression, `${where}: SQL reads the query`).toMatch(
            new RegExp(`\\bFROM\\s+${queries[0].refId}\\b`)
          );
        }
        expect(threshold.expression).toBe(first.refId);
        expect(threshold.refId).toBe(r.condition);
        expect(['gt', 'lt']).toContain(threshold.conditions[0].evaluator.type);
        expect(typeof threshold.conditions[0].evaluator.params[0]).toBe('number');
        for (const e of exprs) {
          expect(e.model.datasource).toEqual({ type: '__expr__', uid: '__expr__' });
        }
        // Labels are env-expanded by Grafana: a bare $ there would be eaten.
        expect(envRefs(r.labels).size, `${where}: labels have no $ references`).toBe(0);
      }
    }
    expect(titles).toEqual(
      expect.arrayContaining([
        'VM CPU high',
        'VM CPU critical',
        'VM memory high',
        'Host not connected',
        'Datastore free space low',
      ])
    );
    const cpu = groups.flatMap((g: any) => g.rules).filter((r: any) => r.uid.startsWith('privatecloud-vm-cpu'));
    const spec = cpu.map((r: any) => [
      r.labels.severity,
      r.data.find((d: any) => d.refId === r.condition).model.conditions[0].evaluator.params[0],
      r.for,
    ]);
    expect(spec.sort()).toEqual([
      ['critical', 95, '5m'],
      ['warning', 80, '10m'],
    ]);
  });

  test('contact point and policy: HMAC-signed webhook to the relay, grouped by alertname, vCenter and cluster', () => {
    const docs = yamlFiles('alerting').map((f) => readYaml(f));
    const cps = docs.flatMap((d) => d.contactPoints ?? []);
    const policies = docs.flatMap((d) => d.policies ?? []);
    expect(cps).toHaveLength(1);
    const cp = cps[0];
    expect(cp.orgId).toBe(1);
    expect(cp.receivers).toHaveLength(1);
    const rcv = cp.receivers[0];
    expect(rcv.type).toBe('webhook');
    expect(rcv.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(rcv.settings.url).toBe('$RELAY_WEBHOOK_URL');
    // Grafana sends at most this many alerts per notification (the rest as truncatedAlerts), so a
    // rule firing across a whole cluster stays within what the relay accepts.
    expect(rcv.settings.maxAlerts).toBe(100);
    expect(rcv.settings.hmacConfig).toEqual({
      secret: '$RELAY_WEBHOOK_SECRET',
      header: 'X-Grafana-Alerting-Signature',
      timestampHeader: 'X-Grafana-Alerting-Signature-Timestamp',
    });
    expect(policies).toHaveLength(1);
    const p = policies[0];
    expect(p.orgId).toBe(1);
    expect(p.receiver).toBe(cp.name);
    // VM series are labelled by the object only (vcenter, vm, vm_id), so grouping by host would split
    // nothing and grouping by cluster alone would put every VM alert of all vCenters in one mail.
    expect(p.group_by).toEqual(['alertname', 'vcenter', 'cluster']);
    for (const child of p.routes ?? []) {
      expect(child.group_by ?? p.group_by).toEqual(p.group_by);
    }
    expect(durationSeconds(p.group_wait)).toBeLessThanOrEqual(60);
    expect(durationSeconds(p.group_interval)).toBeGreaterThanOrEqual(60);
    expect(durationSeconds(p.repeat_interval)).toBeGreaterThanOrEqual(3600);
    for (const child of p.routes ?? []) {
      expect(child.receiver).toBe(cp.name);
      expect(durationSeconds(child.repeat_interval)).toBeLessThanOrEqual(durationSeconds(p.repeat_interval));
    }
  });

  test('every environment variable the provisioning reads is documented and set by compose and npm start', () => {
    const refs = new Set<string>();
    for (const sub of ['datasources', 'plugins', 'dashboards', 'alerting']) {
      for (const f of yamlFiles(sub)) {
        const doc = readYaml(f);
        // Rule annotations and query models are not expanded by Grafana, so only the rest counts.
        const expanded = {
          ...doc,
          groups: (doc.groups ?? []).map((g: any) => ({ ...g, rules: g.rules.map((r: any) => r.labels) })),
        };
        envRefs(expanded).forEach((v) => refs.add(v));
      }
    }
    expect(refs.size).toBeGreaterThan(5);
    const documented = envExampleNames();
    const compose = readYaml(path.join(repoRoot, 'docker-compose.yml'));
    const grafanaEnv = compose.services.grafana.environment;
    const start = readFileSync(path.join(repoRoot, 'scripts', 'start.mjs'), 'utf8');
    // Grafana's secrets come from the file the compose `secrets` service writes for it.
    const fromSecrets = grafanaSecretNames();
    expect(fromSecrets).toContain('RELAY_WEBHOOK_SECRET');
    for (const v of refs) {
      expect(
        grafanaEnv[v] ?? (fromSecrets.includes(v) ? 'secrets' : undefined),
        `docker-compose.yml sets ${v} for Grafana`
      ).toBeDefined();
      expect(start, `scripts/start.mjs sets ${v} for Grafana`).toMatch(new RegExp(`\\b${v}:`));
      if (v !== 'PRIVATECLOUD_DASHBOARDS_DIR') {
        expect(documented.has(v), `.env.example documents ${v}`).toBe(true);
      }
    }
  });
});
