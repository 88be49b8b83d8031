/** What every phase gets: the run's profile, the seeded shop, long-lived clients and the results. */
import { Client } from 'pg';
import { Clients } from '../lib/api';
import { Profile } from '../lib/profile';
import { Results } from '../lib/results';
import { Shop } from '../lib/seed';

export interface BenchContext {
  profile: Profile;
  shop: Shop;
  /** Small pools for seeding, watching and control requests (not the measured load). */
  control: Clients;
  /** A connection to the PostgreSQL server (statistics, backends). */
  pg: Client;
  results: Results;
  /** Orders this run placed and left unpaid (cancelled at the end so the timeout sweep has none). */
  unpaid: Set<string>;
}
