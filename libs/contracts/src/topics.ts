/** Kafka topics of docs/contract.md section 3. Each has a `<topic>.dlq` beside it for poison messages. */
export const Topics = {
  catalog: 'catalog.events',
  inventory: 'inventory.events',
  orders: 'orders.events',
  members: 'members.events',
  storefrontBehavior: 'storefront.behavior',
  analyticsAlerts: 'analytics.alerts',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

export const ALL_TOPICS: readonly TopicName[] = Object.values(Topics);

export function dlqTopicOf(topic: string): string {
  return `${topic}.dlq`;
}
