// Imported first by the benches: quiet logs (the platform reads LOG_LEVEL when AppModule is imported).
process.env.LOG_LEVEL ??= 'warn';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
// One member places hundreds of unpaid orders as fast as it can: the checkout limits that protect a
// shop from such a bot would measure the limits, not the confirmation latency.
process.env.ORDER_RATE_PER_MEMBER ??= '1000000';
process.env.ORDER_BURST_PER_MEMBER ??= '1000000';
process.env.ORDER_RATE_PER_VISITOR ??= '1000000';
process.env.ORDER_BURST_PER_VISITOR ??= '1000000';
process.env.ORDER_MAX_UNPAID_PER_MEMBER ??= '1000000';
