import { dateTime, DataQueryRequest, DataQueryResponse } from '@grafana/data';
import { BackendSrv, BackendSrvRequest, setBackendSrv } from '@grafana/runtime';
import { lastValueFrom, of } from 'rxjs';

import { annotationSupport } from './annotations';
import { newDataSource } from './testing/fakes';
import { AnnotationsQuery, VariableQuery, VsphereQuery } from './types/query';
import { VsphereVariableSupport } from './variables';

/** Captures the body of Grafana's /api/ds/query call and answers with an empty frame per query. */
function captureQueries() {
  const posted: Array<{ url: string; data: { queries: Array<Record<string, unknown>> } }> = [];
  setBackendSrv({
    fetch: (req: BackendSrvRequest) => {
      posted.push({ url: req.url, data: req.data });
      return of({ status: 200, ok: true, data: { results: {} } });
    },
  } as unknown as BackendSrv);
  return posted;
}

function request<Q extends VsphereQuery>(targets: Q[]): DataQueryRequest<Q> {
  const now = dateTime();
  return {
    requestId: 'r1',
    interval: '1m',
    intervalMs: 60000,
    range: { from: now, to: now, raw: { from: 'now-1h', to: 'now' } },
    scopedVars: {},
    targets,
    timezone: 'utc',
    app: 'dashboard',
    startTime: 0,
  };
}

describe('variable support', () => {
  it('sends a chained variable query to the backend with the parent variable expanded', async () => {
    const posted = captureQueries();
    const ds = newDataSource({ cluster: ['domain-c8', 'domain-c9'] });
    const q: VariableQuery = {
      refId: 'variable',
      queryType: 'variable',
      entity: 'hosts',
      filter: { cluster: '$cluster' },
    };
    const rsp: DataQueryResponse = await lastValueFrom(
      (ds.variables as VsphereVariableSupport).query(request([q]) as never)
    );
    expect(rsp.errors ?? []).toEqual([]);
    expect(posted[0].url).toMatch(/^\/api\/ds\/query/);
    expect(posted[0].data.queries).toHaveLength(1);
    expect(posted[0].data.queries[0]).toMatchObject({
      refId: 'variable',
      queryType: 'variable',
      entity: 'hosts',
      filter: { cluster: ['domain-c8', 'domain-c9'] },
    });
  });

  it('runs a variable that an old dashboard stored as a bare string', async () => {
    const posted = captureQueries();
    const ds = newDataSource();
    await lastValueFrom(
      (ds.variables as VsphereVariableSupport).query(request(['datastores' as unknown as VariableQuery]) as never)
    );
    expect(posted[0].data.queries[0]).toMatchObject({ queryType: 'variable', entity: 'datastores', filter: {} });
  });
});

describe('annotation support', () => {
  it('moves fields of an annotation saved without `target` into a query', () => {
    const anno = annotationSupport.prepareAnnotation!({
      name: 'Moves',
      enable: true,
      iconColor: 'red',
      annotationKind: 'vmOperations',
      vms: 'vm-1',
    } as never);
    expect(anno.target).toEqual({
      refId: 'Anno',
      queryType: 'annotations',
      annotationKind: 'vmOperations',
      vms: ['vm-1'],
    });
  });

  it('prepares the stored target as an annotations query and skips an empty one', () => {
    const target: AnnotationsQuery = { refId: '', queryType: 'annotations', annotationKind: 'hostChanges' };
    expect(annotationSupport.prepareQuery!({ name: 'a', enable: true, iconColor: 'red', target } as never)).toEqual({
      refId: 'Anno',
      queryType: 'annotations',
      annotationKind: 'hostChanges',
      vms: [],
    });
    expect(annotationSupport.prepareQuery!({ name: 'a', enable: true, iconColor: 'red' } as never)).toBeUndefined();
  });
});
