import React, { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, LinkButton, Stack, useStyles2 } from '@grafana/ui';
import { VsphereClient } from '../api/client';
import { usePermission } from '../components/AppContext';
import { AppPage } from '../components/AppPage';
import { Empty } from '../components/Empty';
import { ErrorState } from '../components/ErrorState';
import { GatedButton } from '../components/GatedButton';
import { getStyles } from '../components/styles';
import { Loading } from '../components/Loading';
import { PowerBadge } from '../components/PowerBadge';
import { DeleteVmModal } from '../components/DeleteVmModal';
import { EditHardwareModal } from '../components/EditHardwareModal';
import { CustomizeGuestModal } from '../components/customize/CustomizeGuestModal';
import { MigrateModal } from '../components/migrate/MigrateModal';
import { formatBytes, formatMiB, formatTime } from '../components/format';
import { useAsync } from '../components/hooks';
import { PowerActions } from '../components/PowerActions';
import { UsageCharts } from '../components/UsageCharts';
import { DataTable } from '../components/DataTable';
import { cpuText, enumText, guestOsText } from '../components/labels';
import { useGuestOsNames } from '../components/useGuestOsNames';
import { customizeBlocked } from '../rules/customize';
import { hostUrl, prefixRoute, ROUTES } from '../constants';
import { selectors } from '../selectors';
import { VmDetail } from '../types';

const kindText: Record<string, string> = { vmotion: 'vMotion', drs: 'DRS', ha: 'HA restart' };

function InfoTable({ vm, osNames }: { vm: VmDetail; osNames?: Record<string, string> }) {
  const styles = useStyles2(getStyles);
  const rows: Array<[string, React.ReactNode]> = [
    ['Power state', <PowerBadge key="p" state={vm.powerState} />],
    [
      'Host',
      <Link key="h" className={styles.link} to={hostUrl(vm.host)}>
        {vm.hostName || 'Host'}
      </Link>,
    ],
    ['Cluster', vm.clusterName || '—'],
    ['Folder', vm.folderName || '—'],
    ['CPU', cpuText(vm.cpuCount, vm.coresPerSocket)],
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
              {n.label}: {n.networkName || 'unnamed network'} —{' '}
              {n.state === 'CONNECTED' ? 'connected' : 'not connected'} · {n.macAddress}
            </div>
          ))
        : 'no network adapter',
    ],
    ['Guest OS', vm.guestFullName || vm.guestOSName || guestOsText(vm.guestOS, osNames)],
    ['IP address', vm.ip || vm.nics.flatMap((n) => n.ipAddresses).join(', ') || '—'],
    ['Guest host name', vm.hostName_guest || '—'],
    ['VMware Tools', vm.toolsRunning ? 'running' : 'not running'],
    ['Hardware version', vm.hardwareVersion ? vm.hardwareVersion.replace(/^vmx[-_]/i, 'Version ') : '—'],
    [
      'Hot-add',
      `CPU add ${vm.cpuHotAddEnabled ? 'on' : 'off'}, CPU remove ${vm.cpuHotRemoveEnabled ? 'on' : 'off'}, memory add ${vm.memoryHotAddEnabled ? 'on' : 'off'}`,
    ],
  ];
  return (
    <section className={styles.section}>
      <h3>Static information</h3>
      <DataTable
        label="VM information"
        testId={selectors.vmDetail.info}
        hideHeader
        rows={rows}
        rowKey={([k]) => k}
        columns={[
          { id: 'k', header: 'Property', rowHeader: true, cell: ([k]) => k },
          { id: 'v', header: 'Value', cell: ([, v]) => v },
        ]}
      />
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
        <DataTable
          label="Host changes"
          rows={h.value}
          rowKey={(c) => `${c.time}-${c.toHost}`}
          columns={[
            { id: 'time', header: 'Time', cell: (c) => formatTime(c.time) },
            { id: 'kind', header: 'Kind', cell: (c) => kindText[c.kind] ?? enumText(c.kind) },
            { id: 'from', header: 'From', cell: (c) => c.fromHostName || '—' },
            { id: 'to', header: 'To', cell: (c) => c.toHostName || '—' },
          ]}
        />
      )}
    </section>
  );
}

function Detail({ client, id, pollMs }: { client: VsphereClient; id: string; pollMs?: number }) {
  const styles = useStyles2(getStyles);
  const navigate = useNavigate();
  const vm = useAsync(() => client.vm(id), [client, id]);
  const osNames = useGuestOsNames(client);
  // What the last power operation or hardware change answered, shown at once over the loaded VM.
  const [historyKey, setHistoryKey] = useState(0);
  const [fresh, setFresh] = useState<{ base?: VmDetail; patch: Partial<VmDetail> }>({ patch: {} });
  const edit = usePermission('edit');
  const del = usePermission('delete');
  const migrate = usePermission('migrate');
  const clone = usePermission('clone');
  const [dialog, setDialog] = useState<'edit' | 'delete' | 'migrate' | 'customize' | undefined>();
  // The last guest customization set on this VM, in words, until the user closes the notice.
  const [customized, setCustomized] = useState<string | undefined>();

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
  // A patch applies only to the answer it was made on; a reload (retry, other VM) drops it.
  const v: VmDetail = fresh.base === vm.value ? { ...vm.value, ...fresh.patch } : vm.value;
  const applyFresh = (patch: Partial<VmDetail>) => setFresh({ base: vm.value, patch: { ...fresh.patch, ...patch } });
  return (
    <div data-testid={selectors.vmDetail.container}>
      <Stack direction="column" gap={2}>
        <Stack direction="row" gap={1} wrap="wrap" alignItems="center">
          <h2 style={{ margin: 0 }}>{v.name}</h2>
          <span className={styles.secondary}>{v.id}</span>
          <PowerBadge state={v.powerState} />
          {vm.loading && <span aria-live="polite">refreshing…</span>}
        </Stack>
        <Stack direction="row" gap={1} wrap="wrap">
          <PowerActions client={client} vm={v} onDone={(answer) => (answer ? applyFresh(answer) : vm.reload())} />
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
            allowed={clone.allowed}
            reason={clone.reason}
            variant="secondary"
            icon="copy"
            onClick={() => navigate(`${prefixRoute(ROUTES.CreateVm)}?how=clone&source=${encodeURIComponent(v.id)}`)}
            data-testid={selectors.vmDetail.clone}
            aria-label={`Clone ${v.name}`}
          >
            Clone
          </GatedButton>
          <GatedButton
            // vCenter customizes powered-off VMs only (docs/contracts.md §3 "Guest customization").
            allowed={clone.allowed && !customizeBlocked(v.powerState)}
            reason={clone.allowed ? customizeBlocked(v.powerState) : clone.reason}
            variant="secondary"
            icon="cog"
            onClick={() => setDialog('customize')}
            data-testid={selectors.customize.open}
            aria-label={`Customize guest of ${v.name}`}
          >
            Customize guest
          </GatedButton>
          <GatedButton
            allowed={migrate.allowed}
            reason={migrate.reason}
            variant="secondary"
            icon="exchange-alt"
            onClick={() => setDialog('migrate')}
            data-testid={selectors.migrate.open}
            aria-label={`Migrate ${v.name}`}
          >
            Migrate
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
        {customized && (
          <div data-testid={selectors.customize.done}>
            <Alert severity="success" title="Guest customization set" onRemove={() => setCustomized(undefined)}>
              {customized}
            </Alert>
          </div>
        )}
        <InfoTable vm={v} osNames={osNames} />
        <UsageCharts uid={client.uid} kind="VirtualMachine" id={v.id} />
        <History key={historyKey} client={client} id={v.id} />
      </Stack>
      {dialog === 'edit' && (
        <EditHardwareModal
          client={client}
          vmId={v.id}
          vmName={v.name}
          onClose={(updated) => {
            setDialog(undefined);
            if (updated) {
              applyFresh(updated);
            }
          }}
        />
      )}
      {dialog === 'customize' && (
        <CustomizeGuestModal
          client={client}
          vm={v}
          onClose={(done) => {
            setDialog(undefined);
            if (done) {
              applyFresh(done.vm);
              setCustomized(done.summary);
            }
          }}
        />
      )}
      {dialog === 'migrate' && (
        <MigrateModal
          client={client}
          vm={v}
          pollMs={pollMs}
          onClose={(moved) => {
            setDialog(undefined);
            if (moved) {
              // The VM runs elsewhere now: read it again so the page shows its new host.
              vm.reload();
              setHistoryKey((k) => k + 1);
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
export default function VmDetailPage({ pollMs }: { pollMs?: number }) {
  const { id = '' } = useParams();
  return <AppPage>{(client) => <Detail client={client} id={id} pollMs={pollMs} />}</AppPage>;
}
