import type { PowerState } from '../inventory/model';
import { type VapiErrorType, type VapiMessage, VapiError, vapiError } from '../routes/vcenter/errors';

/** PowerAction is a `POST /api/vcenter/vm/{vm}/power?action=` value. */
export type PowerAction = 'start' | 'stop' | 'suspend' | 'reset';
/** GuestPowerAction is a `POST /api/vcenter/vm/{vm}/guest/power?action=` value (needs VMware Tools). */
export type GuestPowerAction = 'shutdown' | 'reboot' | 'standby';
/** AnyPowerAction names both kinds; guest actions carry a `guest.` prefix. */
export type AnyPowerAction = PowerAction | `guest.${GuestPowerAction}`;

export const POWER_ACTIONS: readonly PowerAction[] = ['start', 'stop', 'suspend', 'reset'];
export const GUEST_POWER_ACTIONS: readonly GuestPowerAction[] = ['shutdown', 'reboot', 'standby'];

/** POWER_LABEL is how vCenter names a power state inside vmsg.InvalidPowerState messages. */
export const POWER_LABEL: Record<PowerState, string> = {
  POWERED_ON: 'Powered on',
  POWERED_OFF: 'Powered off',
  SUSPENDED: 'Suspended',
};

/** invalidState is the cause message vCenter stacks under power-state refusals. */
export function invalidState(state: PowerState): VapiMessage {
  return {
    id: 'vmsg.InvalidPowerState.summary',
    default_message: `The attempted operation cannot be performed in the current state (${POWER_LABEL[state]}).`,
    args: [],
  };
}

/** Allowed is a permitted transition: the next state, whether the guest (re)boots, and what must hold first. */
interface Allowed {
  ok: true;
  next: PowerState;
  boots: boolean;
  /** `host`: the VM's host must be connected; `tools`: VMware Tools must be running. */
  needs?: 'host' | 'tools';
}
/** Refused is a refusal as vCenter words it (the InvalidPowerState cause is added when rendered). */
interface Refused {
  ok: false;
  type: Extract<VapiErrorType, 'ALREADY_IN_DESIRED_STATE' | 'NOT_ALLOWED_IN_CURRENT_STATE'>;
  id: string;
  message: string;
}
/** PowerOutcome is one cell of the transition table. */
export type PowerOutcome = Allowed | Refused;

const go = (next: PowerState, boots: boolean, needs?: Allowed['needs']): Allowed => ({
  ok: true,
  next,
  boots,
  ...(needs ? { needs } : {}),
});
const already = (id: string, message: string): Refused => ({
  ok: false,
  type: 'ALREADY_IN_DESIRED_STATE',
  id,
  message,
});
const notAllowed = (id: string, message: string): Refused => ({
  ok: false,
  type: 'NOT_ALLOWED_IN_CURRENT_STATE',
  id,
  message,
});

const P = 'com.vmware.api.vcenter.vm.power';
const G = 'com.vmware.api.vcenter.vm.guest.power';
const NOT_ON = 'Virtual machine is not powered on.';

/**
 * POWER_TABLE is the vSphere Automation API's power state machine (Power and Guest Power
 * services, see docs/contracts.md §1): every action × every state, either the next state or the
 * refusal vCenter answers with. Starting a suspended VM resumes it.
 */
export const POWER_TABLE: Record<AnyPowerAction, Record<PowerState, PowerOutcome>> = {
  start: {
    POWERED_OFF: go('POWERED_ON', true, 'host'),
    SUSPENDED: go('POWERED_ON', true, 'host'),
    POWERED_ON: already(`${P}.already_powered_on`, 'Virtual machine is already powered on.'),
  },
  stop: {
    POWERED_ON: go('POWERED_OFF', false),
    SUSPENDED: go('POWERED_OFF', false),
    POWERED_OFF: already(`${P}.already_powered_off`, 'Virtual machine is already powered off.'),
  },
  suspend: {
    POWERED_ON: go('SUSPENDED', false),
    SUSPENDED: already(`${P}.already_suspended`, 'Virtual machine is already suspended.'),
    POWERED_OFF: notAllowed(`${P}.suspend_not_powered_on`, NOT_ON),
  },
  reset: {
    POWERED_ON: go('POWERED_ON', true),
    SUSPENDED: notAllowed(`${P}.reset_not_powered_on`, NOT_ON),
    POWERED_OFF: notAllowed(`${P}.reset_not_powered_on`, NOT_ON),
  },
  'guest.shutdown': {
    POWERED_ON: go('POWERED_OFF', false, 'tools'),
    SUSPENDED: notAllowed(`${G}.suspended`, 'Virtual machine is suspended.'),
    POWERED_OFF: already(`${G}.already_powered_off`, 'Virtual machine is already powered off.'),
  },
  'guest.reboot': {
    POWERED_ON: go('POWERED_ON', true, 'tools'),
    SUSPENDED: notAllowed(`${G}.not_powered_on`, NOT_ON),
    POWERED_OFF: notAllowed(`${G}.not_powered_on`, NOT_ON),
  },
  'guest.standby': {
    POWERED_ON: go('SUSPENDED', false, 'tools'),
    SUSPENDED: already(`${G}.already_suspended`, 'Virtual machine is already suspended.'),
    POWERED_OFF: notAllowed(`${G}.not_powered_on`, NOT_ON),
  },
};

/** PowerSubject is what the power rules look at. */
export interface PowerSubject {
  id: string;
  powerState: PowerState;
  toolsInstalled: boolean;
}

/** PowerContext is the world around the VM that the rules need. */
export interface PowerContext {
  hostConnected: boolean;
  /** vCenter instance uuid (error messages name `<moref>:<uuid>`). */
  vcenterUuid: string;
  now: number;
}

/** PowerChange is what to write to the VM after an allowed action. */
export interface PowerChange {
  powerState: PowerState;
  bootTime?: number;
}

/** toolsNotRunning is the 503 vCenter answers for guest operations without running VMware Tools. */
export function toolsNotRunning(vmId: string, vcenterUuid: string): VapiError {
  const full = `${vmId}:${vcenterUuid}`;
  return vapiError(
    'SERVICE_UNAVAILABLE',
    'com.vmware.api.vcenter.vm.guest.tools_not_running',
    `VMware Tools are not running in Virtual machine with identifier '${full}'.`,
    [full]
  );
}

/**
 * powerTransition applies the table to one VM: the change to write, or the VapiError vCenter
 * answers (state refusals first, then the host / Tools precondition). Pure: nothing is mutated.
 */
export function powerTransition(vm: PowerSubject, action: AnyPowerAction, ctx: PowerContext): PowerChange {
  const cell = POWER_TABLE[action][vm.powerState];
  if (!cell.ok) throw vapiError(cell.type, cell.id, cell.message, [], [invalidState(vm.powerState)]);
  if (cell.needs === 'host' && !ctx.hostConnected) {
    throw vapiError(
      'RESOURCE_INACCESSIBLE',
      'com.vmware.api.vcenter.vm.host_not_connected',
      `The host of virtual machine '${vm.id}' is not connected.`
    );
  }
  if (cell.needs === 'tools' && !(vm.powerState === 'POWERED_ON' && vm.toolsInstalled)) {
    throw toolsNotRunning(vm.id, ctx.vcenterUuid);
  }
  return cell.boots ? { powerState: cell.next, bootTime: ctx.now } : { powerState: cell.next };
}

/** checkDelete refuses deleting a powered-on VM, as vCenter does. */
export function checkDelete(vm: { name: string; powerState: PowerState }): void {
  if (vm.powerState === 'POWERED_ON') {
    throw vapiError(
      'NOT_ALLOWED_IN_CURRENT_STATE',
      'com.vmware.api.vcenter.vm.delete_powered_on',
      `Virtual machine '${vm.name}' is powered on; power it off before deleting it.`,
      [],
      [invalidState(vm.powerState)]
    );
  }
}
