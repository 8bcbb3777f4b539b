/**
 * The replay window of signed webhooks (Grafana's `X-Grafana-Alerting-Signature-Timestamp`, unix
 * seconds, see docs/contracts.md §5). A request is fresh when its timestamp is at most
 * `skewSeconds` away from the relay's clock in either direction: an old timestamp is a replay or
 * a delayed request, a future one is a clock problem or a request pre-signed to be replayed later.
 */
export type TimestampVerdict = 'fresh' | 'too_old' | 'in_future';

/** timestampVerdict judges a signature timestamp (seconds) against `nowMs`; the bounds are inclusive. */
export function timestampVerdict(nowMs: number, tsSeconds: number, skewSeconds: number): TimestampVerdict {
  const age = nowMs / 1000 - tsSeconds;
  if (age > skewSeconds) {
    return 'too_old';
  }
  if (-age > skewSeconds) {
    return 'in_future';
  }
  return 'fresh';
}

/** replayExpiry is when a seen signature can be forgotten: once its timestamp is no longer fresh. */
export function replayExpiry(tsSeconds: number, skewSeconds: number): number {
  return (tsSeconds + skewSeconds) * 1000;
}
