import { Type, type TOptional, type TString, type TUnsafe } from '@fastify/type-provider-typebox';

/**
 * StringEnum is a string schema with a plain JSON-schema `enum`, so a bad value gets one clear
 * "must be equal to one of the allowed values" error instead of one error per union branch.
 */
export function StringEnum<T extends string>(values: readonly T[]): TUnsafe<T> {
  return Type.Unsafe<T>({ type: 'string', enum: [...values] });
}

/** PlacementPart is one part of a vCenter placement spec, each an object id. */
export type PlacementPart = 'folder' | 'cluster' | 'host' | 'resource_pool' | 'datastore';

/**
 * placementSpec is the optional `placement` object of a vCenter spec with the given parts, each an
 * optional id string: the create, clone and relocate specs take all five (`VM.ComputePlacementSpec`
 * style), `VM.InstantCloneSpec` folder, resource pool and datastore, a library deploy no datastore.
 */
export function placementSpec<K extends PlacementPart>(parts: readonly K[]) {
  const props = {} as Record<K, TOptional<TString>>;
  for (const p of parts) {
    props[p] = Type.Optional(Type.String());
  }
  return Type.Optional(Type.Object(props));
}
