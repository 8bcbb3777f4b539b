import React, { ReactNode } from 'react';
import { Stack } from '@grafana/ui';

/** Horizontal bar of buttons. */
export function Toolbar({ children }: { children: ReactNode }) {
  return (
    <Stack direction="row" gap={1} wrap="wrap" alignItems="center">
      {children}
    </Stack>
  );
}
