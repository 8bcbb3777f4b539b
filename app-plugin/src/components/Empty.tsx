import React, { ReactNode } from 'react';
import { EmptyState } from '@grafana/ui';
import { selectors } from '../selectors';

/** Empty state with a message and an optional call to action. */
export function Empty({ message, children }: { message: string; children?: ReactNode }) {
  return (
    <div data-testid={selectors.states.empty}>
      <EmptyState variant="not-found" message={message}>
        {children}
      </EmptyState>
    </div>
  );
}
