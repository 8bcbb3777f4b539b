import { CoreApp, DataSourceInstanceSettings, ScopedVars } from '@grafana/data';
import { ComboboxOption } from '@grafana/ui';
import { DataSourceWithBackend, getTemplateSrv, TemplateSrv } from '@grafana/runtime';

import { annotationSupport } from './annotations';
import { DEFAULT_QUERY } from './query/defaults';
import { Interpolator } from './query/interpolate';
import { migrateQuery } from './query/migrate';
import { isRunnable, ValidationContext } from './query/validate';
import { VsphereOptions } from './types/config';
import { InventoryEntity, InventoryItem, InventoryPage, ResourceKind, StatKey, VsphereQuery } from './types/query';
import { VsphereVariableSupport } from './variables';

/** PICKER_PAGE_SIZE is how many matches a picker asks for: pickers search, they never list everything. */
export const PICKER_PAGE_SIZE = 50;

/** InventorySearch is the query string of `GET inventory/{entity}` (docs/contracts.md §3). */
export interface InventorySearch {
  search?: string;
  datacenter?: string;
  cluster?: string;
  host?: string;
  powerState?: string;
  page?: number;
  pageSize?: number;
  sort?: 'name';
  order?: 'asc' | 'desc';
}

/**
 * VsphereDataSource is the browser side of the data source: it prepares queries for the Go
 * backend (migration, template variables, dropping queries that can only fail) and gives the
 * editors typed access to the backend's resource API. Everything it sends is a backend query, so
 * Explore, dashboards and alert rules all run the same code on the server.
 */
export class VsphereDataSource extends DataSourceWithBackend<VsphereQuery, VsphereOptions> {
  /** Stat key catalogues per resource kind, fetched once per page load. */
  private readonly statKeyRequests = new Map<ResourceKind, Promise<StatKey[]>>();
  /** One resource's own stat keys, per resource kind and name or id. */
  private readonly resourceKeyRequests = new Map<string, Promise<StatKey[]>>();
  /** Names of objects seen in picker results, so pickers can label stored ids. */
  private readonly names = new Map<string, string>();

  constructor(
    instanceSettings: DataSourceInstanceSettings<VsphereOptions>,
    private readonly templateSrv: TemplateSrv = getTemplateSrv()
  ) {
    super(instanceSettings);
    this.variables = new VsphereVariableSupport(this);
    this.annotations = annotationSupport;
  }

  /** getDefaultQuery gives new panels and Explore tabs CPU usage of every VM of the first cluster. */
  getDefaultQuery(_app: CoreApp): Partial<VsphereQuery> {
    return JSON.parse(JSON.stringify(DEFAULT_QUERY));
  }

  /**
   * applyTemplateVariables migrates the stored query and expands template variables in every
   * text field and id list; a multi-value variable in a list adds one entry per value.
   */
  applyTemplateVariables(query: VsphereQuery, scopedVars: ScopedVars): VsphereQuery {
    return new Interpolator(this.templateSrv, scopedVars).query(migrateQuery(query));
  }

  /** filterQuery drops queries that can only fail, for the reasons the editors show. */
  filterQuery(query: VsphereQuery): boolean {
    return isRunnable(migrateQuery(query), this.validationContext());
  }

  /** validationContext gives validation the template variable expansion. */
  validationContext(): ValidationContext {
    return {
      interpolate: (text, format) => this.templateSrv.replace(text, undefined, format),
    };
  }

  /** getStatKeys loads (once) the stat keys the backend knows for a resource kind. */
  getStatKeys(resourceKind: ResourceKind): Promise<StatKey[]> {
    let req = this.statKeyRequests.get(resourceKind);
    if (!req) {
      req = this.getResource<StatKey[]>('statkeys', { resourceKind });
      // A failed load may be retried by the next editor that asks.
      req.catch(() => this.statKeyRequests.delete(resourceKind));
      this.statKeyRequests.set(resourceKind, req);
    }
    return req;
  }

  /**
   * getResourceStatKeys loads (once per page load) the stat keys one resource has in vROps,
   * instanced keys such as net:4000|usage_average included: the editor's autocomplete.
   */
  getResourceStatKeys(resourceKind: ResourceKind, resource: string): Promise<StatKey[]> {
    const id = `${resourceKind}/${resource}`;
    let req = this.resourceKeyRequests.get(id);
    if (!req) {
      req = this.getResource<StatKey[]>(`statkeys/${encodeURIComponent(resource)}`, { resourceKind });
      req.catch(() => this.resourceKeyRequests.delete(id));
      this.resourceKeyRequests.set(id, req);
    }
    return req;
  }

  /** searchInventory asks the backend for one page of matching objects. */
  async searchInventory(entity: InventoryEntity, params: InventorySearch = {}): Promise<InventoryPage> {
    const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''));
    const page = await this.getResource<InventoryPage>(`inventory/${entity}`, {
      pageSize: PICKER_PAGE_SIZE,
      sort: 'name',
      order: 'asc',
      ...clean,
    });
    for (const item of page.items ?? []) {
      this.names.set(item.id, item.name);
    }
    return page;
  }

  /** firstCluster is the cluster that comes first by name, for the default "all VMs under" query. */
  async firstCluster(): Promise<InventoryItem | undefined> {
    const page = await this.searchInventory('clusters', { pageSize: 1 });
    return page.items?.[0];
  }

  /** nameOf is the display name of an id seen in an earlier search, if any. */
  nameOf(id: string): string | undefined {
    return this.names.get(id);
  }

  /** variableOptions offers the dashboard's template variables in pickers, as `$name`. */
  variableOptions(): Array<ComboboxOption<string>> {
    return this.templateSrv.getVariables().map((v) => ({
      label: `$${v.name}`,
      value: `$${v.name}`,
      description: 'Template variable',
    }));
  }
}
