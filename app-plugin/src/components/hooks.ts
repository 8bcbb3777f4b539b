import { DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, toApiError } from '../api/client';

/** State of an asynchronous load. */
export interface AsyncState<T> {
  loading: boolean;
  error?: ApiError;
  value?: T;
  /** Loads again (after a mutation, or from a retry button). */
  reload: () => void;
}

/**
 * Runs `fn` whenever `deps` change and keeps only the newest answer, so a slow old request (e.g. an
 * earlier search term) can never overwrite the result of a newer one. While a new answer is on its
 * way the previous value stays visible (with `loading` set), so tables do not flash empty.
 */
export function useAsync<T>(fn: () => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [state, setState] = useState<{ loading: boolean; error?: ApiError; value?: T }>({ loading: true });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    // The loading flag has to flip in the same commit as the new deps, or a page shows the old
    // answer as if it were current; that is the one cascading render this hook accepts.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setState((s) => ({ loading: true, value: s.value }));
    fn().then(
      (value) => mine === seq.current && setState({ loading: false, value }),
      (err) => mine === seq.current && setState({ loading: false, error: toApiError(err) })
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** A value that follows `value` after it stopped changing for `ms` (search boxes). */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
