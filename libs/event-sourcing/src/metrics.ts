import { Counter, Gauge, Histogram, register } from 'prom-client';

/** Metrics of the event-sourcing machinery, created once per process on the default registry. */
function counter(name: string, help: string, labelNames: string[]): Counter<string> {
  return (register.getSingleMetric(name) as Counter<string>) ?? new Counter({ name, help, labelNames });
}
function gauge(name: string, help: string, labelNames: string[]): Gauge<string> {
  return (register.getSingleMetric(name) as Gauge<string>) ?? new Gauge({ name, help, labelNames });
}
function histogram(name: string, help: string, labelNames: string[], buckets: number[]): Histogram<string> {
  return (
    (register.getSingleMetric(name) as Histogram<string>) ??
    new Histogram({ name, help, labelNames, buckets })
  );
}

export const eventSourcingMetrics = {
  get outboxPublished() {
    return counter('outbox_events_published_total', 'Events the outbox relay published to Kafka', [
      'service',
    ]);
  },
  get outboxRelayErrors() {
    return counter('outbox_relay_errors_total', 'Failed outbox relay rounds (retried)', ['service']);
  },
  get eventsConsumed() {
    return counter('events_consumed_total', 'Events applied by a consumer (duplicates excluded)', [
      'consumer',
      'topic',
    ]);
  },
  get eventsDuplicate() {
    return counter('events_duplicate_total', 'Redelivered events a consumer skipped', ['consumer', 'topic']);
  },
  get eventsDeadLettered() {
    return counter('events_dead_lettered_total', 'Poison messages sent to a DLQ', ['consumer', 'topic']);
  },
  get consumerLag() {
    return gauge('kafka_consumer_lag_messages', 'Messages behind the end of the partition', [
      'consumer',
      'topic',
      'partition',
    ]);
  },
  get consumerLagSeconds() {
    return gauge(
      'kafka_consumer_lag_seconds',
      'Age of the newest event a consumer has applied, at apply time',
      ['consumer', 'topic'],
    );
  },
  get groupCommitRequests() {
    return histogram(
      'event_store_group_commit_requests',
      'Commands written by one group-commit transaction',
      ['service'],
      [1, 2, 5, 10, 20, 50, 100, 200],
    );
  },
  get groupCommitDuration() {
    return histogram(
      'event_store_group_commit_seconds',
      'Time of one group-commit transaction, BEGIN to COMMIT',
      ['service'],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    );
  },
  get batchDuration() {
    return histogram(
      'event_consumer_batch_seconds',
      'Time to apply one batch',
      ['consumer'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    );
  },
};
