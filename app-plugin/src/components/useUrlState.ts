import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * Page state (search, filters, page, sort) kept in the URL's query string, so a reload or a shared
 * link shows the same view. Values equal to their default are left out of the URL; other
 * parameters (e.g. `ds`, the chosen vCenter) are kept.
 */
export function useUrlState<T extends Record<string, string>>(defaults: T): [T, (patch: Partial<T>) => void] {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  const state = useMemo(() => {
    const out = { ...defaults };
    for (const k of Object.keys(defaults) as Array<keyof T & string>) {
      const v = params.get(k);
      if (v !== null) {
        out[k] = v as T[typeof k];
      }
    }
    return out;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const set = useCallback(
    (patch: Partial<T>) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch)) {
            if (v === undefined || v === defaults[k]) {
              next.delete(k);
            } else {
              next.set(k, String(v));
            }
          }
          return next;
        },
        { replace: true }
      );
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [setParams]
  );
  return [state, set];
}
