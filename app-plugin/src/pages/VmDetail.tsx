import React, { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { LinkButton, Stack, useStyles2 } from '@grafana/ui';
import { VsphereClient } from '../api/client';
import { usePermission } from '../components/AppContext';
import { AppPage, Empty, ErrorState, GatedButton, getStyles, Loading, PowerBadge } from '../components/common';
import { DeleteVmModal } from '../components/DeleteVmModal';
import { EditHardwareModal } from '../components/EditHardwareModal';
import { formatBytes, formatMiB, formatTime } from '../components/format';
import { useAsync } from '../components/hooks';
import { PowerActions } from '../components/PowerActions';
import { UsageCharts } from '../components/UsageCharts';
import { hostUrl, prefixRoute, ROUTES } from '../constants';
import { selectors } from '../selectors';
import { VmDetail } from '../types';

const kindText: Record<string, string> = { vmotion: 'vMotion', drs: 'DRS', ha: 'HA restart' };

function InfoTable({ vm }: { vm: VmDetail }) {
  const styles = useStyles2(getStyles);
  const rows: Array<[string, React.ReactNode]> = [
    ['Power state', <PowerBadge key="p" state={vm.powerState} />],
    [
      'Host',
      <Link key="h" className={styles.link} to={hostUrl(vm.host)}>
        {vm.hostName || vm.host}
      </Link>,
    ],
    ['Cluster', vm.clusterName || vm.cluster || '—'],
    ['Folder', vm.folderName || vm.folder || '—'],
    ['CPU', `${vm.cpuCount} vCPU (${vm.coresPerSocket || 1} cores per socket)`],
    ['Memory', formatMiB(vm.memoryMiB)],
    [
      'Disks',
      vm.disks.length
        ? vm.disks.map((d) => (
            <div key={d.key}>
              {d.label}: {formatBytes(d.capacityBytes)} — <code>{d.vmdkFile}</code>
            </div>
          ))
        : 'none',
    ],
    [
      'Guest free space',
      vm.guestFilesystems.length
        ? vm.guestFilesystems.map((f) => (
            <div key={f.mountPoint}>
              {f.mountPoint}: {formatBytes(f.freeBytes)} free of {formatBytes(f.capacityBytes)}
            </div>
          ))
        : 'unknown (VMware Tools not running)',
    ],
    [
      'Network',
      vm.nics.length
        ? vm.nics.map((n) => (
            <div key={n.key}>
              {n.label}: {n.networkName || n.network} — {n.state === 'CONNECTED' ? 'connected' : 'not connected'} ·{' '}
              {n.macAddress}
            </div>
          ))
        : 'no network adapter',
    ],
    ['Guest OS', vm.guestFullName || vm.guestOS],
    ['IP address', vm.ip || vm.nics.flatMap((n) => n.ipAddresses).join(', ') || '—'],
    ['Guest host name', vm.hostName_guest || '—'],
    ['VMware Tools', vm.toolsRunning ? 'running' : 'not running'],
    ['Hardware version', vm.hardwareVersion || '—'],
    [
      'Hot-add',
      `CPU add ${vm.cpuHotAddEnabled ? 'on' : 'off'}, CPU remove ${vm.cpuHotRemoveEnabled ? 'on' : 'off'}, memory add ${vm.memoryHotAddEnabled ? 'on' : 'off'}`,
    ],
  ];
  return (
    <section className={styles.section}>
      <h3>Static information</h3>
      <table className={styles.table} data-testid={selectors.vmDetail.info} aria-label="VM information">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function History({ client, id }: { client: VsphereClient; id: string }) {
  const styles = useStyles2(getStyles);
  const h = useAsync(() => client.history(id), [client, id]);
  return (
    <section className={styles.section} data-testid={selectors.vmDetail.history}>
      <h3>Host changes</h3>
      {h.error ? (
        <ErrorState title="Could not load the host history" error={h.error} onRetry={h.reload} />
      ) : !h.value ? (
        <Loading text="Loading host changes…" />
      ) : h.value.length === 0 ? (
        <p className={styles.muted}>This VM has not moved between hosts (no vMotion, DRS or HA move recorded).</p>
      ) : (
        <table className={styles.table} aria-label="Host changes">
          <thead>
            <tr>
              <th>Time</th>
              <th>Kind</th>
              <th>From</th>
              <th>To</th>
            </tr>
          </thead>
          <tbody>
            {h.value.map((c, i) => (
              <tr key={`${c.time}-${i}`}>
                <td>{formatTime(c.time)}</td>
                <td>{kindText[c.kind] ?? c.kind}</td>
                <td>{c.fromHostName || c.fromHost}</td>
                <td>{c.toHostName || c.toHost}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Detail({ client, id }: { client: VsphereClient; id: string }) {
  const navigate = useNavigate();
  const vm = useAsync(() => client.vm(id), [client, id]);
  const edit = usePermission('edit');
  const del = usePermission('delete');
  const [dialog, setDialog] = useState<'edit' | 'delete' | undefined>();

  if (vm.error) {
    return vm.error.status === 404 || vm.error.code === 'not_found' ? (
      <Empty message={`VM ${id} does not exist on this vCenter`}>
        <LinkButton href={prefixRoute(ROUTES.Vms)}>All VMs</LinkButton>
      </Empty>
    ) : (
      <ErrorState title="Could not load the VM" error={vm.error} onRetry={vm.reload} />
    );
  }
  if (!vm.value) {
    return <Loading text="Loading VM…" />;
  }
  const v = vm.value;
  return (
    <div data-testid={selectors.vmDetail.container}>
      <Stack direction="column" gap={2}>
        <Stack direction="row" gap={1} wrap="wrap" alignItems="center">
          <h2 style={{ margin: 0 }}>{v.name}</h2>
          <PowerBadge state={v.powerState} />
          {vm.loading && <span aria-live="polite">refreshing…</span>}
        </Stack>
        <Stack direction="row" gap={1} wrap="wrap">
          <PowerActions client={client} vm={v} onDone={vm.reload} />
          <GatedButton
            allowed={edit.allowed}
            reason={edit.reason}
            variant="secondary"
            icon="pen"
            onClick={() => setDialog('edit')}
            data-testid={selectors.vmDetail.edit}
            aria-label={`Edit hardware of ${v.name}`}
          >
            Edit hardware
          </GatedButton>
          <GatedButton
            allowed={del.allowed}
            reason={del.reason}
            variant="destructive"
            fill="outline"
            icon="trash-alt"
            onClick={() => setDialog('delete')}
            data-testid={selectors.vmDetail.delete}
            aria-label={`Delete ${v.name}`}
          >
            Delete
          </GatedButton>
        </Stack>
        <InfoTable vm={v} />
        <UsageCharts uid={client.uid} kind="VirtualMachine" id={v.id} />
        <History client={client} id={v.id} />
      </Stack>
      {dialog === 'edit' && (
        <EditHardwareModal
          client={client}
          vmId={v.id}
          vmName={v.name}
          onClose={(changed) => {
            setDialog(undefined);
            if (changed) {
              vm.reload();
            }
          }}
        />
      )}
      {dialog === 'delete' && (
        <DeleteVmModal
          client={client}
          vm={v}
          onClose={() => setDialog(undefined)}
          onPowerChanged={vm.reload}
          onDeleted={() => navigate(prefixRoute(ROUTES.Vms))}
        />
      )}
    </div>
  );
}

/** VM detail at /a/privatecloud-vsphere-app/vms/:id (deep-linkable). */
export default function VmDetailPage() {
  const { id = '' } = useParams();
  return <AppPage>{(client) => <Detail client={client} id={id} />}</AppPage>;
}
