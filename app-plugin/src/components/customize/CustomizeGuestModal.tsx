import React, { useState } from 'react';
import { Alert, Button, Modal, Stack, useStyles2 } from '@grafana/ui';
import { toApiError, VsphereClient } from '../../api/client';
import { errorAdvice, isUnsupported } from '../../api/errors';
import { CustomizationErrors, CustomizationForm, planCustomization } from '../../rules/customize';
import { hostNameFromVmName } from '../../rules/network';
import { selectors } from '../../selectors';
import { CustomizationSpecInfo, VmDetail } from '../../types';
import { ErrorState } from '../ErrorState';
import { useAsync } from '../hooks';
import { Loading } from '../Loading';
import { notifyError, notifySuccess } from '../notify';
import { CustomizationFields } from '../provision/CustomizationFields';
import { getStyles } from '../styles';

/** What the page shows after a customization: the VM as the backend answered it, and the summary. */
export interface Customized {
  vm: VmDetail;
  summary: string;
}

function Form({
  client,
  vm,
  specs,
  family,
  onDone,
}: {
  client: VsphereClient;
  vm: VmDetail;
  specs: CustomizationSpecInfo[];
  family?: string;
  onDone: (done?: Customized) => void;
}) {
  const styles = useStyles2(getStyles);
  const [f, setF] = useState<CustomizationForm>(() => ({
    spec: '',
    hostNamePattern: hostNameFromVmName(vm.name, family),
    ipMode: 'spec',
    ip: { address: '', prefix: '24', gateway: '' },
  }));
  // Field errors show after the first try, then follow the typing.
  const [tried, setTried] = useState(false);
  const [refusal, setRefusal] = useState<{ message: string; advice: string } | undefined>();
  const [busy, setBusy] = useState(false);
  const target = {
    name: vm.name,
    powerState: vm.powerState,
    hostName: vm.hostName_guest,
    ip: vm.ip || vm.nics.flatMap((n) => n.ipAddresses)[0],
  };
  const plan = planCustomization(f, target, family);
  const errors: CustomizationErrors = tried ? plan.errors : {};

  const submit = async () => {
    setTried(true);
    setRefusal(undefined);
    if (!plan.body) {
      return;
    }
    setBusy(true);
    try {
      const updated = await client.customizeVm(vm.id, plan.body);
      notifySuccess(`Guest customization of ${vm.name} set; it applies at the next power-on`);
      onDone({ vm: updated, summary: plan.summary! });
    } catch (e) {
      const err = toApiError(e);
      setRefusal({ message: err.message, advice: errorAdvice(err) });
      notifyError(`Could not customize the guest of ${vm.name}`, err.message);
      setBusy(false);
    }
  };

  return (
    <form
      data-testid={selectors.customize.modal}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <p className={styles.muted}>
        vCenter keeps the settings with the VM; the guest takes them when it next powers on (VMware Tools in the guest
        applies them).
      </p>
      <CustomizationFields
        specs={specs}
        family={family}
        f={f}
        errors={errors}
        onChange={(p) => setF((old) => ({ ...old, ...p }))}
        required
        hostNameHint={`The guest’s new host name (from the VM name: ${hostNameFromVmName(vm.name, family) || '—'})`}
        ids={selectors.customize}
      />
      <p data-testid={selectors.customize.summary} aria-live="polite">
        {plan.summary ?? 'Choose a spec and fill in the fields to see what changes.'}
      </p>
      {refusal && (
        <Alert severity="error" title="Not customized">
          <div>{refusal.message}</div>
          <div>{refusal.advice}</div>
        </Alert>
      )}
      <Modal.ButtonRow>
        <Button variant="secondary" fill="outline" onClick={() => onDone()}>
          Cancel
        </Button>
        <Button type="submit" disabled={busy} icon={busy ? 'spinner' : 'cog'} data-testid={selectors.customize.submit}>
          {busy ? 'Applying…' : 'Customize guest'}
        </Button>
      </Modal.ButtonRow>
    </form>
  );
}

/**
 * "Customize guest" on the VM page: a stored spec for the VM's OS family, its host name (from the
 * VM name by default) and IPv4 settings (the spec's, DHCP or static), a one-line summary, then
 * `PUT vms/{id}/customization` (docs/contracts.md §3 "Guest customization"). The VM must be
 * powered off; the page only opens this dialog then, and the backend refuses otherwise.
 * `onClose(done)` after it was applied.
 */
export function CustomizeGuestModal({
  client,
  vm,
  onClose,
}: {
  client: VsphereClient;
  vm: VmDetail;
  onClose: (done?: Customized) => void;
}) {
  const specs = useAsync(() => client.customizationSpecs(), [client]);
  const guestOs = useAsync(() => client.guestOs(), [client]);
  // Without the guest OS list the family is unknown: every spec is offered and the backend checks.
  const family = guestOs.value?.find((g) => g.id === vm.guestOS)?.family;
  return (
    <Modal title={`Customize guest of ${vm.name}`} isOpen onDismiss={() => onClose()}>
      {specs.error ? (
        isUnsupported(specs.error) ? (
          <Alert severity="info" title="Guest customization is not available on this data source">
            Its backend does not list customization specs yet.
          </Alert>
        ) : (
          <ErrorState title="Could not read the customization specs" error={specs.error} onRetry={specs.reload} />
        )
      ) : !specs.value || guestOs.loading ? (
        <Loading text="Reading the customization specs…" />
      ) : (
        <Stack direction="column">
          <Form client={client} vm={vm} specs={specs.value} family={family} onDone={onClose} />
        </Stack>
      )}
    </Modal>
  );
}
