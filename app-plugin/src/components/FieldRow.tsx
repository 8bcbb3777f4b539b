import React, { ReactNode } from 'react';
import { Stack } from '@grafana/ui';

/**
 * Several controls inside one `Field` (e.g. an amount and its unit). `Field` passes `invalid`,
 * `disabled` and `loading` to its child; this row takes them instead of a DOM element.
 */
export function FieldRow({
  children,
}: {
  children: ReactNode;
  invalid?: boolean;
  disabled?: boolean;
  loading?: boolean;
}) {
  return (
    <Stack direction="row" gap={1} alignItems="center">
      {children}
    </Stack>
  );
}
