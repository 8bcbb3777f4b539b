import { stopPgCluster } from './helpers/pg-cluster';

/** Stops the PostgreSQL started by globalSetup. */
export default async function globalTeardown(): Promise<void> {
  const c = process.env.RELAY_TEST_PG_CLUSTER;
  if (c) {
    stopPgCluster(JSON.parse(c));
  }
}
