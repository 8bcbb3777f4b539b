import React, { useState } from 'react';
import { ConfirmModal, Spinner } from '@grafana/ui';
import { PowerAnswer, toApiError, VsphereClient } from '../api/client';
import { errorAdvice } from '../api/errors';
import { selectors } from '../selectors';
import { PowerAction, PowerState } from '../types';
import { usePermission } from './AppContext';
import { GatedButton } from './GatedButton';
import { Toolbar } from './Toolbar';
import { notifyError, notifySuccess } from './notify';

interface ActionSpec {
  label: string;
  icon: 'play' | 'power' | 'sync' | 'history' | 'pause';
  /** Power states in which the action makes sense. */
  when: PowerState[];
  /** Sentence of the confirmation; undefined = no confirmation (nothing is interrupted). */
  confirm?: string;
  done: string;
  /** Progress sentence while vCenter runs the operation. */
  doing: string;
  variant: 'primary' | 'secondary' | 'destructive';
}

/** The power operations, their confirmations and the states they apply to. */
export const powerActions: Partial<Record<PowerAction, ActionSpec>> = {
  start: {
    label: 'Power on',
    icon: 'play',
    when: ['POWERED_OFF', 'SUSPENDED'],
    done: 'powered on',
    doing: 'Powering on',
    variant: 'primary',
  },
  shutdown: {
    label: 'Shut down',
    icon: 'power',
    when: ['POWERED_ON'],
    confirm: 'asks the guest OS to shut down. Running applications stop.',
    done: 'is shutting down',
    doing: 'Asking the guest to shut down',
    variant: 'secondary',
  },
  reboot: {
    label: 'Reboot',
    icon: 'sync',
    when: ['POWERED_ON'],
    confirm: 'asks the guest OS to restart. Running applications are interrupted.',
    done: 'is rebooting',
    doing: 'Asking the guest to restart',
    variant: 'secondary',
  },
  stop: {
    label: 'Power off',
    icon: 'power',
    when: ['POWERED_ON', 'SUSPENDED'],
    confirm: 'is switched off at once, like pulling the plug. Unsaved data in the guest is lost.',
    done: 'powered off',
    doing: 'Powering off',
    variant: 'destructive',
  },
  reset: {
    label: 'Reset',
    icon: 'history',
    when: ['POWERED_ON'],
    confirm: 'is hard-reset at once, without shutting the guest down. Unsaved data in the guest is lost.',
    done: 'was reset',
    doing: 'Resetting',
    variant: 'destructive',
  },
};

/** Power buttons of one VM, gated by role, with confirmation for interrupting actions. */
export function PowerActions({
  client,
  vm,
  actions = ['start', 'shutdown', 'reboot', 'stop', 'reset'],
  size = 'md',
  onDone,
}: {
  client: VsphereClient;
  vm: { id: string; name: string; powerState: PowerState };
  actions?: PowerAction[];
  size?: 'sm' | 'md';
  /** Called with the operation's answer (the new state, maybe the fresh VM), or without when it failed. */
  onDone: (answer?: PowerAnswer) => void;
}) {
  const perm = usePermission('power');
  const [pending, setPending] = useState<PowerAction | undefined>();
  const [busy, setBusy] = useState<PowerAction | undefined>();

  const run = async (action: PowerAction) => {
    setPending(undefined);
    setBusy(action);
    let answer: PowerAnswer | undefined;
    try {
      answer = await client.power(vm.id, action);
      notifySuccess(`${vm.name} ${powerActions[action]?.done ?? 'updated'}`);
    } catch (e) {
      const err = toApiError(e);
      notifyError(
        `${powerActions[action]?.label ?? action} failed for ${vm.name}`,
        `${err.message} ${errorAdvice(err)}`
      );
    } finally {
      setBusy(undefined);
      // The answer carries the new state: the page shows it without reading the VM again. After
      // a failure the state is uncertain, so the page reads it.
      onDone(answer && answer.powerState ? answer : undefined);
    }
  };

  const visible = actions.filter((a) => powerActions[a]?.when.includes(vm.powerState));
  const spec = pending ? powerActions[pending] : undefined;
  return (
    <>
      <Toolbar>
        {visible.map((a) => {
          const s = powerActions[a]!;
          return (
            <GatedButton
              key={a}
              allowed={perm.allowed && !busy}
              reason={busy ? 'Another power operation is running' : perm.reason}
              size={size}
              variant={s.variant}
              icon={busy === a ? 'spinner' : s.icon}
              fill={size === 'sm' ? 'text' : 'solid'}
              aria-label={`${s.label} ${vm.name}`}
              data-testid={selectors.power.action(a)}
              onClick={() => (s.confirm ? setPending(a) : run(a))}
            >
              {busy === a ? `${s.label}…` : s.label}
            </GatedButton>
          );
        })}
        {busy && (
          <span role="status" aria-live="polite" data-testid={selectors.power.progress}>
            <Spinner inline /> {powerActions[busy]?.doing ?? 'Working'} {vm.name}…
          </span>
        )}
      </Toolbar>
      {pending && spec && (
        <ConfirmModal
          isOpen
          title={`${spec.label} ${vm.name}?`}
          body={`${vm.name} ${spec.confirm}`}
          confirmText={spec.label}
          confirmVariant={spec.variant === 'destructive' ? 'destructive' : 'primary'}
          onConfirm={() => run(pending)}
          onDismiss={() => setPending(undefined)}
        />
      )}
    </>
  );
}
