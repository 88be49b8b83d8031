import '@ecom/platform/tracing'; // first: OpenTelemetry patches what the app loads after it
import 'reflect-metadata';
import { SERVICES, startService } from '@ecom/platform';
import { AppModule } from './app.module';

startService(AppModule, SERVICES.orders).catch((error) => {
  console.error('orders failed to start', error);
  process.exit(1);
});
