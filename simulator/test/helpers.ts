import { startSimulator } from '../src';
import type { SimulatorOptions } from '../src/config';

/** Sim is a running simulator plus small HTTP helpers for both APIs. */
export interface Sim {
  url: string;
  close(): Promise<void>;
  state: Awaited<ReturnType<typeof startSimulator>>['state'];
  vc(path: string, init?: RequestInit): Promise<Response>;
  ops(path: string, init?: RequestInit): Promise<Response>;
  login(): Promise<string>;
  token(): Promise<string>;
}

export const USER = 'administrator@vsphere.local';
export const PASSWORD = 'VMware1!';
export const basic = (u = USER, p = PASSWORD) => 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64');

/** startSim starts a simulator on a free port and logs in lazily to both APIs. */
export async function startSim(opts: Partial<SimulatorOptions> = {}): Promise<Sim> {
  const s = await startSimulator({ port: 0, ...opts });
  let session: string | undefined;
  let token: string | undefined;
  const sim: Sim = {
    ...s,
    async login() {
      const r = await fetch(`${s.url}/api/session`, { method: 'POST', headers: { authorization: basic() } });
      if (r.status !== 201) throw new Error(`login failed: ${r.status}`);
      session = JSON.parse(await r.text()) as string;
      return session;
    },
    async token() {
      const r = await fetch(`${s.url}/suite-api/api/auth/token/acquire`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username: USER, password: PASSWORD }),
      });
      if (r.status !== 200) throw new Error(`acquire failed: ${r.status}`);
      token = ((await r.json()) as { token: string }).token;
      return token;
    },
    async vc(path, init = {}) {
      if (!session) await sim.login();
      const headers = { 'vmware-api-session-id': session!, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) };
      return fetch(`${s.url}/api${path}`, { ...init, headers });
    },
    async ops(path, init = {}) {
      if (!token) await sim.token();
      const headers = { authorization: `vRealizeOpsToken ${token}`, accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) };
      return fetch(`${s.url}/suite-api/api${path}`, { ...init, headers });
    },
  };
  return sim;
}

/** json reads a response body as JSON of the given type. */
export async function json<T = any>(r: Response): Promise<T> {
  // Parse in the test's own realm so `expect.any(Array)` and friends match (fetch lives outside Jest's VM).
  return JSON.parse(await r.text()) as T;
}

/** resourceIdOf finds a vROps resource id through the VMEntityObjectID identifier, like a client would. */
export async function resourceIdOf(sim: Sim, kind: string, moref: string): Promise<string> {
  const r = await sim.ops(`/adapterkinds/VMWARE/resourcekinds/${kind}/resources?identifiers%5BVMEntityObjectID%5D=${moref}`);
  const body = await json(r);
  if (body.resourceList.length !== 1) throw new Error(`no vROps resource for ${moref}`);
  return body.resourceList[0].identifier;
}

/** post is a JSON POST init. */
export const post = (body: unknown): RequestInit => ({ method: 'POST', body: JSON.stringify(body) });
