import { flushTracing, setActiveTracing } from './tracing-lifecycle';

describe('flushing spans at shutdown', () => {
  afterEach(() => setActiveTracing(undefined));

  it('does nothing while tracing is off', async () => {
    await expect(flushTracing()).resolves.toBeUndefined();
  });

  it('waits for the export of the buffered spans', async () => {
    let exported = false;
    setActiveTracing({
      flush: () =>
        new Promise((resolve) =>
          setTimeout(() => {
            exported = true;
            resolve();
          }, 20),
        ),
      shutdown: async () => undefined,
    });
    await flushTracing();
    expect(exported).toBe(true);
  });

  it('gives up on a collector that does not answer, or fails, without failing the shutdown', async () => {
    setActiveTracing({ flush: () => new Promise(() => undefined), shutdown: async () => undefined });
    const started = Date.now();
    await flushTracing(100);
    expect(Date.now() - started).toBeLessThan(1000);

    setActiveTracing({
      flush: () => Promise.reject(new Error('collector down')),
      shutdown: async () => undefined,
    });
    await expect(flushTracing(100)).resolves.toBeUndefined();
  });
});
