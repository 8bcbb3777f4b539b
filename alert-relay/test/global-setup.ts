import { startPgCluster } from './helpers/pg-cluster';

/** Starts one PostgreSQL for the whole run; test files create their own databases in it. */
export default async function globalSetup(): Promise<void> {
  const c = await startPgCluster();
  process.env.RELAY_TEST_PG_URL = c.url;
  process.env.RELAY_TEST_PG_CLUSTER = JSON.stringify(c);
}
