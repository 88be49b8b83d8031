import { Public } from '@ecom/auth';
import { NotFoundError } from '@ecom/event-sourcing';
import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CategoryQueries } from './read-model/category.queries';
import { CategoryList, CategoryTree, CategoryView } from './read-model/category.views';

export class ListCategoriesQuery {
  @ApiPropertyOptional({ description: 'only the direct children of this category' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  parentId?: string;
}

/** The public reads of categories; creating one is the create-category use case. */
@ApiTags('categories')
@Controller('categories')
export class CategoryController {
  constructor(private readonly categories: CategoryQueries) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'List categories (public)',
    description: 'Flat, by level then name; ?parentId lists the children of one category.',
  })
  @ApiOkResponse({ type: CategoryList })
  async list(@Query() query: ListCategoriesQuery): Promise<CategoryList> {
    return { items: await this.categories.list({ parentId: query.parentId }) };
  }

  @Get('tree')
  @Public()
  @ApiOperation({ summary: 'The category tree (public)' })
  @ApiOkResponse({ type: CategoryTree })
  async tree(): Promise<CategoryTree> {
    return { roots: await this.categories.tree() };
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'One category (public)' })
  @ApiOkResponse({ type: CategoryView })
  @ApiNotFoundResponse({ description: 'no such category' })
  async get(@Param('id') id: string): Promise<CategoryView> {
    const category = await this.categories.get(id);
    if (!category) throw new NotFoundError(`category ${id} not found`, 'CATEGORY_NOT_FOUND');
    return category;
  }
}
