/**
 * Test ids and accessible labels of the data source editors, in one place so that the unit tests
 * and the browser tests in e2e/ find the same elements. Changing a value here is a breaking change
 * for the browser tests: add new entries rather than renaming old ones.
 */
export const selectors = {
  config: {
    vcenterUrl: { testId: 'vsphere-config-vcenter-url', label: 'vCenter URL' },
    vcenterUser: { testId: 'vsphere-config-vcenter-user', label: 'vCenter user' },
    vcenterPassword: { testId: 'vsphere-config-vcenter-password', label: 'vCenter password' },
    vropsUrl: { testId: 'vsphere-config-vrops-url', label: 'vROps URL' },
    vropsUser: { testId: 'vsphere-config-vrops-user', label: 'vROps user' },
    vropsPassword: { testId: 'vsphere-config-vrops-password', label: 'vROps password' },
    vropsAuthSource: { testId: 'vsphere-config-vrops-auth-source', label: 'vROps auth source' },
    tlsCaCert: { testId: 'vsphere-config-tls-ca-cert', label: 'CA certificate' },
    tlsSkipVerify: { testId: 'vsphere-config-tls-skip-verify', label: 'Skip TLS verification' },
    tlsSkipVerifyWarning: { testId: 'vsphere-config-tls-skip-verify-warning', label: 'TLS verification is off' },
    timeoutSeconds: { testId: 'vsphere-config-timeout', label: 'Timeout (seconds)' },
    cacheTtlSeconds: { testId: 'vsphere-config-cache-ttl', label: 'Inventory cache TTL (seconds)' },
    relayUrl: { testId: 'vsphere-config-relay-url', label: 'Alert relay URL' },
    relayToken: { testId: 'vsphere-config-relay-token', label: 'Alert relay token' },
    role: (action: string) => ({ testId: `vsphere-config-role-${action}`, label: `Minimum role to ${action} VMs` }),
  },
  query: {
    editor: { testId: 'vsphere-query-editor', label: 'vSphere query' },
    queryType: { testId: 'vsphere-query-type', label: 'Query type' },
    entity: { testId: 'vsphere-query-entity', label: 'Entity' },
    filterDatacenter: { testId: 'vsphere-query-filter-datacenter', label: 'Datacenter' },
    filterCluster: { testId: 'vsphere-query-filter-cluster', label: 'Cluster' },
    filterHost: { testId: 'vsphere-query-filter-host', label: 'Host' },
    filterPowerState: { testId: 'vsphere-query-filter-power-state', label: 'Power state' },
    filterNameRegex: { testId: 'vsphere-query-filter-name-regex', label: 'Name regex' },
    vms: { testId: 'vsphere-query-vms', label: 'VMs' },
    resourceKind: { testId: 'vsphere-query-resource-kind', label: 'Resource kind' },
    selectionMode: { testId: 'vsphere-query-selection-mode', label: 'Select resources' },
    selectionIds: { testId: 'vsphere-query-selection-ids', label: 'Resources' },
    selectionRegex: { testId: 'vsphere-query-selection-regex', label: 'Name regex' },
    selectionParent: { testId: 'vsphere-query-selection-parent', label: 'Under' },
    statKeys: { testId: 'vsphere-query-stat-keys', label: 'Stat keys' },
    rollUp: { testId: 'vsphere-query-roll-up', label: 'Roll-up' },
    interval: { testId: 'vsphere-query-interval', label: 'Interval' },
    minLevel: { testId: 'vsphere-query-min-level', label: 'Minimum level' },
    problem: (field: string) => ({ testId: `vsphere-query-problem-${field}`, label: `Problem with ${field}` }),
  },
  variable: {
    editor: { testId: 'vsphere-variable-editor', label: 'vSphere variable query' },
    entity: { testId: 'vsphere-variable-entity', label: 'List' },
  },
  annotation: {
    editor: { testId: 'vsphere-annotation-editor', label: 'vSphere annotation query' },
    kind: { testId: 'vsphere-annotation-kind', label: 'Show' },
    vms: { testId: 'vsphere-annotation-vms', label: 'Only these VMs' },
  },
} as const;
