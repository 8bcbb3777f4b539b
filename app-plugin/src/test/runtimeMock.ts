import { fakeBackend } from './backend';

/** Shared state of the mocked @grafana/runtime boundary: the fake backendSrv and published app events. */
export const runtimeState = {
  backend: fakeBackend({}),
  events: [] as Array<{ type: string; payload: unknown[] }>,
};

/** Installs a fresh fake backend and clears recorded events. */
export function useBackend(routes: Parameters<typeof fakeBackend>[0]) {
  runtimeState.backend = fakeBackend(routes);
  runtimeState.events = [];
  return runtimeState.backend;
}

/**
 * The module that replaces @grafana/runtime in tests: the real one, with only its service
 * boundaries (backendSrv, app events) swapped for fakes.
 */
export function runtimeModule() {
  const actual = jest.requireActual('@grafana/runtime');
  return {
    ...actual,
    getBackendSrv: () => runtimeState.backend.backendSrv,
    getAppEvents: () => ({ publish: (e: { type: string; payload: unknown[] }) => runtimeState.events.push(e) }),
  };
}
