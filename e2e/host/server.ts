// The Grafana-compatible test host: serves the built plugins at Grafana's plugin paths, a page
// that loads them through SystemJS with Grafana's shared modules, and the Grafana HTTP API the
// plugins call, answered by the REAL backend binary over the plugin protocol (plugin-client.ts).
// For tests only: it has no login, no database and no access control beyond org roles.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildHostBundle } from './build';
import { PluginClient, PluginSettings, PluginUser, startPlugin, toDataFrameJSON } from './plugin-client';

/** Repository root. */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** A data source instance the host serves (as provisioning would create it). */
export interface HostDataSource {
  uid: string;
  name: string;
  type: string;
  jsonData: Record<string, unknown>;
  /** Decrypted secrets: kept server-side, only `secureJsonFields` reach the browser. */
  secureJsonData: Record<string, string>;
}

/** A plugin installed in the host: its id and built `dist/` folder. */
export interface HostPlugin {
  id: string;
  dir: string;
}

/** Options of startHost. */
export interface HostOptions {
  port?: number;
  plugins: HostPlugin[];
  /** Backend binary per plugin id (data sources with `backend: true`). */
  backends: Record<string, string>;
  datasources: HostDataSource[];
  /** App plugin settings (jsonData) per app id. */
  appSettings?: Record<string, Record<string, unknown>>;
  /** Receives every line the backend logs. */
  logSink?: (line: string) => void;
}

/** The host's users; the session cookie picks one (Grafana would use its login). */
export const users: Record<string, PluginUser & { name: string }> = {
  admin: { login: 'admin', email: 'admin@example.com', name: 'Ada Admin', role: 'Admin' },
  editor: { login: 'editor', email: 'editor@example.com', name: 'Eddie Editor', role: 'Editor' },
  viewer: { login: 'viewer', email: 'viewer@example.com', name: 'Vera Viewer', role: 'Viewer' },
};

/** A running host. */
export interface Host {
  url: string;
  close(): Promise<void>;
  /** The data sources as they are now (after saves). */
  datasources: HostDataSource[];
  plugin(id: string): Promise<PluginClient>;
}

const ROLE_RANK: Record<string, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };

function cookies(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) {
      out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
    }
  }
  return out;
}

function sendJSON(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) {
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

const MIME: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.css': 'text/css',
  '.md': 'text/markdown',
  '.html': 'text/html',
  '.woff2': 'font/woff2',
};

function sendFile(res: ServerResponse, root: string, rel: string): boolean {
  const file = path.resolve(root, rel);
  if (!file.startsWith(path.resolve(root) + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
    return false;
  }
  res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
  return true;
}

const PLACEHOLDER_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" stroke-width="2"/></svg>';
const INTER_WEIGHTS: Record<string, number> = { Light: 300, Regular: 400, Medium: 500, SemiBold: 600, Bold: 700 };

/** Grafana's view of a data source (GET /api/datasources/uid/:uid): no secret values. */
function dsView(ds: HostDataSource, version: number) {
  return {
    id: 1,
    uid: ds.uid,
    orgId: 1,
    name: ds.name,
    type: ds.type,
    typeName: ds.type,
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    isDefault: true,
    jsonData: ds.jsonData,
    secureJsonFields: Object.fromEntries(
      Object.entries(ds.secureJsonData)
        .filter(([, v]) => v !== '')
        .map(([k]) => [k, true])
    ),
    version,
    readOnly: false,
  };
}

const UNIT_MS: Record<string, number> = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5, M: 2592e6, y: 31536e6 };

/** Reads /api/ds/query's from/to as Grafana does: epoch ms, or relative such as `now-6h`. */
export function parseGrafanaTime(v: unknown, now: number): number {
  if (typeof v === 'number') {
    return v;
  }
  const s = String(v ?? '').trim();
  if (/^\d+$/.test(s)) {
    return Number(s);
  }
  const m = /^now(?:([+-])(\d+)([smhdwMy]))?$/.exec(s);
  if (m) {
    return m[1] ? now + (m[1] === '-' ? -1 : 1) * Number(m[2]) * UNIT_MS[m[3]] : now;
  }
  return Date.parse(s);
}

/** Starts the host. */
export async function startHost(opts: HostOptions): Promise<Host> {
  const bundleDir = await buildHostBundle();
  const uiPublic = path.join(path.dirname(require.resolve('@grafana/ui/package.json')), 'dist', 'public');
  const interDir = path.join(path.dirname(require.resolve('@fontsource/inter/package.json')), 'files');
  const systemjsDir = path.join(path.dirname(require.resolve('systemjs/package.json')), 'dist');
  const datasources = opts.datasources.map((d) => ({
    ...d,
    jsonData: { ...d.jsonData },
    secureJsonData: { ...d.secureJsonData },
  }));
  const versions = new Map<string, number>(datasources.map((d) => [d.uid, 1]));
  const updated = new Map<string, number>(datasources.map((d) => [d.uid, Date.now()]));
  const appSettings = new Map<string, Record<string, unknown>>(Object.entries(opts.appSettings ?? {}));
  const metas = new Map<string, any>();
  for (const p of opts.plugins) {
    if (!existsSync(path.join(p.dir, 'plugin.json'))) {
      // Not built: pages of this plugin say "not installed", so tests that need it fail clearly.
      opts.logSink?.(`host: ${p.id} has no ${p.dir}/plugin.json (not built?); not installed`);
      continue;
    }
    const meta = JSON.parse(readFileSync(path.join(p.dir, 'plugin.json'), 'utf8'));
    metas.set(p.id, { ...meta, module: `public/plugins/${p.id}/module.js`, baseUrl: `public/plugins/${p.id}` });
  }
  const clients = new Map<string, Promise<PluginClient>>();
  const plugin = (id: string) => {
    let c = clients.get(id);
    if (!c) {
      const bin = opts.backends[id];
      if (!bin) {
        return Promise.reject(new Error(`plugin ${id} has no backend in this host`));
      }
      c = startPlugin(bin, { logSink: opts.logSink });
      clients.set(id, c);
    }
    return c;
  };
  const settingsOf = (ds: HostDataSource): PluginSettings => ({
    id: 1,
    uid: ds.uid,
    name: ds.name,
    type: ds.type,
    jsonData: ds.jsonData,
    secureJsonData: ds.secureJsonData,
    updated: updated.get(ds.uid),
  });

  const userOf = (req: IncomingMessage) => users[cookies(req).grafana_session ?? 'admin'] ?? users.admin;

  const page = (req: IncomingMessage, url: URL) => {
    const user = userOf(req);
    const theme = url.searchParams.get('theme') ?? cookies(req).grafana_theme ?? 'light';
    const boot = {
      settings: {
        appUrl: `http://${req.headers.host}/`,
        appSubUrl: '',
        buildInfo: { version: '13.1.1', commit: 'e2e-host', env: 'production', edition: 'Open Source' },
        datasources: Object.fromEntries(datasources.map((d) => [d.name, { ...dsView(d, 0), meta: metas.get(d.type) }])),
        defaultDatasource: datasources[0]?.uid ?? '',
        featureToggles: {},
        apps: Object.fromEntries(
          [...metas.values()]
            .filter((m) => m.type === 'app')
            .map((m) => [m.id, { id: m.id, path: m.module, version: m.info?.version, preload: false }])
        ),
      },
      user: {
        id: 1,
        isSignedIn: true,
        login: user.login,
        email: user.email,
        name: user.name,
        orgId: 1,
        orgName: 'Main Org.',
        orgRole: user.role,
        isGrafanaAdmin: false,
        theme,
        timezone: 'browser',
        locale: 'en-US',
        language: 'en-US',
        permissions: {},
      },
      navTree: [],
      assets: { dark: '', light: '' },
    };
    const hostData = {
      datasources: datasources.map((d) => ({ ...dsView(d, versions.get(d.uid)!), meta: metas.get(d.type) })),
      // Grafana's plugin meta carries the plugin's settings (jsonData), which apps read.
      plugins: Object.fromEntries(
        [...metas].map(([id, m]) => [id, { ...m, jsonData: appSettings.get(id) ?? {}, enabled: true }])
      ),
    };
    const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PrivateCloud e2e host</title>
<link rel="stylesheet" href="/public/host/host.css">
<script>window.grafanaBootData = ${json(boot)}; window.__hostData = ${json(hostData)}; window.__grafana_public_path__ = '/public/';</script>
</head><body><div id="reactRoot"></div><script src="/public/host/host.js"></script>
<script src="/public/systemjs/system.js"></script><script src="/public/systemjs/extras/amd.js"></script>
<script>window.__hostStart();</script></body></html>`;
  };

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    const p = url.pathname;
    try {
      let m: RegExpMatchArray | null;
      if ((m = p.match(/^\/login\/(\w+)$/))) {
        if (!users[m[1]]) {
          return sendJSON(res, 404, { message: 'unknown user' });
        }
        res.writeHead(302, {
          'Set-Cookie': `grafana_session=${m[1]}; Path=/; HttpOnly; SameSite=Lax`,
          Location: url.searchParams.get('next') ?? '/',
        });
        return res.end();
      }
      if (
        (p === '/public/host/host.js' || p === '/public/host/host.css') &&
        sendFile(res, bundleDir, path.basename(p))
      ) {
        return;
      }
      if ((m = p.match(/^\/public\/plugins\/([^/]+)\/(.+)$/))) {
        const pl = opts.plugins.find((x) => x.id === m![1]);
        if (pl && m[2] !== 'plugin.json' && !/^gpx_/.test(m[2]) && sendFile(res, pl.dir, m[2])) {
          return;
        }
        if (pl && m[2] === 'plugin.json' && sendFile(res, pl.dir, m[2])) {
          return;
        }
        res.writeHead(404);
        return res.end('not found');
      }
      if ((m = p.match(/^\/public\/build\/(img\/.+)$/)) || (m = p.match(/^\/public\/(img\/.+)$/))) {
        if (sendFile(res, uiPublic, m[1])) {
          return;
        }
        if (/^img\/icons\/.+\.svg$/.test(m[1])) {
          // Grafana ships a few icons (e.g. spinner) outside @grafana/ui's package: draw a neutral ring.
          res.writeHead(200, { 'Content-Type': MIME['.svg'] });
          return res.end(PLACEHOLDER_ICON);
        }
        res.writeHead(404);
        return res.end('not found');
      }
      if ((m = p.match(/^\/public\/fonts\/inter\/Inter-(\w+)\.woff2$/))) {
        // Grafana serves Inter from public/fonts; the host uses the same font from @fontsource/inter.
        const weight = INTER_WEIGHTS[m[1]];
        if (weight && sendFile(res, interDir, `inter-latin-${weight}-normal.woff2`)) {
          return;
        }
      }
      if (/^\/public\/fonts\/.+\.woff2$/.test(p)) {
        // Other Grafana fonts (Roboto Mono for code) are not packaged here: Inter stands in.
        if (sendFile(res, interDir, 'inter-latin-400-normal.woff2')) {
          return;
        }
      }
      if ((m = p.match(/^\/public\/systemjs\/(.+)$/))) {
        if (sendFile(res, systemjsDir, m[1])) {
          return;
        }
      }
      if (p.startsWith('/api/')) {
        return await api(req, res, url);
      }
      if (p.startsWith('/public/')) {
        res.writeHead(404);
        return res.end('not found');
      }
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(page(req, url));
    } catch (e: any) {
      opts.logSink?.(`host error: ${e?.stack ?? e}`);
      if (!res.headersSent) {
        sendJSON(res, 500, { message: 'host error', error: String(e?.message ?? e) });
      } else {
        res.end();
      }
    }
  });

  async function api(req: IncomingMessage, res: ServerResponse, url: URL) {
    const p = url.pathname;
    const user = userOf(req);
    let m: RegExpMatchArray | null;
    if (p === '/api/user' && req.method === 'GET') {
      return sendJSON(res, 200, { id: 1, login: user.login, email: user.email, name: user.name, orgId: 1 });
    }
    if (p === '/api/ds/query' && req.method === 'POST') {
      const body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
      const now = Date.now();
      const from = parseGrafanaTime(body.from, now);
      const to = parseGrafanaTime(body.to, now);
      if (!Number.isFinite(from) || !Number.isFinite(to)) {
        return sendJSON(res, 400, { message: 'invalid time range: from and to must be epoch ms or now-relative' });
      }
      const results: Record<string, any> = {};
      let anyError = false;
      const byUid = new Map<string, any[]>();
      for (const q of body.queries ?? []) {
        const uid = q.datasource?.uid ?? datasources[0]?.uid;
        byUid.set(uid, [...(byUid.get(uid) ?? []), q]);
      }
      for (const [uid, queries] of byUid) {
        const ds = datasources.find((d) => d.uid === uid);
        if (!ds) {
          return sendJSON(res, 404, { message: 'Data source not found' });
        }
        const client = await plugin(ds.type);
        const answer = await client.queryData({
          settings: settingsOf(ds),
          user,
          queries: queries.map((q) => ({
            refId: q.refId,
            queryType: q.queryType ?? '',
            json: q,
            timeRange: { from, to },
            intervalMs: q.intervalMs ?? 60_000,
            maxDataPoints: q.maxDataPoints ?? 1000,
          })),
        });
        for (const [refId, r] of Object.entries(answer)) {
          if (r.error) {
            anyError = true;
          }
          results[refId] = {
            status: r.status ?? (r.error ? 500 : 200),
            frames: r.frames.map((f) => toDataFrameJSON(f, refId)),
            ...(r.error ? { error: r.error, errorSource: r.errorSource ?? '' } : {}),
          };
        }
      }
      // Grafana answers 400 when any query failed (207 with the datasourceQueryMultiStatus toggle).
      return sendJSON(res, anyError ? 400 : 200, { results });
    }
    if (p === '/api/datasources' && req.method === 'GET') {
      // Grafana's data source list (GET /api/datasources): every data source of the org, without
      // secrets; the app's configuration page and vCenter picker read names from it.
      return sendJSON(
        res,
        200,
        datasources.map((d) => {
          const v = dsView(d, versions.get(d.uid)!);
          return { ...v, typeLogoUrl: `public/plugins/${d.type}/img/logo.svg` };
        })
      );
    }
    if ((m = p.match(/^\/api\/datasources\/uid\/([^/]+)(\/.*)?$/))) {
      const ds = datasources.find((d) => d.uid === m![1]);
      if (!ds) {
        return sendJSON(res, 404, { message: 'Data source not found' });
      }
      const rest = m[2] ?? '';
      if (rest === '' && req.method === 'GET') {
        return sendJSON(res, 200, dsView(ds, versions.get(ds.uid)!));
      }
      if (rest === '' && req.method === 'PUT') {
        if (ROLE_RANK[user.role] < ROLE_RANK.Admin) {
          return sendJSON(res, 403, { message: 'You do not have permission to update this data source' });
        }
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        ds.name = body.name ?? ds.name;
        ds.jsonData = body.jsonData ?? {};
        // Secrets: a new value replaces, a field reset in the editor (secureJsonFields[k] false) clears.
        for (const [k, v] of Object.entries<string>(body.secureJsonData ?? {})) {
          ds.secureJsonData[k] = v;
        }
        for (const [k, set] of Object.entries<boolean>(body.secureJsonFields ?? {})) {
          if (!set && !(k in (body.secureJsonData ?? {}))) {
            delete ds.secureJsonData[k];
          }
        }
        versions.set(ds.uid, versions.get(ds.uid)! + 1);
        updated.set(ds.uid, Date.now());
        const view = dsView(ds, versions.get(ds.uid)!);
        return sendJSON(res, 200, {
          datasource: { ...view, meta: metas.get(ds.type) },
          id: 1,
          message: 'Datasource updated',
          name: ds.name,
        });
      }
      if (rest === '/health' && req.method === 'GET') {
        const client = await plugin(ds.type);
        const h = await client.checkHealth({ settings: settingsOf(ds), user });
        return sendJSON(res, h.status === 'OK' ? 200 : 400, {
          status: h.status,
          message: h.message,
          ...(h.details !== undefined ? { details: h.details } : {}),
        });
      }
      if ((m = rest.match(/^\/resources(?:\/(.*))?$/))) {
        const sub = m[1] ?? '';
        const client = await plugin(ds.type);
        const body = await readBody(req);
        // Grafana forwards the request's headers except auth and cookies (clientmiddleware).
        const headers: Record<string, string> = {};
        for (const h of ['content-type', 'accept', 'accept-encoding', 'x-grafana-request-id']) {
          const v = req.headers[h];
          if (typeof v === 'string') {
            headers[h.replace(/(^|-)(\w)/g, (_, d, c) => d + c.toUpperCase())] = v;
          }
        }
        const r = await client.callResource({
          settings: settingsOf(ds),
          user,
          path: sub,
          method: req.method ?? 'GET',
          url: sub + url.search,
          headers,
          body,
        });
        const outHeaders: Record<string, string> = {};
        for (const [k, v] of Object.entries(r.headers)) {
          if (v.length && !/^(content-length|transfer-encoding|connection)$/i.test(k)) {
            outHeaders[k] = v.join(', ');
          }
        }
        res.writeHead(r.status || 500, outHeaders);
        return res.end(r.body);
      }
    }
    if ((m = p.match(/^\/api\/plugins\/([^/]+)\/settings$/))) {
      const meta = metas.get(m[1]);
      if (!meta) {
        return sendJSON(res, 404, { message: 'Plugin not found' });
      }
      if (req.method === 'POST') {
        if (ROLE_RANK[user.role] < ROLE_RANK.Admin) {
          return sendJSON(res, 403, { message: 'Permission denied' });
        }
        const body = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        appSettings.set(m[1], body.jsonData ?? appSettings.get(m[1]) ?? {});
        return sendJSON(res, 200, { message: 'Plugin settings updated' });
      }
      return sendJSON(res, 200, {
        id: meta.id,
        type: meta.type,
        name: meta.name,
        info: meta.info,
        includes: meta.includes ?? [],
        module: meta.module,
        baseUrl: meta.baseUrl,
        enabled: true,
        pinned: true,
        hasUpdate: false,
        defaultNavUrl: meta.type === 'app' ? `/a/${meta.id}` : '',
        jsonData: appSettings.get(m[1]) ?? {},
        secureJsonFields: {},
        latestVersion: '',
        state: '',
        signature: 'unsigned',
      });
    }
    return sendJSON(res, 404, { message: 'Not found' });
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    datasources,
    plugin,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of clients.values()) {
        await (await c.catch(() => undefined))?.close();
      }
    },
  };
}
