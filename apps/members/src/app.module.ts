import { PlatformModule, SERVICES } from '@ecom/platform';
import { Module } from '@nestjs/common';

@Module({
  imports: [PlatformModule.forService(SERVICES.members)],
})
export class AppModule {}
