/**
 * Rules of "Customize guest" on the VM page: one existing, powered-off VM gets a stored spec with
 * its host name and IPv4 settings (`PUT vms/{id}/customization`, docs/contracts.md §3 "Guest
 * customization"). The checks are the ones New VM uses (rules/network.ts). Pure functions
 * (customize.test.ts).
 */
import { Customization } from '../types';
import { validateHostName, validateIpRange } from './network';
import { ProvisionErrors, ProvisionForm } from './provision';

/** The customization part of a form: the same fields as New VM's, for one VM. */
export type CustomizationForm = Pick<ProvisionForm, 'spec' | 'hostNamePattern' | 'ipMode' | 'ip'>;

/** Field errors of the customization part. */
export type CustomizationErrors = Pick<ProvisionErrors, 'spec' | 'hostNamePattern' | 'ipFields'>;

/** The VM as the dialog knows it. */
export interface CustomizeTarget {
  name: string;
  powerState: string;
  /** The guest's current host name and IPv4 address, when VMware Tools reported them. */
  hostName?: string;
  ip?: string;
}

/** Why the VM cannot be customized now, or undefined when it can (vCenter's rule: powered off only). */
export function customizeBlocked(powerState: string): string | undefined {
  return powerState === 'POWERED_OFF' ? undefined : 'Power off the VM first';
}

/**
 * Checks the form for one VM of OS family `family` (`LINUX`, `WINDOWS`, undefined when unknown) and
 * gives the request body and a one-line summary of what changes; both only when nothing is wrong.
 */
export function planCustomization(
  f: CustomizationForm,
  vm: CustomizeTarget,
  family?: string
): { errors: CustomizationErrors; body?: Customization; summary?: string } {
  const e: CustomizationErrors = {};
  if (f.spec === '') {
    e.spec = 'Choose a customization spec.';
  }
  const hostName = f.hostNamePattern.trim();
  const bad = validateHostName(hostName, family);
  if (bad) {
    e.hostNamePattern = bad;
  }
  let address: string | undefined;
  if (f.ipMode === 'static') {
    const r = validateIpRange(f.ip, 1);
    if (!r.addresses) {
      e.ipFields = r.errors;
    }
    address = r.addresses?.[0];
  }
  if (Object.keys(e).length) {
    return { errors: e };
  }
  const body: Customization = { spec: f.spec, hostName };
  let ipText = `IPv4 as the spec ${f.spec} says`;
  if (f.ipMode === 'dhcp') {
    body.ip = 'dhcp';
    ipText = 'IPv4 from DHCP';
  } else if (f.ipMode === 'static') {
    const prefix = Number(f.ip.prefix);
    const gateway = f.ip.gateway.trim();
    body.ip = { address: address!, prefix, gateway };
    ipText = `IPv4 ${address}/${prefix} via ${gateway}`;
  }
  const now = (v: string | undefined) => (v ? ` (now ${v})` : '');
  const summary =
    `${vm.name} gets the spec ${f.spec} at its next power-on: host name ${hostName}${now(vm.hostName)}, ` +
    `${ipText}${now(vm.ip)}.`;
  return { errors: {}, body, summary };
}
