import { ComponentType } from 'react';

import type { VsphereDataSource } from '../../datasource';
import { QueryProblems } from '../../query/validate';
import { StatKey, VsphereQuery } from '../../types/query';

/** TypedEditorProps are the props of the editor for one query type. */
export interface TypedEditorProps<Q extends VsphereQuery> {
  query: Q;
  datasource: VsphereDataSource;
  /** onChange stores the query; with run=true it also runs it, when it can succeed. */
  onChange: (query: Q, run?: boolean) => void;
  /** onRun runs the current query, when it can succeed (e.g. after a text field loses focus). */
  onRun: () => void;
  /** problems are shown next to their fields. */
  problems: QueryProblems;
  /** statKeys is the stat key catalogue of the query's resource kind, once loaded. */
  statKeys?: StatKey[];
  statKeysError?: string;
}

/** TypedEditor is the component type registered per query type. */
export type TypedEditor<Q extends VsphereQuery> = ComponentType<TypedEditorProps<Q>>;
