import type { EventContext } from '@ecom/contracts';
import { AggregateRepository, NotFoundError } from '@ecom/event-sourcing';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { CommandRunner } from '../../shared/command-runner';
import { CategoryAggregate, CategoryEvent, CategoryState } from '../domain/category.aggregate';
import { createCategory } from '../domain/category.decisions';
import { CategoryQueries } from '../read-model/category.queries';
import { CategoryView } from '../read-model/category.views';
import { CreateCategoryDto } from './create-category.dto';

@Injectable()
export class CreateCategoryHandler {
  private readonly repository: AggregateRepository<CategoryState, CategoryEvent>;

  constructor(
    runtime: EventSourcingRuntime,
    private readonly commands: CommandRunner,
    private readonly categories: CategoryQueries,
  ) {
    this.repository = runtime.repository(CategoryAggregate);
  }

  async execute(dto: CreateCategoryDto, context: EventContext): Promise<CategoryView> {
    const categoryId = uuidv7();
    const parentId = dto.parentId ?? null;
    await this.commands.run(
      this.repository,
      categoryId,
      async (state, tx) => {
        const parent = parentId ? await this.categories.lockParentFacts(tx, parentId) : null;
        if (parentId && !parent)
          throw new NotFoundError(`parent category ${parentId} not found`, 'CATEGORY_NOT_FOUND');
        const siblingNames = await this.categories.siblingNames(tx, parentId);
        return createCategory(state, { categoryId, name: dto.name, parent, siblingNames });
      },
      context,
    );
    return (await this.categories.get(categoryId))!;
  }
}
