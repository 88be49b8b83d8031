import { EventSourcingRuntime } from '@ecom/platform';
import { Module, OnModuleInit } from '@nestjs/common';
import { CategoryController } from './category.controller';
import { CreateCategoryController } from './create-category/create-category.controller';
import { CreateCategoryHandler } from './create-category/create-category.handler';
import { CategoryProjection } from './read-model/category.projection';
import { CategoryQueries } from './read-model/category.queries';

@Module({
  controllers: [CategoryController, CreateCategoryController],
  providers: [CategoryProjection, CategoryQueries, CreateCategoryHandler],
  exports: [CategoryQueries, CategoryProjection],
})
export class CategoryModule implements OnModuleInit {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly projection: CategoryProjection,
  ) {}

  onModuleInit(): void {
    this.runtime.addInlineProjection(this.projection);
  }
}
