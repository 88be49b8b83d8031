/**
 * Preloaded (`node -r`) into a service that startServiceProcess starts: when the test process that
 * started it is gone (a crashed or killed jest worker), the service stops too instead of running on.
 */
const parent = Number(process.env.ECOM_TEST_PARENT_PID);
if (parent) {
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    // The service's own shutdown first (Nest's shutdown hooks), then no more waiting.
    setTimeout(() => process.exit(1), 10_000).unref();
    process.kill(process.pid, 'SIGTERM');
  }, 1000);
  timer.unref();
}

export {};
