import { Type, type Static } from '@sinclair/typebox';

/** Severity orders alerts: info < warning < critical. */
export const Severity = Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]);
/** SeverityT is the static type of Severity. */
export type SeverityT = Static<typeof Severity>;

const HHMM = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
const Names = Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 200 });

/** Matchers narrow a subscription to some clusters, hosts, VMs or alert rules (empty = all). */
export const Matchers = Type.Object(
  {
    cluster: Type.Optional(Names),
    host: Type.Optional(Names),
    vm: Type.Optional(Names),
    alertname: Type.Optional(Names),
  },
  { additionalProperties: false }
);
/** MatchersT is the static type of Matchers. */
export type MatchersT = Static<typeof Matchers>;

/** QuietHours: mails are held until `end` (in time zone `tz`) and then sent as one digest. */
export const QuietHours = Type.Object(
  { start: HHMM, end: HHMM, tz: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false }
);
/** QuietHoursT is the static type of QuietHours. */
export type QuietHoursT = Static<typeof QuietHours>;

/** Subscription is the shape in docs/contracts.md §3. */
export const Subscription = Type.Object({
  login: Type.String(),
  email: Type.String(),
  name: Type.Optional(Type.String()),
  confirmed: Type.Boolean(),
  minSeverity: Severity,
  matchers: Matchers,
  firing: Type.Boolean(),
  resolved: Type.Boolean(),
  quietHours: Type.Optional(QuietHours),
  digestMinutes: Type.Integer({ minimum: 0 }),
});
/** SubscriptionT is the static type of Subscription. */
export type SubscriptionT = Static<typeof Subscription>;

/** Email is a pragmatic address check (one @, no spaces or angle brackets, a dot in the domain). */
export const Email = Type.String({ pattern: '^[^\\s@<>(),;:"]+@[^\\s@<>(),;:"]+\\.[^\\s@<>(),;:"]+$', maxLength: 254 });

/** SubscriptionPut is what PUT /internal/users/{login} accepts. */
export const SubscriptionPut = Type.Object(
  {
    login: Type.Optional(Type.String()),
    email: Type.Optional(
      Type.Union([Email, Type.Literal('')], {
        description:
          "the subject's Grafana e-mail, filled by the backend from Grafana (never from the user's input); required for the subject's own save",
      })
    ),
    name: Type.Optional(Type.String({ maxLength: 256, description: "the subject's Grafana name" })),
    confirmed: Type.Optional(Type.Boolean({ description: 'ignored: only the confirmation link confirms an address' })),
    minSeverity: Type.Optional(Severity),
    matchers: Type.Optional(Matchers),
    firing: Type.Optional(Type.Boolean()),
    resolved: Type.Optional(Type.Boolean()),
    quietHours: Type.Optional(Type.Union([QuietHours, Type.Null()])),
    digestMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440 })),
  },
  { additionalProperties: false }
);
/** SubscriptionPutT is the static type of SubscriptionPut. */
export type SubscriptionPutT = Static<typeof SubscriptionPut>;

/** SubscriptionSaved answers PUT /internal/users/{login}: the registration and what happened about its confirmation. */
export const SubscriptionSaved = Type.Composite([
  Subscription,
  Type.Object({
    confirmation: Type.Union(
      [Type.Literal('confirmed'), Type.Literal('sent'), Type.Literal('throttled'), Type.Literal('pending')],
      {
        description:
          'confirmed: no mail needed; sent: a confirmation mail was queued; throttled: the hourly limit was reached, no mail; pending: unconfirmed, no mail (someone else changed it)',
      }
    ),
  }),
]);

/** ActorHeaders name who asks when it is not the subject (an Admin), as the backend's Grafana user says. */
export const ActorHeaders = Type.Object({
  'x-actor-login': Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  'x-actor-role': Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});

/** Login is a Grafana login in a path parameter. */
export const LoginParams = Type.Object({ login: Type.String({ minLength: 1, maxLength: 256 }) });

/** The VM actions the data source backend records (POST /internal/audit). */
const VmAction = Type.Union([
  Type.Literal('create'),
  Type.Literal('updateHardware'),
  Type.Literal('power'),
  Type.Literal('delete'),
  Type.Literal('clone'),
  Type.Literal('migrate'),
  Type.Literal('customize'),
]);

/** The subscription changes the relay records itself (docs/security.md). */
const SubscriptionAction = Type.Union([
  Type.Literal('subscriptionChange'),
  Type.Literal('subscriptionDelete'),
  Type.Literal('unsubscribe'),
  Type.Literal('confirmAddress'),
]);

const Outcome = Type.Union([
  Type.Literal('success'),
  Type.Literal('refused'),
  Type.Literal('failed'),
  Type.Literal('unknown'),
]);

/** Where an event happened: the data source, its vCenter and the Grafana org (all optional, filterable). */
const Scope = {
  datasourceUid: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  vcenter: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  orgId: Type.Optional(Type.Integer({ minimum: 0 })),
};

/** AuditEventIn is an AuditEvent without `id` (POST /internal/audit). */
export const AuditEventIn = Type.Object(
  {
    time: Type.String({ format: 'date-time' }),
    user: Type.Object(
      { login: Type.String({ minLength: 1 }), email: Type.String(), role: Type.String() },
      { additionalProperties: false }
    ),
    action: VmAction,
    vm: Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }),
    params: Type.Record(Type.String(), Type.Unknown()),
    outcome: Outcome,
    error: Type.Optional(Type.String({ maxLength: 4000 })),
    ...Scope,
  },
  { additionalProperties: false }
);
/** AuditEventInT is the static type of AuditEventIn. */
export type AuditEventInT = Static<typeof AuditEventIn>;

/**
 * AuditEvent is a stored event with its id: a VM action from the backend, or a subscription change
 * the relay recorded (then `vm` is empty and `params.login` names whose subscription changed).
 */
export const AuditEvent = Type.Object({
  id: Type.String(),
  time: Type.String({ format: 'date-time' }),
  user: Type.Object({ login: Type.String(), email: Type.String(), role: Type.String() }),
  action: Type.Union([VmAction, SubscriptionAction]),
  vm: Type.Object({ id: Type.String(), name: Type.String() }),
  params: Type.Record(Type.String(), Type.Unknown()),
  outcome: Outcome,
  error: Type.Optional(Type.String()),
  ...Scope,
});
/** AuditEventT is the static type of AuditEvent. */
export type AuditEventT = Static<typeof AuditEvent>;

/** AuditQuery filters GET /internal/audit. */
export const AuditQuery = Type.Object({
  vm: Type.Optional(Type.String({ description: 'VM id or name' })),
  user: Type.Optional(Type.String({ description: 'Grafana login' })),
  action: Type.Optional(Type.String()),
  datasourceUid: Type.Optional(Type.String({ description: 'data source uid' })),
  vcenter: Type.Optional(Type.String({ description: 'vCenter name' })),
  orgId: Type.Optional(Type.Integer({ minimum: 0, description: 'Grafana org id' })),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  page: Type.Integer({ minimum: 1, default: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
});
/** AuditQueryT is the static type of AuditQuery. */
export type AuditQueryT = Static<typeof AuditQuery>;

const PlaceName = Type.String({ maxLength: 256 });

/** Placement is where one VM runs now (docs/contracts.md §5): its host and cluster by name. */
export const Placement = Type.Object(
  {
    vmId: Type.String({ minLength: 1, maxLength: 128 }),
    vm: PlaceName,
    host: PlaceName,
    cluster: PlaceName,
  },
  { additionalProperties: false }
);
/** PlacementT is the static type of Placement. */
export type PlacementT = Static<typeof Placement>;

/** PLACEMENTS_MAX is the most VMs one PUT /internal/placements carries (the backend sends larger estates in batches). */
export const PLACEMENTS_MAX = 5000;

/** PlacementsPut is what PUT /internal/placements accepts: the latest placements of some VMs of one vCenter. */
export const PlacementsPut = Type.Object(
  {
    vcenter: Type.String({ minLength: 1, maxLength: 256, description: 'the `vcenter` series label of these VMs' }),
    placements: Type.Array(Placement, { maxItems: PLACEMENTS_MAX }),
  },
  { additionalProperties: false }
);
/** PlacementsPutT is the static type of PlacementsPut. */
export type PlacementsPutT = Static<typeof PlacementsPut>;
