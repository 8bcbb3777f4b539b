import { ScopedVars } from '@grafana/data';
import { TemplateSrv } from '@grafana/runtime';

import { InventoryFilter, ResourceSelection, VsphereQuery } from '../types/query';

/**
 * SEPARATOR joins the values of a multi-value variable inside one interpolated string so they can
 * be split apart again. A unit separator control character never occurs in vSphere names or ids.
 */
const SEPARATOR = '\u001f';

/** joinValues is the format function that keeps multi-value variables splittable. */
const joinValues = (value: unknown): string =>
  Array.isArray(value) ? value.map(String).join(SEPARATOR) : String(value ?? '');

/** Interpolator expands template variables in every field of a query. */
export class Interpolator {
  constructor(
    private readonly templateSrv: TemplateSrv,
    private readonly scopedVars: ScopedVars = {}
  ) {}

  /** list expands each element; a multi-value variable adds one element per value. */
  list(values: string[] | undefined): string[] | undefined {
    if (values === undefined) {
      return undefined;
    }
    const out: string[] = [];
    for (const v of values) {
      for (const part of this.templateSrv.replace(v, this.scopedVars, joinValues).split(SEPARATOR)) {
        const t = part.trim();
        if (t !== '' && !out.includes(t)) {
          out.push(t);
        }
      }
    }
    return out;
  }

  /**
   * one expands a field that holds a single name or id (e.g. the parent of an "all under"
   * selection). A multi-value variable there yields its first value: the contract has room for
   * one parent only, and the first value is what the variable shows first in the dashboard.
   */
  one(value: string | undefined): string | undefined {
    if (value === undefined) {
      return undefined;
    }
    return this.templateSrv.replace(value, this.scopedVars, joinValues).split(SEPARATOR)[0].trim();
  }

  /** regex expands a regular expression; a multi-value variable becomes an escaped alternation. */
  regex(value: string | undefined): string | undefined {
    return value === undefined ? undefined : this.templateSrv.replace(value, this.scopedVars, 'regex');
  }

  /** text expands free text, e.g. an explicit interval. */
  text(value: string): string {
    return this.templateSrv.replace(value, this.scopedVars);
  }

  /** listOrOne expands a filter value: one value stays a string, several become an array. */
  listOrOne(value: string | string[] | undefined): string | string[] | undefined {
    if (value === undefined) {
      return undefined;
    }
    const list = this.list(Array.isArray(value) ? value : [value]) ?? [];
    if (list.length === 0) {
      return undefined;
    }
    return list.length === 1 ? list[0] : list;
  }

  selection(sel: ResourceSelection): ResourceSelection {
    return dropUndefined({
      mode: sel.mode,
      ids: this.list(sel.ids),
      regex: this.regex(sel.regex),
      parent: this.one(sel.parent),
    });
  }

  filter(f: InventoryFilter | undefined): InventoryFilter | undefined {
    if (!f) {
      return f;
    }
    return dropUndefined({
      datacenter: this.listOrOne(f.datacenter),
      cluster: this.listOrOne(f.cluster),
      host: this.listOrOne(f.host),
      powerState: this.listOrOne(f.powerState),
      nameRegex: this.regex(f.nameRegex),
    });
  }

  /** query expands every text and id field of a query of any type. */
  query(q: VsphereQuery): VsphereQuery {
    switch (q.queryType) {
      case 'inventory':
      case 'variable':
        return dropUndefined({ ...q, filter: this.filter(q.filter) });
      case 'vmDetail':
        return { ...q, vms: this.list(q.vms) ?? [] };
      case 'metrics':
        return {
          ...q,
          selection: this.selection(q.selection),
          statKeys: this.list(q.statKeys) ?? [],
          interval: this.text(q.interval),
        };
      case 'latest':
        return { ...q, selection: this.selection(q.selection), statKeys: this.list(q.statKeys) ?? [] };
      case 'alerts':
        return dropUndefined({ ...q, selection: q.selection ? this.selection(q.selection) : undefined });
      case 'annotations':
        return dropUndefined({ ...q, vms: this.list(q.vms) });
      default:
        return q;
    }
  }
}

function dropUndefined<T extends object>(v: T): T {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined)) as T;
}
