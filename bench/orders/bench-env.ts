// Imported first by the benches: quiet logs (the platform reads LOG_LEVEL when AppModule is imported).
process.env.LOG_LEVEL ??= 'warn';
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
