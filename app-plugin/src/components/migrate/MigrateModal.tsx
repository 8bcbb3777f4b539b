import React from 'react';
import { css } from '@emotion/css';
import { Alert, Modal } from '@grafana/ui';
import { VsphereClient } from '../../api/client';
import { isUnsupported } from '../../api/errors';
import { selectors } from '../../selectors';
import { ErrorState } from '../ErrorState';
import { useAsync } from '../hooks';
import { Loading } from '../Loading';
import { MigrateForm } from './MigrateForm';

/**
 * Migrate dialog: hosts with their CPU and memory now and after the move (coloured at the 80 %/95 %
 * alert levels), datastores the chosen host mounts, the expected effect, then the task's progress.
 * `onClose(true)` after a move (the page reads the VM again and shows its new host).
 */
export function MigrateModal({
  client,
  vm,
  pollMs = 1000,
  onClose,
}: {
  client: VsphereClient;
  vm: { id: string; name: string };
  pollMs?: number;
  onClose: (moved: boolean) => void;
}) {
  const options = useAsync(() => client.migrateOptions(vm.id), [client, vm.id]);
  return (
    <Modal title={`Migrate ${vm.name}`} isOpen onDismiss={() => onClose(false)} className={wide}>
      <div data-testid={selectors.migrate.modal}>
        {options.error ? (
          isUnsupported(options.error) ? (
            <div data-testid={selectors.migrate.unavailable}>
              <Alert severity="info" title="Migration is not available on this data source">
                Its backend does not offer the migration choices (compatible hosts and datastores) yet.
              </Alert>
            </div>
          ) : (
            <ErrorState title="Could not read where the VM can go" error={options.error} onRetry={options.reload} />
          )
        ) : !options.value ? (
          <Loading text="Reading hosts and datastores…" />
        ) : (
          <MigrateForm client={client} options={options.value} pollMs={pollMs} onClose={onClose} />
        )}
      </div>
    </Modal>
  );
}

const wide = css({ width: 'min(1040px, 96vw)' });
