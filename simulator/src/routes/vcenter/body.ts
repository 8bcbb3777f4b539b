import type { Static, TSchema } from '@sinclair/typebox';
import { TypeRegistry } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { vapiError } from './errors';

// StringEnum (routes/schemas.ts) is an `Unsafe` string schema with a JSON-schema `enum`: teach the compiler it.
if (!TypeRegistry.Has('Unsafe')) {
  TypeRegistry.Set('Unsafe', (schema: { enum?: unknown[]; type?: string }, value) =>
    schema.enum ? schema.enum.includes(value) : schema.type !== 'string' || typeof value === 'string'
  );
}

/**
 * bodyChecker compiles a TypeBox schema for a body whose shape depends on `?action=` (one route,
 * several specs, as `POST /api/vcenter/vm` is create or clone). A bad body is vCenter's 400
 * INVALID_ARGUMENT, like the schema-validated routes.
 */
export function bodyChecker<T extends TSchema>(schema: T): (body: unknown) => Static<T> {
  const c = TypeCompiler.Compile(schema);
  return (body) => {
    if (c.Check(body)) return body;
    const e = c.Errors(body).First();
    const detail = `body${e?.path ?? ''} ${e?.message ?? 'is invalid'}`;
    throw vapiError('INVALID_ARGUMENT', 'com.vmware.vapi.rest.invalid_argument', `Invalid argument: ${detail}.`, [
      detail,
    ]);
  };
}
