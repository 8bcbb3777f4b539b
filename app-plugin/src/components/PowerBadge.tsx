import React from 'react';
import { Badge, BadgeColor } from '@grafana/ui';
import { selectors } from '../selectors';
import { PowerState } from '../types';
import { powerStateText } from './format';

/**
 * Badge colours per power state. Powered off is a normal state, not a fault, so it is neutral
 * (Grafana's "darkgrey"), never the error colour.
 */
export const powerColors: Record<PowerState, BadgeColor> = {
  POWERED_ON: 'green',
  POWERED_OFF: 'darkgrey',
  SUSPENDED: 'orange',
};

/** Power state as a coloured badge with text (colour is never the only signal). */
export function PowerBadge({ state }: { state: PowerState }) {
  return (
    <span data-testid={selectors.power.badge} data-state={state}>
      <Badge
        color={powerColors[state] ?? 'blue'}
        text={powerStateText[state] ?? 'Unknown'}
        icon={state === 'POWERED_ON' ? 'play' : state === 'SUSPENDED' ? 'pause' : 'power'}
      />
    </span>
  );
}
