import { Type, type Static } from '@sinclair/typebox';

const StringMap = Type.Record(Type.String(), Type.String());

/**
 * GrafanaAlert is one alert in Grafana's webhook contact point payload (version "1").
 * Unknown fields are allowed: Grafana adds fields over time (ruleUID, enrichments, ...) and the
 * relay must keep accepting its payloads.
 */
export const GrafanaAlert = Type.Object(
  {
    status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
    labels: StringMap,
    annotations: Type.Optional(StringMap),
    startsAt: Type.String({ minLength: 1, maxLength: 64 }),
    endsAt: Type.Optional(Type.String({ maxLength: 64 })),
    generatorURL: Type.Optional(Type.String({ maxLength: 4096 })),
    fingerprint: Type.String({ minLength: 1, maxLength: 128 }),
    silenceURL: Type.Optional(Type.String({ maxLength: 4096 })),
    dashboardURL: Type.Optional(Type.String({ maxLength: 4096 })),
    panelURL: Type.Optional(Type.String({ maxLength: 4096 })),
    values: Type.Optional(
      Type.Union([Type.Record(Type.String(), Type.Union([Type.Number(), Type.Null()])), Type.Null()])
    ),
    valueString: Type.Optional(Type.String()),
    imageURL: Type.Optional(Type.String({ maxLength: 4096 })),
    embeddedImage: Type.Optional(Type.String()),
    ruleUID: Type.Optional(Type.String()),
    orgId: Type.Optional(Type.Number()),
  },
  { additionalProperties: true }
);
/** GrafanaAlertT is the static type of GrafanaAlert. */
export type GrafanaAlertT = Static<typeof GrafanaAlert>;

/** GrafanaWebhook is Grafana's default webhook body (`version` "1"). */
export const GrafanaWebhook = Type.Object(
  {
    receiver: Type.Optional(Type.String()),
    status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
    orgId: Type.Optional(Type.Number()),
    version: Type.Literal('1'),
    groupKey: Type.String({ minLength: 1, maxLength: 8192 }),
    truncatedAlerts: Type.Optional(Type.Integer({ minimum: 0 })),
    groupLabels: Type.Optional(StringMap),
    commonLabels: Type.Optional(StringMap),
    commonAnnotations: Type.Optional(StringMap),
    externalURL: Type.Optional(Type.String()),
    title: Type.Optional(Type.String()),
    state: Type.Optional(Type.String()),
    message: Type.Optional(Type.String()),
    alerts: Type.Array(GrafanaAlert, { minItems: 1, maxItems: 10000 }),
  },
  { additionalProperties: true }
);
/** GrafanaWebhookT is the static type of GrafanaWebhook. */
export type GrafanaWebhookT = Static<typeof GrafanaWebhook>;

/** WebhookAck answers an accepted (or already known) webhook. */
export const WebhookAck = Type.Object({
  id: Type.Union([Type.Integer(), Type.Null()]),
  accepted: Type.Integer({ description: 'alerts stored for delivery' }),
  duplicates: Type.Integer({ description: 'alerts already known (redelivery)' }),
});

/** ErrorBody is the uniform error answer. */
export const ErrorBody = Type.Object({ error: Type.String(), message: Type.String() });
