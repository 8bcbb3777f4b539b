import type { StoredAlert } from '../store/intake-repo';
import type { PlacementT, SeverityT } from '../schemas/internal';
import { placementKey, type PlacementKey } from '../store/placements-repo';

/** MailItem is one alert event to report. */
export interface MailItem {
  severity: SeverityT;
  stored: StoredAlert;
}

const rank: Record<SeverityT, number> = { critical: 2, warning: 1, info: 0 };

/**
 * MailSummary takes a mail's alert events one by one (oldest first) and keeps what the mail needs
 * in bounded memory, however big the digest: the counts, Grafana's left-out counts per group, the
 * lead alert for the subject, and at most `maxListed` events to list (all of them in arrival order
 * when they fit, else firing before resolved and the most severe first). A storm digest of
 * thousands of events is thus never held, parsed, in memory at once.
 */
export class MailSummary {
  total = 0;
  firing = 0;
  criticalFiring = 0;
  /** The most severe firing level seen, or undefined when nothing fires. */
  topFiring: SeverityT | undefined;
  /** The first firing event, else the first of the most severe. */
  lead: MailItem | undefined;
  private leadIsFiring = false;
  private readonly truncated = new Map<string, number>();
  private inOrder: MailItem[] | null = [];
  /** Priority classes: firing critical/warning/info, then resolved critical/warning/info. */
  private readonly classes: MailItem[][] = [[], [], [], [], [], []];

  /** Where the VMs of the listed alerts run now, by placementKey (filled before rendering; see placementOf). */
  placements = new Map<string, PlacementT>();

  constructor(readonly maxListed = 200) {}

  /** placementOf answers the known placement of an alert's VM (labels `vcenter` + `vm_id`), if any. */
  placementOf(a: StoredAlert['a']): PlacementT | undefined {
    const k = placementKey(a.labels);
    return k === undefined ? undefined : this.placements.get(k);
  }

  /** placementKeys are the VMs of the alerts the mail names (the listed ones and the lead). */
  placementKeys(): PlacementKey[] {
    const items = this.lead ? [this.lead, ...this.listed()] : this.listed();
    return items
      .map((i) => i.stored.a.labels)
      .filter((l) => placementKey(l) !== undefined)
      .map((l) => ({ vcenter: l.vcenter, vmId: l.vm_id }));
  }

  /** add takes the next event. */
  add(item: MailItem): void {
    const firing = item.stored.a.status === 'firing';
    this.total += 1;
    if (firing) {
      this.firing += 1;
      if (item.severity === 'critical') {
        this.criticalFiring += 1;
      }
      if (this.topFiring === undefined || rank[item.severity] > rank[this.topFiring]) {
        this.topFiring = item.severity;
      }
      if (!this.leadIsFiring) {
        this.lead = item;
        this.leadIsFiring = true;
      }
    } else if (!this.leadIsFiring && (!this.lead || rank[item.severity] > rank[this.lead.severity])) {
      this.lead = item;
    }
    const g = item.stored.g;
    this.truncated.set(g.groupKey, Math.max(this.truncated.get(g.groupKey) ?? 0, g.truncatedAlerts ?? 0));
    const cls = this.classes[(firing ? 0 : 3) + (2 - rank[item.severity])];
    if (cls.length < this.maxListed) {
      cls.push(item);
    }
    if (this.inOrder) {
      this.inOrder.push(item);
      if (this.inOrder.length > this.maxListed) {
        this.inOrder = null;
      }
    }
  }

  /** listed answers the events to list in the mail. */
  listed(): MailItem[] {
    return this.inOrder ?? this.classes.flat().slice(0, this.maxListed);
  }

  /** unlisted counts the events the mail only counts. */
  get unlisted(): number {
    return this.total - this.listed().length;
  }

  /** leftOut is how many alerts Grafana did not send (`truncatedAlerts`): the largest count per group, summed. */
  get leftOut(): number {
    return [...this.truncated.values()].reduce((x, y) => x + y, 0);
  }
}

/** summarize builds a MailSummary from events already in memory. */
export function summarize(items: MailItem[], maxListed?: number): MailSummary {
  const s = new MailSummary(maxListed);
  for (const i of items) {
    s.add(i);
  }
  return s;
}
