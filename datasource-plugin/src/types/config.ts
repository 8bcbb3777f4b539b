import { DataSourceJsonData } from '@grafana/data';

/** VmAction is a VM mutation whose minimum Grafana role is configurable. */
export type VmAction = 'create' | 'edit' | 'power' | 'delete';

/** MinimumRole is the lowest org role allowed to run a VM action; never below Viewer. */
export type MinimumRole = 'Viewer' | 'Editor' | 'Admin';

/** RoleSettings holds the minimum role per VM action (settings `jsonData.roles`). */
export type RoleSettings = Record<VmAction, MinimumRole>;

/** DEFAULT_ROLES are the defaults pinned in docs/contracts.md §3. */
export const DEFAULT_ROLES: RoleSettings = { create: 'Admin', edit: 'Editor', power: 'Editor', delete: 'Admin' };

/** DEFAULT_TIMEOUT_SECONDS is the upstream request timeout the backend uses when none is set. */
export const DEFAULT_TIMEOUT_SECONDS = 30;

/** DEFAULT_CACHE_TTL_SECONDS is how long the backend keeps inventory when none is set. */
export const DEFAULT_CACHE_TTL_SECONDS = 60;

/**
 * VsphereOptions is the plain (non-secret) part of the data source settings, stored as
 * `jsonData` (docs/contracts.md §4). Passwords, tokens and the CA certificate live in
 * VsphereSecureData and never come back to the browser.
 */
export interface VsphereOptions extends DataSourceJsonData {
  vcenterUrl?: string;
  vcenterUser?: string;
  vropsUrl?: string;
  vropsUser?: string;
  /** vROps authentication source, e.g. 'local' or an LDAP/vIDM source name. */
  vropsAuthSource?: string;
  tlsSkipVerify?: boolean;
  timeoutSeconds?: number;
  cacheTtlSeconds?: number;
  relayUrl?: string;
  roles?: Partial<RoleSettings>;
}

/** VsphereSecureData is written once from the browser and only read by the backend. */
export interface VsphereSecureData {
  vcenterPassword?: string;
  vropsPassword?: string;
  /** PEM CA bundle that signs the vCenter / vROps / relay certificates. */
  tlsCaCert?: string;
  relayToken?: string;
}

/** SecureKey names a key of VsphereSecureData. */
export type SecureKey = keyof VsphereSecureData;
