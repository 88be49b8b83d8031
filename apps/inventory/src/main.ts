import '@ecom/platform/tracing'; // first: OpenTelemetry patches what the app loads after it
import 'reflect-metadata';
import { SERVICES, startService } from '@ecom/platform';
import { AppModule } from './app.module';

startService(AppModule, SERVICES.inventory).catch((error) => {
  console.error('inventory failed to start', error);
  process.exit(1);
});
