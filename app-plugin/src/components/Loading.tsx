import React from 'react';
import { LoadingPlaceholder } from '@grafana/ui';
import { selectors } from '../selectors';

/** Loading state with a sentence saying what is loading. */
export function Loading({ text }: { text: string }) {
  return (
    <div data-testid={selectors.states.loading}>
      <LoadingPlaceholder text={text} />
    </div>
  );
}
