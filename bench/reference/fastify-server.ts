/**
 * The bare Fastify route the storefront reads are compared with: the same Fastify version the apps
 * run, one JSON route, no plugins, no logging. Listens on a free port of 127.0.0.1 and prints it.
 */
import Fastify from 'fastify';

async function main(): Promise<void> {
  const app = Fastify({ logger: false });
  app.get('/ping', async () => ({ status: 'ok' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${port}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`fastify reference failed: ${String(error)}\n`);
  process.exit(1);
});
