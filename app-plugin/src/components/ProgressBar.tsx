import React from 'react';
import { css, cx } from '@emotion/css';
import { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

/**
 * A vCenter task's progress as a bar (`role="progressbar"` with its value for screen readers);
 * `state` colours it: running, done or failed. `percent` undefined = not known yet (indeterminate).
 */
export function ProgressBar({
  label,
  percent,
  state = 'running',
}: {
  label: string;
  percent?: number;
  state?: 'running' | 'done' | 'failed';
}) {
  const styles = useStyles2(getStyles);
  const pct = percent === undefined ? undefined : Math.max(0, Math.min(100, Math.round(percent)));
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct}
      data-state={state}
      className={styles.track}
    >
      <div
        // A new element when the percentage becomes known, so the bar grows from 0 instead of shrinking.
        key={pct === undefined ? 'unknown' : 'known'}
        className={cx(styles.bar, state === 'done' && styles.done, state === 'failed' && styles.failed)}
        style={{ width: `${pct ?? 100}%`, opacity: pct === undefined && state === 'running' ? 0.35 : 1 }}
      />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  track: css({
    width: '100%',
    minWidth: 160,
    height: theme.spacing(1),
    borderRadius: theme.shape.radius.pill,
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
    overflow: 'hidden',
  }),
  bar: css({ height: '100%', background: theme.colors.primary.main, transition: 'width 0.3s' }),
  done: css({ background: theme.colors.success.main }),
  failed: css({ background: theme.colors.error.main }),
});
