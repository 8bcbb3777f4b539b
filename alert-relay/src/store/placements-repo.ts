import type { Kysely } from 'kysely';
import type { Database, DbHandle } from './db';
import type { PlacementT, PlacementsPutT } from '../schemas/internal';

/** PlacementKey identifies a VM across vCenters: the series labels `vcenter` and `vm_id` (docs/contracts.md §2). */
export interface PlacementKey {
  vcenter: string;
  vmId: string;
}

/** placementKey is the map key of a VM's placement, or undefined when the labels do not name a VM of a vCenter. */
export function placementKey(labels: Record<string, string | undefined>): string | undefined {
  return labels.vcenter && labels.vm_id ? `${labels.vcenter}\u0000${labels.vm_id}` : undefined;
}

// Rows per INSERT: 6 bound values each stays far below SQLite's and PostgreSQL's parameter limits.
const CHUNK = 500;

/** PlacementsRepository keeps the latest known host and cluster of each VM (table vm_placements). */
export class PlacementsRepository {
  constructor(private readonly handle: DbHandle) {}

  /** putPlacements stores the given placements, replacing older ones of the same VMs, in one transaction. */
  async putPlacements(body: PlacementsPutT, now: number): Promise<number> {
    // The last entry wins when one VM is listed twice (ON CONFLICT cannot touch a row twice in one statement).
    const byId = new Map<string, PlacementT>();
    for (const p of body.placements) {
      byId.set(p.vmId, p);
    }
    const rows = [...byId.values()].map((p) => ({
      vcenter: body.vcenter,
      vm_id: p.vmId,
      vm_name: p.vm,
      host: p.host,
      cluster: p.cluster,
      updated_at: now,
    }));
    await this.handle.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += CHUNK) {
        await trx
          .insertInto('vm_placements')
          .values(rows.slice(i, i + CHUNK))
          .onConflict((oc) =>
            oc.columns(['vcenter', 'vm_id']).doUpdateSet((eb) => ({
              vm_name: eb.ref('excluded.vm_name'),
              host: eb.ref('excluded.host'),
              cluster: eb.ref('excluded.cluster'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
          )
          .execute();
      }
    });
    return rows.length;
  }

  /** placementsOf answers the known placements of the given VMs, by placementKey. */
  async placementsOf(keys: PlacementKey[]): Promise<Map<string, PlacementT>> {
    return placementsIn(this.handle.db, keys);
  }
}

/** placementsIn reads the known placements of the given VMs with `db` (a transaction or the pool), by placementKey. */
export async function placementsIn(db: Kysely<Database>, keys: PlacementKey[]): Promise<Map<string, PlacementT>> {
  const out = new Map<string, PlacementT>();
  const byVc = new Map<string, Set<string>>();
  for (const k of keys) {
    byVc.set(k.vcenter, (byVc.get(k.vcenter) ?? new Set()).add(k.vmId));
  }
  for (const [vcenter, ids] of byVc) {
    const list = [...ids];
    for (let i = 0; i < list.length; i += CHUNK) {
      const rows = await db
        .selectFrom('vm_placements')
        .selectAll()
        .where('vcenter', '=', vcenter)
        .where('vm_id', 'in', list.slice(i, i + CHUNK))
        .execute();
      for (const r of rows) {
        out.set(placementKey({ vcenter: r.vcenter, vm_id: r.vm_id })!, {
          vmId: r.vm_id,
          vm: r.vm_name,
          host: r.host,
          cluster: r.cluster,
        });
      }
    }
  }
  return out;
}
