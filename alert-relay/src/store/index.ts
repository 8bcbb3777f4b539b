import type { DbHandle } from './db';
import { Durability } from './durability';
import { UsersRepository } from './users-repo';
import { AuditRepository } from './audit-repo';
import { IntakeRepository } from './intake-repo';
import { FanoutRepository } from './fanout-repo';
import { OutboxRepository } from './outbox-repo';
import { RetentionRepository } from './retention-repo';
import { PlacementsRepository } from './placements-repo';

/** Repositories are the relay's data access, one per table group, sharing one database handle. */
export interface Repositories {
  durability: Durability;
  users: UsersRepository;
  audit: AuditRepository;
  intake: IntakeRepository;
  fanout: FanoutRepository;
  outbox: OutboxRepository;
  retention: RetentionRepository;
  placements: PlacementsRepository;
}

/** createRepositories builds every repository over one handle (the app decorates each on its own; CLI and tests use this). */
export function createRepositories(handle: DbHandle): Repositories {
  const durability = new Durability(handle);
  return {
    durability,
    users: new UsersRepository(handle),
    audit: new AuditRepository(handle),
    intake: new IntakeRepository(handle, durability),
    fanout: new FanoutRepository(handle, durability),
    outbox: new OutboxRepository(handle, durability),
    retention: new RetentionRepository(handle, durability),
    placements: new PlacementsRepository(handle),
  };
}
