// A client for a Grafana backend plugin binary that speaks the plugin protocol the way Grafana's
// server does (hashicorp/go-plugin, gRPC, protocol version 2, the SDK's backend.proto): it starts
// the binary with the magic cookie, reads the handshake line, dials the announced socket and calls
// Data/QueryData, Diagnostics/CheckHealth and Resource/CallResource with a PluginContext carrying
// the org, the signed-in user and the data source's settings with decrypted secrets.
import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { decodeArrowFrame, Frame } from './frames';

/** The data source instance as Grafana holds it; `secureJsonData` is already decrypted. */
export interface PluginSettings {
  id?: number;
  uid: string;
  name: string;
  type?: string;
  url?: string;
  jsonData: Record<string, unknown>;
  secureJsonData?: Record<string, string>;
  /** Last update in epoch ms: the SDK rebuilds its instance when this changes. */
  updated?: number;
}

/** The signed-in user as Grafana passes it to plugins (BackendUserFromSignedInUser). */
export interface PluginUser {
  login: string;
  email: string;
  name?: string;
  role: 'Viewer' | 'Editor' | 'Admin' | 'None';
}

/** Who is asking and with which data source: the parts of Grafana's PluginContext we fill. */
export interface CallContext {
  settings: PluginSettings;
  /** Absent for requests Grafana makes on its own (alert evaluation). */
  user?: PluginUser;
  orgId?: number;
  pluginId?: string;
  /** Extra values for `backend.GrafanaConfigFromContext`, e.g. GF_APP_URL. */
  grafanaConfig?: Record<string, string>;
}

/** One query as `/api/ds/query` hands it to the backend. */
export interface PluginQuery {
  refId: string;
  queryType?: string;
  /** The whole query model as the frontend sent it. */
  json: Record<string, unknown>;
  timeRange: { from: Date | number; to: Date | number };
  intervalMs?: number;
  maxDataPoints?: number;
}

/** One query's answer. */
export interface QueryResult {
  frames: Frame[];
  error?: string;
  status?: number;
  errorSource?: string;
}

/** The health check result as Grafana's `/health` endpoint reports it. */
export interface HealthResult {
  status: 'OK' | 'ERROR' | 'UNKNOWN';
  message: string;
  details?: unknown;
}

/** A resource call as Grafana forwards it from `/api/datasources/uid/<uid>/resources/<path>`. */
export interface ResourceRequest extends CallContext {
  /** Path below `resources/`, without a leading slash and without the query string. */
  path: string;
  method: string;
  /** The path with its query string, as Grafana passes it. */
  url: string;
  headers?: Record<string, string | string[]>;
  body?: Buffer | string;
}

/** The plugin's answer to a resource call. */
export interface ResourceResponse {
  status: number;
  headers: Record<string, string[]>;
  body: Buffer;
}

/** A running plugin process. */
export interface PluginClient {
  queryData(
    req: CallContext & { queries: PluginQuery[]; headers?: Record<string, string> }
  ): Promise<Record<string, QueryResult>>;
  checkHealth(req: CallContext): Promise<HealthResult>;
  callResource(req: ResourceRequest): Promise<ResourceResponse>;
  /** Stops the process. */
  close(): Promise<void>;
  /** Same as close. */
  stop(): Promise<void>;
  /** The process id, for diagnostics. */
  pid: number;
}

const PROTO = path.join(__dirname, 'proto', 'backend.proto');
const DEFAULT_PLUGIN_ID = 'privatecloud-vsphere-datasource';

let loaded: any;
function protoPackage(): any {
  if (!loaded) {
    const def = protoLoader.loadSync(PROTO, {
      keepCase: true,
      longs: Number,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    loaded = (grpc.loadPackageDefinition(def) as any).pluginv2;
  }
  return loaded;
}

function toMs(t: Date | number): number {
  return t instanceof Date ? t.getTime() : t;
}

function pluginContext(c: CallContext) {
  const s = c.settings;
  return {
    orgId: c.orgId ?? 1,
    pluginId: c.pluginId ?? s.type ?? DEFAULT_PLUGIN_ID,
    user: c.user
      ? { login: c.user.login, name: c.user.name ?? c.user.login, email: c.user.email, role: c.user.role }
      : undefined,
    dataSourceInstanceSettings: {
      id: s.id ?? 1,
      uid: s.uid,
      name: s.name,
      url: s.url ?? '',
      jsonData: Buffer.from(JSON.stringify(s.jsonData ?? {})),
      decryptedSecureJsonData: s.secureJsonData ?? {},
      lastUpdatedMS: s.updated ?? 0,
    },
    grafanaConfig: c.grafanaConfig ?? {},
    userAgent: 'Grafana/13.1.1 (privatecloud-e2e-host)',
  };
}

/**
 * Starts the plugin binary as Grafana does and resolves once its gRPC server is reachable.
 * The process's stderr (hclog output) goes to `logSink` when given.
 */
export async function startPlugin(
  binPath: string,
  opts: { logSink?: (line: string) => void; env?: Record<string, string> } = {}
): Promise<PluginClient> {
  const child: ChildProcess = spawn(binPath, [], {
    env: { ...process.env, ...opts.env, grafana_plugin_type: 'datasource', PLUGIN_PROTOCOL_VERSIONS: '2' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderrTail: string[] = [];
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    for (const line of d.split('\n').filter(Boolean)) {
      stderrTail.push(line);
      if (stderrTail.length > 20) {
        stderrTail.shift();
      }
      opts.logSink?.(line);
    }
  });
  const address = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(
      () => reject(new Error(`no go-plugin handshake from ${binPath} within 20s: ${stderrTail.join(' | ')}`)),
      20_000
    );
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${binPath} exited with ${code} before the handshake: ${stderrTail.join(' | ')}`));
    });
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) {
        return;
      }
      // core-protocol | app-protocol | network | address | protocol
      const parts = buf.slice(0, nl).trim().split('|');
      clearTimeout(timer);
      if (parts.length < 5 || parts[0] !== '1' || parts[1] !== '2' || parts[4] !== 'grpc') {
        reject(new Error(`unexpected go-plugin handshake: ${buf.slice(0, nl)}`));
        return;
      }
      resolve(parts[2] === 'unix' ? `unix:${parts[3]}` : parts[3]);
    });
  });
  child.removeAllListeners('exit');

  const pkg = protoPackage();
  const creds = grpc.credentials.createInsecure();
  const data = new pkg.Data(address, creds);
  const diagnostics = new pkg.Diagnostics(address, creds);
  const resource = new pkg.Resource(address, creds);
  const deadline = () => new Date(Date.now() + 60_000);

  const unary = <T>(client: any, method: string, req: unknown): Promise<T> =>
    new Promise((resolve, reject) =>
      client[method](req, { deadline: deadline() }, (err: Error | null, res: T) => (err ? reject(err) : resolve(res)))
    );

  const close = async () => {
    data.close();
    diagnostics.close();
    resource.close();
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      child.kill('SIGTERM');
    });
  };

  return {
    pid: child.pid ?? -1,
    async queryData(req) {
      const res: any = await unary(data, 'QueryData', {
        pluginContext: pluginContext(req),
        headers: req.headers ?? {},
        format: 'ARROW',
        queries: req.queries.map((q) => ({
          refId: q.refId,
          queryType: q.queryType ?? String(q.json.queryType ?? ''),
          json: Buffer.from(JSON.stringify({ ...q.json, refId: q.refId })),
          timeRange: { fromEpochMS: toMs(q.timeRange.from), toEpochMS: toMs(q.timeRange.to) },
          intervalMS: q.intervalMs ?? 60_000,
          maxDataPoints: q.maxDataPoints ?? 1000,
        })),
      });
      const out: Record<string, QueryResult> = {};
      for (const [refId, r] of Object.entries<any>(res.responses ?? {})) {
        out[refId] = {
          frames: (r.frames ?? []).map((b: Buffer) => decodeArrowFrame(b)),
          ...(r.error ? { error: r.error } : {}),
          ...(r.status ? { status: r.status } : {}),
          ...(r.errorSource ? { errorSource: r.errorSource } : {}),
        };
      }
      return out;
    },
    async checkHealth(req) {
      const res: any = await unary(diagnostics, 'CheckHealth', { pluginContext: pluginContext(req), headers: {} });
      let details: unknown;
      if (res.jsonDetails && res.jsonDetails.length) {
        try {
          details = JSON.parse(Buffer.from(res.jsonDetails).toString('utf8'));
        } catch {
          details = undefined;
        }
      }
      return { status: res.status, message: res.message, ...(details !== undefined ? { details } : {}) };
    },
    callResource(req) {
      return new Promise((resolve, reject) => {
        const headers: Record<string, { values: string[] }> = {};
        for (const [k, v] of Object.entries(req.headers ?? {})) {
          headers[k] = { values: Array.isArray(v) ? v : [v] };
        }
        const call = resource.CallResource(
          {
            pluginContext: pluginContext(req),
            path: req.path,
            method: req.method,
            url: req.url,
            headers,
            body: req.body === undefined ? Buffer.alloc(0) : Buffer.from(req.body),
          },
          { deadline: deadline() }
        );
        let status = 0;
        const outHeaders: Record<string, string[]> = {};
        const chunks: Buffer[] = [];
        call.on('data', (m: any) => {
          // The first message carries status and headers; later ones only more body (streamed answers).
          if (m.code) {
            status = m.code;
          }
          for (const [k, v] of Object.entries<any>(m.headers ?? {})) {
            outHeaders[k] = v.values ?? [];
          }
          if (m.body?.length) {
            chunks.push(Buffer.from(m.body));
          }
        });
        call.on('error', reject);
        call.on('end', () => resolve({ status, headers: outHeaders, body: Buffer.concat(chunks) }));
      });
    },
    close,
    stop: close,
  };
}

export { decodeArrowFrame, toDataFrameJSON } from './frames';
export type { Frame, FrameField } from './frames';
