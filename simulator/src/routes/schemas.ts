import { Type, type TUnsafe } from '@fastify/type-provider-typebox';

/**
 * StringEnum is a string schema with a plain JSON-schema `enum`, so a bad value gets one clear
 * "must be equal to one of the allowed values" error instead of one error per union branch.
 */
export function StringEnum<T extends string>(values: readonly T[]): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values] });
}
