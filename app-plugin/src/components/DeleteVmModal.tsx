import React, { useState } from 'react';
import { Alert, Button, Field, Input, Modal } from '@grafana/ui';
import { toApiError, VsphereClient } from '../api/client';
import { errorAdvice } from '../api/errors';
import { selectors } from '../selectors';
import { PowerState } from '../types';
import { PowerActions } from './PowerActions';
import { notifyError, notifySuccess } from './notify';

/**
 * Delete with a type-the-name confirmation. vCenter refuses to delete a running VM, so while the
 * VM is on the modal offers the power-off button instead of the delete button.
 */
export function DeleteVmModal({
  client,
  vm,
  onClose,
  onDeleted,
  onPowerChanged,
}: {
  client: VsphereClient;
  vm: { id: string; name: string; powerState: PowerState };
  onClose: () => void;
  onDeleted: () => void;
  onPowerChanged: () => void;
}) {
  const [typed, setTyped] = useState('');
  const [formError, setFormError] = useState<string | undefined>();
  const [advice, setAdvice] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const off = vm.powerState === 'POWERED_OFF';

  const matches = typed === vm.name;
  // Said next to the field as soon as something that is not the name is typed.
  const mismatch = typed !== '' && !matches ? `Does not match: type ${vm.name} exactly.` : undefined;

  const submit = async () => {
    if (!matches) {
      return;
    }
    setBusy(true);
    try {
      await client.deleteVm(vm.id, typed);
      notifySuccess(`${vm.name} deleted`);
      onDeleted();
    } catch (e) {
      const err = toApiError(e);
      setFormError(err.message);
      setAdvice(errorAdvice(err));
      notifyError(`Could not delete ${vm.name}`, (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal isOpen title={`Delete ${vm.name}?`} onDismiss={onClose}>
      <div data-testid={selectors.deleteVm.modal}>
        {!off ? (
          <>
            <Alert severity="warning" title="The VM is not powered off">
              vCenter deletes only powered-off VMs. Power {vm.name} off first.
            </Alert>
            <div data-testid={selectors.deleteVm.powerOff}>
              <PowerActions client={client} vm={vm} actions={['stop']} onDone={onPowerChanged} />
            </div>
            <Modal.ButtonRow>
              <Button variant="secondary" fill="outline" onClick={onClose}>
                Cancel
              </Button>
            </Modal.ButtonRow>
          </>
        ) : (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
          >
            <p>This removes the VM and its disk files from the datastore. It cannot be undone.</p>
            <Field label={`Type ${vm.name} to confirm`} invalid={!!mismatch} error={mismatch}>
              <Input
                id="delete-vm-confirm"
                autoComplete="off"
                value={typed}
                onChange={(e) => setTyped(e.currentTarget.value)}
                data-testid={selectors.deleteVm.confirm}
              />
            </Field>
            {formError && (
              <Alert severity="error" title="Not deleted">
                <div>{formError}</div>
                {advice && <div>{advice}</div>}
              </Alert>
            )}
            <Modal.ButtonRow>
              <Button variant="secondary" fill="outline" onClick={onClose}>
                Cancel
              </Button>
              <Button
                type="submit"
                variant="destructive"
                disabled={busy || !matches}
                icon={busy ? 'spinner' : 'trash-alt'}
                data-testid={selectors.deleteVm.submit}
              >
                {busy ? 'Deleting…' : 'Delete VM'}
              </Button>
            </Modal.ButtonRow>
          </form>
        )}
      </div>
    </Modal>
  );
}
