// Quiet logs in tests unless TEST_LOG_LEVEL asks for more.
process.env.LOG_LEVEL ??= process.env.TEST_LOG_LEVEL ?? 'warn';
process.env.NODE_ENV ??= 'test';
