import { EventSourcingRuntime } from '@ecom/platform';
import { Module, OnModuleInit } from '@nestjs/common';
import { CategoryModule } from '../category/category.module';
import { CATALOG_SETTINGS, readCatalogSettings } from '../config/catalog.settings';
import { AddSkuController } from './add-sku/add-sku.controller';
import { AddSkuHandler } from './add-sku/add-sku.handler';
import { ChangeProductDetailsController } from './change-product-details/change-product-details.controller';
import { ChangeProductDetailsHandler } from './change-product-details/change-product-details.handler';
import { ChangeSkuCostController } from './change-sku-cost/change-sku-cost.controller';
import { ChangeSkuCostHandler } from './change-sku-cost/change-sku-cost.handler';
import { ChangeSkuPriceController } from './change-sku-price/change-sku-price.controller';
import { ChangeSkuPriceHandler } from './change-sku-price/change-sku-price.handler';
import { CreateProductController } from './create-product/create-product.controller';
import { CreateProductHandler } from './create-product/create-product.handler';
import { DiscontinueSkuController } from './discontinue-sku/discontinue-sku.controller';
import { DiscontinueSkuHandler } from './discontinue-sku/discontinue-sku.handler';
import { CatalogGrpcController } from './grpc/catalog.grpc.controller';
import { ProductController } from './product.controller';
import { PublishProductController } from './publish-product/publish-product.controller';
import { PublishProductHandler } from './publish-product/publish-product.handler';
import { ProductCache } from './read-model/product-cache';
import { ProductProjection } from './read-model/product.projection';
import { ProductQueries } from './read-model/product.queries';
import { SkuController } from './sku.controller';
import { UnpublishProductController } from './unpublish-product/unpublish-product.controller';
import { UnpublishProductHandler } from './unpublish-product/unpublish-product.handler';

@Module({
  imports: [CategoryModule],
  controllers: [
    ProductController,
    SkuController,
    CatalogGrpcController,
    CreateProductController,
    ChangeProductDetailsController,
    AddSkuController,
    PublishProductController,
    UnpublishProductController,
    ChangeSkuPriceController,
    ChangeSkuCostController,
    DiscontinueSkuController,
  ],
  providers: [
    { provide: CATALOG_SETTINGS, useFactory: () => readCatalogSettings() },
    ProductProjection,
    ProductQueries,
    ProductCache,
    CreateProductHandler,
    ChangeProductDetailsHandler,
    AddSkuHandler,
    ChangeSkuPriceHandler,
    ChangeSkuCostHandler,
    DiscontinueSkuHandler,
    PublishProductHandler,
    UnpublishProductHandler,
  ],
  exports: [ProductProjection, ProductQueries],
})
export class ProductModule implements OnModuleInit {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly projection: ProductProjection,
  ) {}

  onModuleInit(): void {
    this.runtime.addInlineProjection(this.projection);
  }
}
