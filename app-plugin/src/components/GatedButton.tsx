import React from 'react';
import { Button, ButtonProps, Tooltip } from '@grafana/ui';

/** A button that is disabled with the reason on hover (and for screen readers) when not allowed. */
export function GatedButton({ allowed, reason, ...props }: ButtonProps & { allowed: boolean; reason?: string }) {
  if (allowed) {
    return <Button {...props} />;
  }
  return (
    <Tooltip content={reason ?? 'Not allowed'}>
      {/* A disabled button gets no hover events, so the tooltip sits on a focusable wrapper. */}
      <span tabIndex={0} aria-label={`${props['aria-label'] ?? ''} (disabled: ${reason ?? 'not allowed'})`}>
        <Button {...props} disabled />
      </span>
    </Tooltip>
  );
}
