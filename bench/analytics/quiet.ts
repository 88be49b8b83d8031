// Imported first by the benchmarks: quiet logs before any service module is declared.
process.env.LOG_LEVEL ??= 'warn';
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';
