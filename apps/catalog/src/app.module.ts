import { PlatformModule, SERVICES } from '@ecom/platform';
import { Module } from '@nestjs/common';
import { CatalogEnvironment } from './config/catalog.settings';
import { CategoryModule } from './category/category.module';
import { CATALOG_MIGRATIONS } from './database/migrations/1763800000000-create-catalog-read-models';
import { ProductModule } from './product/product.module';

@Module({
  imports: [
    PlatformModule.forService(SERVICES.catalog, {
      migrations: CATALOG_MIGRATIONS,
      environment: CatalogEnvironment,
    }),
    CategoryModule,
    ProductModule,
  ],
})
export class AppModule {}
