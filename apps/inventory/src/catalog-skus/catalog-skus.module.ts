import { Module } from '@nestjs/common';
import { KnownSkus } from './known-skus';
import { CatalogSkusConsumer } from './on-catalog-events/catalog-skus.consumer';

/** The catalog's SKUs as inventory knows them (from catalog.events). */
@Module({
  providers: [KnownSkus, CatalogSkusConsumer],
  exports: [KnownSkus],
})
export class CatalogSkusModule {}
