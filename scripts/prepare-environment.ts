/**
 * Creates what the services need before they start: one database per service on the server named
 * by DATABASE_URL, every Kafka topic of docs/contract.md section 3 (KAFKA_TOPIC_PARTITIONS, default 6),
 * and dev JWT keys under .keys/ when no key is configured. Each step is idempotent, except that a
 * database filled from another Kafka cluster's topics (a broker whose storage is new, a fresh clone)
 * is recreated empty: its read models and consumer bookkeeping would disagree with these topics.
 * A server with autovacuum off gets it turned on (see ensureAutovacuum).
 */
import { ensureDevKeyPair } from '@ecom/auth';
import { eventTopicSpecs, KafkaTopicAdmin } from '@ecom/messaging';
import { ensureDatabaseFedBy, kafkaConnectionOf, readPlatformSettings, SERVICES } from '@ecom/platform';
import { Client } from 'pg';

/**
 * The services' queue tables (outboxes, processed events, the funnel's pending visitor events) take
 * and drop rows all day; without autovacuum their dead rows pile up and every scan of them slows
 * down (seen on a server with it off: a fold of 20 pending rows scanning 89,000 dead ones, 32 ms,
 * under a lock every batch waited for). PostgreSQL runs it by default; where it is off, it is turned
 * on for the server (ALTER SYSTEM and a reload, no restart), or a line says why it could not be.
 */
async function ensureAutovacuum(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const [{ autovacuum }] = (await client.query(`SHOW autovacuum`)).rows;
    if (autovacuum === 'on') return;
    await client.query(`ALTER SYSTEM SET autovacuum = on`);
    await client.query(`SELECT pg_reload_conf()`);
    console.log('  PostgreSQL autovacuum was off: turned on (ALTER SYSTEM), the queue tables need it');
  } catch (error) {
    console.log(`  PostgreSQL autovacuum is off and could not be turned on: ${(error as Error).message}`);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const settings = readPlatformSettings(SERVICES.catalog);
  const admin = new KafkaTopicAdmin({
    ...kafkaConnectionOf(settings, 'setup'),
    topicPrefix: settings.kafkaTopicPrefix,
  });
  const feed = `${await admin.clusterId()}/${settings.kafkaTopicPrefix}`;
  const databases = new Set<string>();
  const madeEmpty: string[] = [];
  for (const service of Object.values(SERVICES)) {
    const { databaseUrl } = readPlatformSettings(service);
    if (databases.has(databaseUrl)) continue;
    databases.add(databaseUrl);
    const outcome = await ensureDatabaseFedBy(databaseUrl, feed);
    const name = new URL(databaseUrl).pathname.slice(1);
    if (outcome !== 'kept') madeEmpty.push(name);
    console.log(
      outcome === 'recreated'
        ? `  database ${name} recreated empty: it was filled from another Kafka cluster's topics`
        : `  database ${name} ready`,
    );
  }
  // The other way round: databases made empty (new, or taken back from another clone's cluster) must
  // not meet topics that still hold the events of the databases that are gone, or the consumers apply
  // them again (the projector counted orders that no service knew). When every database starts empty,
  // the topics start empty with them; when only some do, neither choice is consistent: say so.
  const specs = eventTopicSpecs(settings.kafkaTopicPartitions);
  if (madeEmpty.length === databases.size) {
    const emptied = await admin.emptyTopics(specs);
    if (emptied.length > 0)
      console.log(
        `  kafka topics emptied (${emptied.join(', ')}): they held the events of the former databases`,
      );
  } else if (madeEmpty.length > 0) {
    console.log(
      `  warning: ${madeEmpty.join(', ')} started empty beside databases that kept their data; for a clean ` +
        'stack, drop every ecom_* database (or remove infra/kafka/.cache/data) and run setup again',
    );
  }
  await ensureAutovacuum(settings.databaseUrl);
  const created = await admin.ensureTopics(specs);
  console.log(`  kafka topics ready (${created.length ? `created ${created.join(', ')}` : 'all existed'})`);
  if (!process.env.JWT_PUBLIC_KEY && !process.env.JWT_PUBLIC_KEY_FILE) {
    ensureDevKeyPair();
    console.log('  dev signing keys ready in .keys/');
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
