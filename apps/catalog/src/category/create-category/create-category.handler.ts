import type { EventContext } from '@ecom/contracts';
import { NotFoundError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { runCatalogCommand } from '../../shared/run-catalog-command';
import { CategoryAggregate } from '../domain/category.aggregate';
import { createCategory } from '../domain/category.decisions';
import { CategoryQueries } from '../read-model/category.queries';
import { CategoryView } from '../read-model/category.views';
import { CreateCategoryDto } from './create-category.dto';

@Injectable()
export class CreateCategoryHandler {
  constructor(
    private readonly runtime: EventSourcingRuntime,
    private readonly categories: CategoryQueries,
  ) {}

  async execute(dto: CreateCategoryDto, context: EventContext): Promise<CategoryView> {
    const categoryId = uuidv7();
    const parentId = dto.parentId ?? null;
    await runCatalogCommand(this.runtime.commands, async (session) => {
      const parent = parentId ? await this.categories.lockParentFacts(session.sql, parentId) : null;
      if (parentId && !parent)
        throw new NotFoundError(`parent category ${parentId} not found`, 'CATEGORY_NOT_FOUND');
      const siblingNames = await this.categories.siblingNames(session.sql, parentId);
      await session.execute(
        CategoryAggregate,
        categoryId,
        (state) => createCategory(state, { categoryId, name: dto.name, parent, siblingNames }),
        context,
      );
    });
    return (await this.categories.get(categoryId))!;
  }
}
