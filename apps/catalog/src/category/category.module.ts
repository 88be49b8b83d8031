import { EventSourcingRuntime } from '@ecom/platform';
import { Module, OnModuleInit } from '@nestjs/common';
import { CommandRunner } from '../shared/command-runner';
import { CategoryController } from './category.controller';
import { CreateCategoryHandler } from './create-category/create-category.handler';
import { CategoryProjection } from './read-model/category.projection';
import { CategoryQueries } from './read-model/category.queries';

@Module({
  controllers: [CategoryController],
  providers: [CategoryProjection, CategoryQueries, CreateCategoryHandler, CommandRunner],
  exports: [CategoryQueries, CategoryProjection],
})
export class CategoryModule implements OnModuleInit {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly projection: CategoryProjection,
  ) {}

  onModuleInit(): void {
    this.runtime.store.addInlineProjection(this.projection);
  }
}
