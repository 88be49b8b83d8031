import { RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CategoryView } from '../read-model/category.views';
import { CreateCategoryDto } from './create-category.dto';
import { CreateCategoryHandler } from './create-category.handler';

@ApiTags('categories')
@Controller('categories')
export class CreateCategoryController {
  constructor(private readonly handler: CreateCategoryHandler) {}

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
    return this.handler.execute(dto, context);
  }
}
