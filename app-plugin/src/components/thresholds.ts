/**
 * The usage levels the suite's alert rules use (provisioning/alerting/rules.yaml: CPU and memory
 * warning at 80 %, critical at 95 %), shared by the charts' threshold lines and the usage colours.
 */
export const USAGE_WARNING = 80;
export const USAGE_CRITICAL = 95;

/** Level of a usage percentage. */
export function usageLevel(pct: number): 'ok' | 'warning' | 'critical' {
  return pct >= USAGE_CRITICAL ? 'critical' : pct >= USAGE_WARNING ? 'warning' : 'ok';
}
