// The one data frame decoder of the e2e tooling: SDK frames from Arrow IPC (as the backend sends
// them over the plugin protocol) to plain JS, and from there to Grafana's JSON data frame
// (DataFrameJSON) as `/api/ds/query` answers. The host server and the stack tests share it.
import { tableFromIPC, Type } from 'apache-arrow';

/** A decoded data frame field: values are plain JS (times as epoch ms). */
export interface FrameField {
  name: string;
  /** Grafana's FieldType: time, number, string, boolean, other. */
  type: 'time' | 'number' | 'string' | 'boolean' | 'other';
  /** The Go type as Grafana's JSON frame format names it (typeInfo.frame). */
  frameType: string;
  nullable: boolean;
  labels?: Record<string, string>;
  config?: Record<string, unknown>;
  values: unknown[];
}

/** A decoded data frame. */
export interface Frame {
  name?: string;
  refId?: string;
  meta?: Record<string, any>;
  fields: FrameField[];
}

function parseJSON(text: string | undefined | null): any {
  if (!text) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Decodes one SDK data frame from Arrow IPC: frame name, refId and meta live in the schema
 * metadata, each field's name, labels and config in the field metadata (SDK data/arrow.go).
 */
export function decodeArrowFrame(bytes: Uint8Array): Frame {
  const table = tableFromIPC(bytes);
  const md = table.schema.metadata;
  const fields: FrameField[] = table.schema.fields.map((f, i) => {
    const col = table.getChildAt(i)!;
    const fmd = f.metadata;
    const { type, frameType, convert } = fieldKind(f.type);
    const values: unknown[] = [];
    for (let r = 0; r < col.length; r++) {
      const v = col.get(r);
      values.push(v === null || v === undefined ? null : convert(v));
    }
    const labels = parseJSON(fmd.get('labels'));
    const config = parseJSON(fmd.get('config'));
    return {
      name: fmd.get('name') ?? f.name,
      type,
      frameType: f.nullable ? `*${frameType}` : frameType,
      nullable: f.nullable,
      ...(labels && Object.keys(labels).length ? { labels } : {}),
      ...(config && Object.keys(config).length ? { config } : {}),
      values,
    };
  });
  const meta = parseJSON(md.get('meta'));
  return {
    name: md.get('name') ?? '',
    refId: md.get('refId') ?? '',
    ...(meta ? { meta } : {}),
    fields,
  };
}

function fieldKind(t: any): { type: FrameField['type']; frameType: string; convert: (v: any) => unknown } {
  switch (t.typeId) {
    case Type.Timestamp: {
      // Arrow JS gives timestamps in ms as a number; the SDK writes nanoseconds.
      return {
        type: 'time',
        frameType: 'time.Time',
        convert: (v) => (typeof v === 'bigint' ? Number(v / 1_000_000n) : Number(v)),
      };
    }
    case Type.Float:
      return { type: 'number', frameType: t.precision === 1 ? 'float32' : 'float64', convert: (v) => Number(v) };
    case Type.Int:
      return { type: 'number', frameType: `${t.isSigned ? 'int' : 'uint'}${t.bitWidth}`, convert: (v) => Number(v) };
    case Type.Utf8:
    case Type.LargeUtf8:
      return { type: 'string', frameType: 'string', convert: (v) => String(v) };
    case Type.Bool:
      return { type: 'boolean', frameType: 'bool', convert: (v) => Boolean(v) };
    case Type.Binary:
      // json.RawMessage fields are binary in Arrow.
      return {
        type: 'other',
        frameType: 'json.RawMessage',
        convert: (v) => parseJSON(Buffer.from(v).toString('utf8')) ?? null,
      };
    default:
      return { type: 'other', frameType: 'unknown', convert: (v) => v };
  }
}

/** Grafana's JSON data frame (DataFrameJSON) as `/api/ds/query` answers it. */
export function toDataFrameJSON(frame: Frame, refId: string) {
  return {
    schema: {
      name: frame.name,
      refId: frame.refId || refId,
      ...(frame.meta ? { meta: frame.meta } : {}),
      fields: frame.fields.map((f) => ({
        name: f.name,
        type: f.type,
        typeInfo: { frame: f.frameType.replace(/^\*/, ''), ...(f.nullable ? { nullable: true } : {}) },
        ...(f.labels ? { labels: f.labels } : {}),
        ...(f.config ? { config: f.config } : {}),
      })),
    },
    data: { values: frame.fields.map((f) => f.values) },
  };
}
