/**
 * Test ids and aria labels of the app's pages. The browser tests in e2e/ import this file, so a
 * renamed id breaks them at compile time rather than at run time.
 */
export const selectors = {
  picker: { vcenter: 'data-testid vcenter-picker' },
  states: {
    loading: 'data-testid state-loading',
    error: 'data-testid state-error',
    empty: 'data-testid state-empty',
    notConfigured: 'data-testid state-not-configured',
  },
  config: {
    container: 'data-testid app-config',
    datasourceCheckbox: (uid: string) => `data-testid app-config-ds-${uid}`,
    save: 'data-testid app-config-save',
  },
  vmList: {
    container: 'data-testid vm-list',
    search: 'data-testid vm-list-search',
    powerFilter: 'data-testid vm-list-power-filter',
    table: 'data-testid vm-list-table',
    row: (id: string) => `data-testid vm-row-${id}`,
    sort: (column: string) => `data-testid vm-list-sort-${column}`,
    total: 'data-testid vm-list-total',
    create: 'data-testid vm-list-create',
  },
  power: {
    badge: 'data-testid power-badge',
    action: (action: string) => `data-testid power-action-${action}`,
  },
  vmDetail: {
    container: 'data-testid vm-detail',
    info: 'data-testid vm-detail-info',
    charts: 'data-testid vm-detail-charts',
    average: (stat: string) => `data-testid vm-detail-average-${stat}`,
    history: 'data-testid vm-detail-history',
    edit: 'data-testid vm-detail-edit',
    delete: 'data-testid vm-detail-delete',
  },
  editHardware: {
    modal: 'data-testid edit-hardware',
    cpu: 'data-testid edit-hardware-cpu',
    memory: 'data-testid edit-hardware-memory',
    submit: 'data-testid edit-hardware-submit',
  },
  deleteVm: {
    modal: 'data-testid delete-vm',
    confirm: 'data-testid delete-vm-confirm-name',
    submit: 'data-testid delete-vm-submit',
    powerOff: 'data-testid delete-vm-power-off',
  },
  createVm: {
    form: 'data-testid create-vm',
    name: 'data-testid create-vm-name',
    guestOs: 'data-testid create-vm-guest-os',
    cpu: 'data-testid create-vm-cpu',
    coresPerSocket: 'data-testid create-vm-cores-per-socket',
    memory: 'data-testid create-vm-memory',
    disk: 'data-testid create-vm-disk',
    network: 'data-testid create-vm-network',
    folder: 'data-testid create-vm-folder',
    compute: 'data-testid create-vm-compute',
    datastore: 'data-testid create-vm-datastore',
    submit: 'data-testid create-vm-submit',
    progress: 'data-testid create-vm-progress',
  },
  overview: { container: 'data-testid overview' },
  hosts: {
    container: 'data-testid hosts',
    search: 'data-testid hosts-search',
    row: (id: string) => `data-testid host-row-${id}`,
  },
  hostDetail: { container: 'data-testid host-detail' },
  hostUsage: {
    cell: (hostId: string, kind: 'cpu' | 'memory') => `data-testid host-usage-${kind}-${hostId}`,
    warning: 'data-testid host-metrics-warning',
  },
  alerts: {
    container: 'data-testid alert-emails',
    enabled: 'data-testid alert-emails-enabled',
    severity: 'data-testid alert-emails-severity',
    resolved: 'data-testid alert-emails-resolved',
    save: 'data-testid alert-emails-save',
    all: 'data-testid alert-emails-all',
  },
  audit: {
    container: 'data-testid audit',
    vm: 'data-testid audit-filter-vm',
    user: 'data-testid audit-filter-user',
    table: 'data-testid audit-table',
  },
};
