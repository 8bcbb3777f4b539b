import React, { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError, DataSourceRef, listDataSources, VsphereClient } from '../api/client';
import { DATASOURCE_TYPE, DS_STORAGE_KEY } from '../constants';
import { Me, Permissions } from '../types';
import { useAsync } from './hooks';

/** What every page needs: the managed vCenters, the chosen one, its client and the user's rights. */
export interface AppContextValue {
  /** Data sources the app manages (from the app's configuration), with names where known. */
  datasources: DataSourceRef[];
  /** The chosen data source uid, undefined when none is configured. */
  uid?: string;
  /** Chooses a data source (remembered in localStorage and the URL). */
  setUid: (uid: string) => void;
  /** Client of the chosen data source. */
  client?: VsphereClient;
  /** The user as the backend sees them; undefined while loading or when it failed. */
  me?: Me;
  meError?: ApiError;
  meLoading: boolean;
}

const Ctx = createContext<AppContextValue | undefined>(undefined);

/** Reads the app context; pages are always rendered inside AppContextProvider. */
export function useAppContext(): AppContextValue {
  const v = useContext(Ctx);
  if (!v) {
    throw new Error('useAppContext outside AppContextProvider');
  }
  return v;
}

function readStored(): string | undefined {
  try {
    return window.localStorage.getItem(DS_STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Provides the app context for the data source uids named in the app's configuration. */
export function AppContextProvider({ uids, children }: { uids: string[]; children: ReactNode }) {
  const [params, setParams] = useSearchParams();
  const fromUrl = params.get('ds') ?? undefined;
  const [chosen, setChosen] = useState<string | undefined>(() => fromUrl ?? readStored());
  const uidsKey = uids.join(',');

  // Names for the picker; the uid is shown when the list cannot be read.
  const names = useAsync(() => (uids.length > 1 ? listDataSources(DATASOURCE_TYPE) : Promise.resolve([])), [uidsKey]);
  const datasources = useMemo(
    () => uids.map((uid) => names.value?.find((d) => d.uid === uid) ?? { uid, name: uid, type: DATASOURCE_TYPE }),
    [uids, names.value]
  );

  const candidate = fromUrl && uids.includes(fromUrl) ? fromUrl : chosen;
  const uid = candidate && uids.includes(candidate) ? candidate : uids[0];

  const setUid = useCallback(
    (next: string) => {
      setChosen(next);
      try {
        window.localStorage.setItem(DS_STORAGE_KEY, next);
      } catch {
        // Storage may be disabled; the URL still carries the choice.
      }
      const p = new URLSearchParams(params);
      p.set('ds', next);
      setParams(p, { replace: true });
    },
    [params, setParams]
  );

  const client = useMemo(() => (uid ? new VsphereClient(uid) : undefined), [uid]);
  const me = useAsync(() => (client ? client.me() : Promise.resolve(undefined)), [client]);

  useEffect(() => {
    if (uid && fromUrl && fromUrl !== uid) {
      // A uid in the URL that the app does not manage is ignored rather than used.
      const p = new URLSearchParams(params);
      p.delete('ds');
      setParams(p, { replace: true });
    }
  }, [uid, fromUrl, params, setParams]);

  const value: AppContextValue = {
    datasources,
    uid,
    setUid,
    client,
    me: me.value,
    meError: me.error,
    meLoading: me.loading,
  };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

/** Minimum role per action in the backend's defaults (docs/contracts.md §3), for the reason text. */
const defaultRole: Record<keyof Permissions, string> = {
  create: 'Admin',
  edit: 'Editor',
  power: 'Editor',
  delete: 'Admin',
  clone: 'Admin',
  migrate: 'Editor',
  manageSubscriptions: 'Admin',
};

const actionWords: Record<keyof Permissions, string> = {
  create: 'create VMs',
  edit: 'change VM hardware',
  power: 'change VM power state',
  delete: 'delete VMs',
  clone: 'clone VMs or deploy templates',
  migrate: 'move VMs to other hosts or datastores',
  manageSubscriptions: "manage other users' alert e-mails",
};

/** Whether the user may do `action`, and the reason shown on hover when not. */
export interface Permission {
  allowed: boolean;
  reason?: string;
}

/**
 * Decides from `GET me` (the backend's answer is the one that counts; it refuses anyway) and uses
 * Grafana's org role only to explain a refusal.
 */
export function usePermission(action: keyof Permissions): Permission {
  const { me, meError, meLoading } = useAppContext();
  if (me) {
    if (me.permissions?.[action]) {
      return { allowed: true };
    }
    // `GET me` always carries the role Grafana sent with the request (docs/contracts.md §3); the
    // app does not read Grafana's boot config, whose type changes between releases.
    const role = me.role || 'your role';
    return {
      allowed: false,
      reason: `Your role (${role}) may not ${actionWords[action]} on this vCenter (default minimum role: ${defaultRole[action]}).`,
    };
  }
  if (meLoading) {
    return { allowed: false, reason: 'Checking your permissions…' };
  }
  return {
    allowed: false,
    reason: `Could not check your permissions: ${meError?.message ?? 'no data source selected'}`,
  };
}
