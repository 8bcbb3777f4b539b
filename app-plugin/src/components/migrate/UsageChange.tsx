import React from 'react';
import { Stack } from '@grafana/ui';
import { UsagePercent } from '../UsagePercent';

/** A usage figure now and after the move, each coloured at the alert levels. */
export function UsageChange({ now, after, what, host }: { now?: number; after?: number; what: string; host: string }) {
  return (
    <Stack direction="row" gap={0.5} alignItems="center" justifyContent="flex-end">
      <UsagePercent pct={now} label={`${what} of ${host} now`} />
      <span aria-label="after the move">→</span>
      <UsagePercent pct={after} label={`${what} of ${host} after the move`} />
    </Stack>
  );
}
