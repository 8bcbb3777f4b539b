import React from 'react';
import { DataTable } from '../DataTable';
import { PlannedVm, ProvisionForm } from '../../rules/provision';
import { selectors } from '../../selectors';
import { PlacementOptions } from '../../types';

/** Where the VMs go, in words. */
function placementText(f: ProvisionForm, placement: PlacementOptions, fromWhat: string, fixedHost?: string): string {
  const [kind, id] = f.compute.split(/:(.*)/s);
  const folder = placement.folders.find((x) => x.id === f.folder)?.name;
  const compute =
    fixedHost ??
    (kind === 'cluster'
      ? `cluster ${placement.clusters.find((c) => c.id === id)?.name ?? 'chosen'}`
      : kind === 'host'
        ? `host ${placement.hosts.find((h) => h.id === id)?.name ?? 'chosen'}`
        : `the ${fromWhat}'s cluster`);
  const ds = placement.datastores.find((d) => d.id === f.datastore)?.name;
  return `in ${folder ? `folder ${folder}` : `the ${fromWhat}'s folder`}, on ${compute}, on ${ds ? `datastore ${ds}` : `the ${fromWhat}'s datastore`}`;
}

/** What one submission will create, where, and how each guest is customized. */
export function ProvisionSummary({
  plan,
  f,
  placement,
  source,
  fromWhat,
  extra,
  fixedHost,
}: {
  plan: PlannedVm[];
  f: ProvisionForm;
  placement: PlacementOptions;
  /** "a clone of web-42", "from the template ubuntu-22.04". */
  source: string;
  /** "source" or "template", for parts left to it. */
  fromWhat: string;
  /** Further lines (OVF EULAs and networks, instant clone). */
  extra?: string[];
  fixedHost?: string;
}) {
  const customized = plan.some((p) => p.customization);
  return (
    <section data-testid={selectors.newVm.summary}>
      <h3>Summary</h3>
      <ul>
        <li>
          {plan.length === 1 ? '1 VM' : `${plan.length} VMs`}, {source},{' '}
          {placementText(f, placement, fromWhat, fixedHost)}.
        </li>
        <li>{f.powerOn || fixedHost ? 'Powered on when ready.' : 'Left powered off.'}</li>
        <li>
          {customized
            ? `Guest customization with the spec ${f.spec}${f.ipMode === 'spec' ? ' (its own IPv4 settings)' : ''}.`
            : 'No guest customization.'}
        </li>
        {extra?.map((l) => (
          <li key={l}>{l}</li>
        ))}
      </ul>
      <DataTable
        label="VMs to create"
        rows={plan}
        rowKey={(p) => p.name}
        columns={[
          { id: 'name', header: 'VM name', cell: (p) => p.name },
          ...(customized
            ? [
                { id: 'host', header: 'Host name', cell: (p: PlannedVm) => p.hostName ?? '—' },
                { id: 'ip', header: 'IPv4', cell: (p: PlannedVm) => p.ipText ?? `as the spec ${f.spec} says` },
              ]
            : []),
        ]}
      />
    </section>
  );
}
