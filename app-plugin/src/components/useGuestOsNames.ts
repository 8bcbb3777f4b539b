import { VsphereClient } from '../api/client';
import { useAsync } from './hooks';

const cache = new Map<string, Promise<Record<string, string>>>();

/**
 * Guest OS names by id from the backend's `options/guest-os` (one request per data source and
 * page load). Undefined while loading or when the list cannot be read: callers then spell the id out.
 */
export function useGuestOsNames(client: VsphereClient): Record<string, string> | undefined {
  const names = useAsync(() => {
    let p = cache.get(client.uid);
    if (!p) {
      p = client.guestOs().then((list) => Object.fromEntries(list.map((o) => [o.id, o.name])));
      p.catch(() => cache.delete(client.uid));
      cache.set(client.uid, p);
    }
    return p;
  }, [client]);
  return names.value;
}
