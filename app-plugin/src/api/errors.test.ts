import { ApiError, errorAdvice, isUnsupported, toApiError } from './errors';

describe('toApiError', () => {
  it.each([
    [
      'the resource API message',
      { status: 502, statusText: 'Bad Gateway', data: { error: 'upstream_error', message: 'vROps: HTTP 503' } },
      ['upstream_error', 'vROps: HTTP 503', 502],
    ],
    [
      "a failed query's error in /api/ds/query's 400 answer, not 'Bad Request'",
      {
        status: 400,
        statusText: 'Bad Request',
        message: 'Bad Request',
        data: { results: { A: { status: 502, error: 'vROps stats query failed (HTTP 503): Service Unavailable' } } },
      },
      ['query_error', 'vROps stats query failed (HTTP 503): Service Unavailable', 400],
    ],
    [
      'a bare status: a sentence, never the reason phrase',
      { status: 400, statusText: 'Bad Request', message: 'Bad Request', data: '' },
      ['http_400', 'The request failed with HTTP 400 and no explanation.', 400],
    ],
    ['no answer at all', new TypeError('Failed to fetch'), ['network', 'Failed to fetch', 0]],
    ['nothing', undefined, ['network', 'The request did not reach Grafana.', 0]],
  ])('%s', (_, input, [code, message, status]) => {
    const e = toApiError(input);
    expect([e.code, e.message, e.status]).toEqual([code, message, status]);
  });

  it('keeps an ApiError as it is', () => {
    const e = new ApiError('conflict', 'x', 409);
    expect(toApiError(e)).toBe(e);
  });
});

describe('errorAdvice', () => {
  it.each([
    ['bad_request', 400, '', /Correct the highlighted input/],
    ['forbidden', 403, '', /ask a Grafana admin for a role/],
    ['unauthenticated', 401, '', /sign in again/],
    ['not_found', 404, '', /reload the list/],
    ['conflict', 409, '', /reload it to see its current state/],
    ['outcome_unknown', 504, '', /check before trying again/],
    ['upstream_error', 502, '', /retry in a minute.*Save & test/],
    ['network', 0, '', /check your network connection/],
    ['query_error', 400, 'vROps stats query failed (HTTP 503)', /vCenter or vROps did not answer/],
    ['query_error', 400, 'selection is empty', /^Retry in a minute/],
    ['http_500', 500, '', /^Retry in a minute/],
    ['http_403', 403, '', /ask a Grafana admin/],
    ['http_418', 418, '', /reload the page/],
  ])('%s (%i) %j', (code, status, message, advice) => {
    expect(errorAdvice({ code, status, message })).toMatch(advice);
  });
});

describe('isUnsupported', () => {
  it.each([
    [404, 'no resource GET /vms/vm-1/migrate/options', true],
    [404, 'VM vm-1 not found', false],
    [400, 'no resource GET /x', false],
  ])('%i %j → %s', (status, message, want) => {
    expect(isUnsupported({ status, message })).toBe(want);
  });
});
