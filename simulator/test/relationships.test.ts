import { type Sim, json, post, resourceIdOf, startSim } from './helpers';

let sim: Sim;
beforeAll(async () => {
  sim = await startSim();
});
afterAll(() => sim.close());

const ctl = (path: string, method = 'GET', body?: unknown) =>
  fetch(`${sim.url}/__sim${path}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });

/** moref reads the VMEntityObjectID identifier of a `resource` structure. */
const moref = (r: any): string =>
  r.resourceKey.resourceIdentifiers.find((i: any) => i.identifierType.name === 'VMEntityObjectID').value;

const related = async (id: string, type?: string) =>
  json(await sim.ops(`/resources/${id}/relationships${type ? `?relationshipType=${type}` : ''}`));

const sorted = (a: string[]) => [...a].sort();

describe('GET /resources/{id}/relationships', () => {
  it("answers a shared datastore's parents with every host of its cluster, a local one with its host", async () => {
    const inv = sim.state.inventory;
    const shared = [...inv.datastores.values()].find((d) => d.cluster)!;
    const local = [...inv.datastores.values()].find((d) => !d.cluster)!;
    const clusterHosts = [...inv.hosts.values()].filter((h) => h.cluster === shared.cluster).map((h) => h.id);
    expect(clusterHosts.length).toBeGreaterThan(1);

    const sharedId = await resourceIdOf(sim, 'Datastore', shared.id);
    const r = await sim.ops(`/resources/${sharedId}/relationships?relationshipType=PARENT`);
    expect(r.status).toBe(200);
    const body = await json(r);
    expect(body).toEqual({
      pageInfo: { totalCount: clusterHosts.length, page: 0, pageSize: 1000 },
      links: expect.any(Array),
      relationshipType: 'PARENT',
      resourceList: expect.any(Array),
    });
    expect(body.resourceList.map((x: any) => x.resourceKey.resourceKindKey)).toEqual(
      clusterHosts.map(() => 'HostSystem')
    );
    expect(sorted(body.resourceList.map(moref))).toEqual(sorted(clusterHosts));
    // Related resources are full `resource` structures, the same as GET /resources/{id}.
    const first = body.resourceList[0];
    expect(first).toEqual(await json(await sim.ops(`/resources/${first.identifier}`)));

    const localBody = await related(await resourceIdOf(sim, 'Datastore', local.id), 'PARENT');
    expect(localBody.resourceList.map(moref)).toEqual(local.hosts);
  });

  it('relates VMs to their host and datastore, hosts to their cluster, and answers CHILD and ALL as the inverse', async () => {
    const inv = sim.state.inventory;
    const host = [...inv.hosts.values()][1];
    const vm = inv.vmsOnHost(host.id)[0];
    const [vmId, hostId, clusterId] = await Promise.all([
      resourceIdOf(sim, 'VirtualMachine', vm.id),
      resourceIdOf(sim, 'HostSystem', host.id),
      resourceIdOf(sim, 'ClusterComputeResource', host.cluster),
    ]);

    const vmParents = await related(vmId, 'PARENT');
    expect(vmParents.resourceList.map((x: any) => [x.resourceKey.resourceKindKey, moref(x)])).toEqual([
      ['HostSystem', host.id],
      ['Datastore', vm.datastore],
    ]);
    expect((await related(vmId, 'CHILD')).resourceList).toEqual([]);

    expect((await related(hostId, 'PARENT')).resourceList.map(moref)).toEqual([host.cluster]);
    const hostChildren = (await related(hostId, 'CHILD')).resourceList;
    const mounted = [...inv.datastores.values()].filter((d) => d.hosts.includes(host.id)).map((d) => d.id);
    expect(sorted(hostChildren.map(moref))).toEqual(sorted([...inv.vmsOnHost(host.id).map((v) => v.id), ...mounted]));

    const clusterChildren = (await related(clusterId, 'CHILD')).resourceList;
    expect(sorted(clusterChildren.map(moref))).toEqual(
      sorted([...inv.hosts.values()].filter((h) => h.cluster === host.cluster).map((h) => h.id))
    );
    // A cluster's parent is its Datacenter (folders are not vROps resources here).
    const clusterParents = (await related(clusterId, 'PARENT')).resourceList;
    expect(clusterParents.map((r: any) => [r.resourceKey.resourceKindKey, moref(r)])).toEqual([
      ['Datacenter', inv.clusters.get(host.cluster)!.datacenter],
    ]);

    const all = await related(hostId, 'ALL');
    expect(all.relationshipType).toBe('ALL');
    expect(sorted(all.resourceList.map(moref))).toEqual(sorted([host.cluster, ...hostChildren.map(moref)]));
    // Without relationshipType vROps answers every direct relation.
    expect((await related(hostId)).pageInfo.totalCount).toBe(all.pageInfo.totalCount);
  });

  it('follows state changes: a VM moved by DRS has its new host as parent', async () => {
    await ctl('/reset', 'POST');
    await sim.token();
    const { events } = await json(await ctl('/scenarios/drs', 'POST', { moves: 1 }));
    expect(events.length).toBeGreaterThan(0); // one move per cluster
    const vmId = await resourceIdOf(sim, 'VirtualMachine', events[0].vm);
    const parents = (await related(vmId, 'PARENT')).resourceList.map(moref);
    expect(parents).toContain(events[0].toHost);
    expect(parents).not.toContain(events[0].fromHost);
  });

  it('pages, validates relationshipType with the vROps error body, and answers 404 for unknown ids', async () => {
    const host = [...sim.state.inventory.hosts.values()][0];
    const hostId = await resourceIdOf(sim, 'HostSystem', host.id);
    const all = await related(hostId, 'CHILD');
    const p1 = await json(await sim.ops(`/resources/${hostId}/relationships?relationshipType=CHILD&page=1&pageSize=3`));
    expect(p1.pageInfo).toEqual({ totalCount: all.pageInfo.totalCount, page: 1, pageSize: 3 });
    expect(p1.resourceList.map(moref)).toEqual(all.resourceList.slice(3, 6).map(moref));
    expect(p1.links.map((l: any) => l.name)).toEqual(['current', 'first', 'last']);

    for (const bad of ['SIBLING', 'parent']) {
      const r = await sim.ops(`/resources/${hostId}/relationships?relationshipType=${bad}`);
      expect(r.status).toBe(400);
      expect(await json(r)).toEqual({
        message: 'Invalid input',
        httpStatusCode: 400,
        apiErrorCode: 400,
        validationFailures: [expect.objectContaining({ violationPath: 'querystring/relationshipType' })],
      });
    }
    const unknown = await sim.ops(
      '/resources/00000000-0000-0000-0000-000000000000/relationships?relationshipType=PARENT'
    );
    expect(unknown.status).toBe(404);
    expect(await json(unknown)).toEqual({
      message: "Resource with id '00000000-0000-0000-0000-000000000000' does not exist.",
      httpStatusCode: 404,
      apiErrorCode: 404,
    });
  });
});

describe('POST /resources/bulk/relationships', () => {
  it('answers the PARENT relations of every datastore in one call: hosts name the datastores they mount', async () => {
    const inv = sim.state.inventory;
    const datastores = [...inv.datastores.values()];
    const ids = await Promise.all(datastores.map((d) => resourceIdOf(sim, 'Datastore', d.id)));
    await ctl('/calls/reset', 'POST');
    const r = await sim.ops('/resources/bulk/relationships', post({ relationshipType: 'PARENT', resourceIds: ids }));
    expect(r.status).toBe(200);
    const body = await json(r);
    expect(body.relationshipType).toBe('PARENT');
    expect(body.pageInfo).toEqual({ totalCount: inv.hosts.size, page: 0, pageSize: 1000 });
    for (const rel of body.resourcesRelations) {
      expect(rel.resource.resourceKey).toEqual(
        expect.objectContaining({ adapterKindKey: 'VMWARE', resourceKindKey: 'HostSystem' })
      );
      expect(rel.resource.identifier).toMatch(/^[0-9a-f-]{36}$/);
      expect(rel.relatedResources.every((id: string) => ids.includes(id))).toBe(true);
    }
    // Count the host parents per datastore as a client does: shared = every host of the cluster, local = 1.
    const hostCount = new Map<string, number>();
    for (const rel of body.resourcesRelations)
      for (const id of rel.relatedResources) hostCount.set(id, (hostCount.get(id) ?? 0) + 1);
    datastores.forEach((d, i) => {
      const expected = d.cluster ? [...inv.hosts.values()].filter((h) => h.cluster === d.cluster).length : 1;
      expect([d.name, hostCount.get(ids[i])]).toEqual([d.name, expected]);
    });
    const calls = await json(await ctl('/calls'));
    expect(calls.routes).toEqual({ 'POST /suite-api/api/resources/bulk/relationships': 1 });
  });

  it('answers CHILD, DESCENDANT with hierarchyDepth and ANCESTOR, filtered by resourceQuery', async () => {
    const inv = sim.state.inventory;
    const cl = [...inv.clusters.values()][0];
    const clId = await resourceIdOf(sim, 'ClusterComputeResource', cl.id);
    const hostsOf = [...inv.hosts.values()].filter((h) => h.cluster === cl.id).map((h) => h.id);
    const vmsOf = [...inv.vms.values()].filter((v) => v.cluster === cl.id).map((v) => v.id);
    const bulk = async (body: Record<string, unknown>, query = '') =>
      json(await sim.ops(`/resources/bulk/relationships${query}`, post({ resourceIds: [clId], ...body })));

    const children = await bulk({ relationshipType: 'CHILD' });
    expect(sorted(children.resourcesRelations.map((x: any) => moref(x.resource)))).toEqual(sorted(hostsOf));
    expect(children.resourcesRelations.every((x: any) => x.relatedResources[0] === clId)).toBe(true);

    const vms = await bulk(
      { relationshipType: 'DESCENDANT', resourceQuery: { resourceKind: ['VirtualMachine'] } },
      '?pageSize=10000'
    );
    expect(sorted(vms.resourcesRelations.map((x: any) => moref(x.resource)))).toEqual(sorted(vmsOf));
    const shallow = await bulk({
      relationshipType: 'DESCENDANT',
      hierarchyDepth: 1,
      resourceQuery: { resourceKind: ['VirtualMachine'] },
    });
    expect(shallow.resourcesRelations).toEqual([]);

    const vm = inv.vms.get(vmsOf[0])!;
    const vmId = await resourceIdOf(sim, 'VirtualMachine', vm.id);
    const up = await json(
      await sim.ops('/resources/bulk/relationships', post({ relationshipType: 'ANCESTOR', resourceIds: [vmId] }))
    );
    expect(up.resourcesRelations.map((x: any) => x.resource.resourceKey.resourceKindKey)).toContain(
      'VMwareAdapter Instance'
    );
    const vmwareObjects = up.resourcesRelations.filter(
      (x: any) => x.resource.resourceKey.resourceKindKey !== 'VMwareAdapter Instance'
    );
    expect(vmwareObjects.map((x: any) => moref(x.resource))).toEqual(
      expect.arrayContaining([vm.host, vm.datastore, cl.id, cl.datacenter])
    );
  });

  it('pages, skips unknown ids, validates the body with the vROps error body, and needs a token', async () => {
    const inv = sim.state.inventory;
    const ids = await Promise.all([...inv.datastores.values()].map((d) => resourceIdOf(sim, 'Datastore', d.id)));
    const page = await json(
      await sim.ops(
        '/resources/bulk/relationships?page=1&pageSize=2',
        post({ relationshipType: 'PARENT', resourceIds: [...ids, 'not-a-resource'] })
      )
    );
    expect(page.pageInfo).toEqual({ totalCount: inv.hosts.size, page: 1, pageSize: 2 });
    expect(page.resourcesRelations).toHaveLength(2);

    const bad = await sim.ops('/resources/bulk/relationships', post({ relationshipType: 'SIBLING', resourceIds: ids }));
    expect(bad.status).toBe(400);
    expect(await json(bad)).toEqual({
      message: 'Invalid input',
      httpStatusCode: 400,
      apiErrorCode: 400,
      validationFailures: [expect.objectContaining({ violationPath: 'body/relationshipType' })],
    });
    const empty = await sim.ops('/resources/bulk/relationships', post({ relationshipType: 'PARENT', resourceIds: [] }));
    expect(empty.status).toBe(400);
    expect((await json(empty)).httpStatusCode).toBe(400);

    const anonymous = await fetch(`${sim.url}/suite-api/api/resources/bulk/relationships`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ relationshipType: 'PARENT', resourceIds: ids }),
    });
    expect(anonymous.status).toBe(401);
    expect((await json(anonymous)).apiErrorCode).toBe(1512);
    const anonGet = await fetch(`${sim.url}/suite-api/api/resources/${ids[0]}/relationships`);
    expect(anonGet.status).toBe(401);
  });
});
