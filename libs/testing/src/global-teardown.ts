export default async function globalTeardown(): Promise<void> {
  const containers =
    (globalThis as { __ECOM_CONTAINERS__?: { stop(): Promise<unknown> }[] }).__ECOM_CONTAINERS__ ?? [];
  await Promise.allSettled(containers.map((c) => c.stop()));
}
