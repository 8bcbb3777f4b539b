import React from 'react';
import { css, cx } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { formatPercent } from './format';
import { usageLevel } from './thresholds';

/**
 * A usage percentage coloured by the alert rules' levels (80 % warning, 95 % critical); the level
 * is also in the title, so colour is never the only signal. "—" when unknown.
 */
export function UsagePercent({ pct, label }: { pct?: number; label: string }) {
  const styles = useStyles2(getStyles);
  if (pct === undefined || pct === null || !isFinite(pct)) {
    return <span title={`${label}: unknown`}>—</span>;
  }
  const level = usageLevel(pct);
  return (
    <span
      className={cx(styles.value, level === 'critical' && styles.critical, level === 'warning' && styles.warning)}
      title={`${label}: ${formatPercent(pct)}${level === 'ok' ? '' : ` (${level})`}`}
      data-level={level}
    >
      {formatPercent(pct)}
    </span>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  value: css({ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }),
  warning: css({ color: theme.colors.warning.text, fontWeight: theme.typography.fontWeightMedium }),
  critical: css({ color: theme.colors.error.text, fontWeight: theme.typography.fontWeightMedium }),
});
