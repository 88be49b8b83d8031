/**
 * Creates what the services need before they start: one database per service on the server named
 * by DATABASE_URL, every Kafka topic of docs/contract.md section 3 (KAFKA_TOPIC_PARTITIONS, default 6),
 * and dev JWT keys under .keys/ when no key is configured. Each step is idempotent, except that a
 * database filled from another Kafka cluster's topics (a broker whose storage is new, a fresh clone)
 * is recreated empty: its read models and consumer bookkeeping would disagree with these topics.
 */
import { ensureDevKeyPair } from '@ecom/auth';
import { eventTopicSpecs, KafkaTopicAdmin } from '@ecom/messaging';
import { ensureDatabaseFedBy, kafkaConnectionOf, readPlatformSettings, SERVICES } from '@ecom/platform';

async function main(): Promise<void> {
  const settings = readPlatformSettings(SERVICES.catalog);
  const admin = new KafkaTopicAdmin({
    ...kafkaConnectionOf(settings, 'setup'),
    topicPrefix: settings.kafkaTopicPrefix,
  });
  const feed = `${await admin.clusterId()}/${settings.kafkaTopicPrefix}`;
  const databases = new Set<string>();
  for (const service of Object.values(SERVICES)) {
    const { databaseUrl } = readPlatformSettings(service);
    if (databases.has(databaseUrl)) continue;
    databases.add(databaseUrl);
    const outcome = await ensureDatabaseFedBy(databaseUrl, feed);
    const name = new URL(databaseUrl).pathname.slice(1);
    console.log(
      outcome === 'recreated'
        ? `  database ${name} recreated empty: it was filled from another Kafka cluster's topics`
        : `  database ${name} ready`,
    );
  }
  const created = await admin.ensureTopics(eventTopicSpecs(settings.kafkaTopicPartitions));
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
