import { checkRegex, validateQuery } from './validate';

describe('checkRegex', () => {
  it.each(['^web-\\d+$', '(?i)db', '.*', 'a|b'])('accepts %s', (re) => {
    expect(checkRegex(re)).toBeUndefined();
  });

  it('explains a regex that does not compile', () => {
    expect(checkRegex('web-(')).toMatch(/^This regular expression does not compile: /);
  });

  it('refuses what RE2 cannot do', () => {
    expect(checkRegex('^(?!tmp)')).toMatch(/Look-ahead/);
    expect(checkRegex('(?<=a)b')).toMatch(/Look-ahead and look-behind/);
    expect(checkRegex('(a)\\1')).toMatch(/Back-references/);
  });

  it('asks for a regex when empty', () => {
    expect(checkRegex('  ')).toBe('Enter a regular expression.');
  });
});

describe('validateQuery', () => {
  it('names each problem by field', () => {
    expect(
      validateQuery({
        refId: 'A',
        queryType: 'metrics',
        resourceKind: 'Datastore',
        selection: { mode: 'ids', ids: [] },
        statKeys: ['cpu|usage_average', '$stat', 'x|y', 'net:4000|usage_average', 'DROP TABLE', '|x'],
        rollUp: 'AVG',
        interval: '5 minutes',
      })
    ).toEqual({
      'selection.ids': 'Pick at least one resource.',
      statKeys: 'Not a stat key: DROP TABLE, |x. Keys look like cpu|usage_average or net:4000|usage_average.',
      interval: 'Use auto or a duration such as 5m, 1h or 1d.',
    });
  });

  it('checks the name regex of inventory filters', () => {
    expect(
      validateQuery({ refId: 'A', queryType: 'inventory', entity: 'vms', filter: { nameRegex: '[' } })
    ).toHaveProperty(['filter.nameRegex']);
  });

  it('needs resources once an alerts query is limited to some', () => {
    expect(
      validateQuery({ refId: 'A', queryType: 'alerts', minLevel: 'INFO', selection: { mode: 'ids', ids: [] } })
    ).toEqual({
      'selection.ids': 'Pick at least one resource.',
    });
    expect(validateQuery({ refId: 'A', queryType: 'alerts', minLevel: 'INFO' })).toEqual({});
  });
});
