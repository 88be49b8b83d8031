import type { EventContext } from '@ecom/contracts';
import { Public, RequireRole } from '@ecom/auth';
import { NotFoundError } from '@ecom/event-sourcing';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
  ApiBadRequestResponse,
  ApiPropertyOptional,
} from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { CreateCategoryDto } from './create-category/create-category.dto';
import { CreateCategoryHandler } from './create-category/create-category.handler';
import { CategoryQueries } from './read-model/category.queries';
import { CategoryList, CategoryTree, CategoryView } from './read-model/category.views';

export class ListCategoriesQuery {
  @ApiPropertyOptional({ description: 'only the direct children of this category' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  parentId?: string;
}

@ApiTags('categories')
@Controller('categories')
export class CategoryController {
  constructor(
    private readonly createHandler: CreateCategoryHandler,
    private readonly categories: CategoryQueries,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Create a category (operator)',
    description: 'At most 3 levels; names unique among siblings.',
  })
  @ApiCreatedResponse({ type: CategoryView })
  @ApiBadRequestResponse({ description: 'validation failed (unknown field, blank name)' })
  @ApiNotFoundResponse({ description: 'parent category not found' })
  @ApiConflictResponse({ description: 'a sibling already has this name' })
  @ApiUnprocessableEntityResponse({ description: 'parent is at level 3, or holds listed products' })
  create(
    @Body() dto: CreateCategoryDto,
    @RequestEventContext() context: EventContext,
  ): Promise<CategoryView> {
    return this.createHandler.execute(dto, context);
  }

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
