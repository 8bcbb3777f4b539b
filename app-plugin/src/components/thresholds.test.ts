import { USAGE_CRITICAL, USAGE_WARNING, usageLevel } from './thresholds';

describe('usageLevel', () => {
  it('uses the alert rules levels', () => expect([USAGE_WARNING, USAGE_CRITICAL]).toEqual([80, 95]));
  it.each([
    [0, 'ok'],
    [79.9, 'ok'],
    [80, 'warning'],
    [94.9, 'warning'],
    [95, 'critical'],
    [100, 'critical'],
  ])('%s %% → %s', (pct, level) => expect(usageLevel(pct)).toBe(level));
});
