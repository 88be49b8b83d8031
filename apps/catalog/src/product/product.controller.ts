import { AuthenticatedMember, CurrentMember, Public, RequireRole } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { NotFoundError } from '@ecom/event-sourcing';
import { RequestEventContext } from '@ecom/platform';
import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { AddSkuHandler } from './add-sku/add-sku.handler';
import { ChangeProductDetailsDto } from './change-product-details/change-product-details.dto';
import { ChangeProductDetailsHandler } from './change-product-details/change-product-details.handler';
import { CreateProductDto, CreateSkuDto } from './create-product/create-product.dto';
import { CreateProductHandler } from './create-product/create-product.handler';
import { PublishProductHandler } from './publish-product/publish-product.handler';
import { DEFAULT_PAGE_SIZE, ListProductsQuery } from './read-model/list-products.query';
import { ProductCache } from './read-model/product-cache';
import { ProductQueries } from './read-model/product.queries';
import { ProductPage, ProductView, SkuDetailView } from './read-model/product.views';
import { productFor, visibleStatuses } from './read-model/visibility';
import { UnpublishProductHandler } from './unpublish-product/unpublish-product.handler';

@ApiTags('products')
@Controller('products')
export class ProductController {
  constructor(
    private readonly createHandler: CreateProductHandler,
    private readonly detailsHandler: ChangeProductDetailsHandler,
    private readonly addSkuHandler: AddSkuHandler,
    private readonly publishHandler: PublishProductHandler,
    private readonly unpublishHandler: UnpublishProductHandler,
    private readonly products: ProductQueries,
    private readonly cache: ProductCache,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Create a product as DRAFT with its SKUs (operator)' })
  @ApiCreatedResponse({ type: ProductView })
  @ApiBadRequestResponse({
    description: 'validation failed: unknown field, bad price, malformed SKU code, ...',
  })
  @ApiNotFoundResponse({ description: 'category not found' })
  @ApiConflictResponse({ description: 'a SKU code is already used by another product' })
  create(@Body() dto: CreateProductDto, @RequestEventContext() context: EventContext): Promise<ProductView> {
    return this.createHandler.execute(dto, context);
  }

  @Get()
  @Public()
  @ApiOperation({
    summary: 'List products, newest first, with cursor paging',
    description:
      'Anonymous callers and customers see LISTED products only (without costs); operators see all and may filter by status.',
  })
  @ApiOkResponse({ type: ProductPage })
  @ApiBadRequestResponse({ description: 'unknown query parameter, bad limit or cursor' })
  list(
    @Query() query: ListProductsQuery,
    @CurrentMember() member?: AuthenticatedMember,
  ): Promise<ProductPage> {
    return this.products
      .list({
        categoryId: query.categoryId,
        q: query.q,
        statuses: visibleStatuses(member, query.status),
        limit: query.limit ?? DEFAULT_PAGE_SIZE,
        cursor: query.cursor,
      })
      .then((page) => ({ ...page, items: page.items.map((item) => productFor(member, item)!) }));
  }

  @Get(':id')
  @Public()
  @ApiOperation({
    summary: 'One product with its SKUs',
    description: 'Unlisted products are 404 for anonymous callers and customers.',
  })
  @ApiOkResponse({ type: ProductView })
  @ApiNotFoundResponse({ description: 'no such product, or not visible to the caller' })
  async get(@Param('id') id: string, @CurrentMember() member?: AuthenticatedMember): Promise<ProductView> {
    const product = productFor(member, await this.cache.get(id, () => this.products.product(id)));
    if (!product) throw new NotFoundError(`product ${id} not found`, 'PRODUCT_NOT_FOUND');
    return product;
  }

  @Patch(':id')
  @RequireRole('operator')
  @ApiOperation({
    summary: 'Change title, description, category or attributes (operator)',
    description: 'Only the fields sent change.',
  })
  @ApiOkResponse({ type: ProductView })
  @ApiBadRequestResponse({ description: 'validation failed' })
  @ApiNotFoundResponse({ description: 'product or category not found' })
  @ApiUnprocessableEntityResponse({ description: 'a listed product can only move to a leaf category' })
  change(
    @Param('id') id: string,
    @Body() dto: ChangeProductDetailsDto,
    @RequestEventContext() context: EventContext,
  ): Promise<ProductView> {
    return this.detailsHandler.execute(id, dto, context);
  }

  @Post(':id/skus')
  @HttpCode(201)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Add a SKU to a product (operator)' })
  @ApiCreatedResponse({ type: SkuDetailView })
  @ApiBadRequestResponse({ description: 'validation failed' })
  @ApiNotFoundResponse({ description: 'product not found' })
  @ApiConflictResponse({ description: 'the SKU code is already used' })
  addSku(
    @Param('id') id: string,
    @Body() dto: CreateSkuDto,
    @RequestEventContext() context: EventContext,
  ): Promise<SkuDetailView> {
    return this.addSkuHandler.execute(id, dto, context);
  }

  @Post(':id/publish')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({
    summary: 'List the product: DRAFT or DELISTED -> LISTED (operator)',
    description: 'Needs at least one active SKU with a price, and a leaf category.',
  })
  @ApiOkResponse({ type: ProductView })
  @ApiUnauthorizedResponse({ description: 'no or invalid token' })
  @ApiForbiddenResponse({ description: 'not an operator' })
  @ApiNotFoundResponse({ description: 'product not found' })
  @ApiConflictResponse({ description: 'already LISTED' })
  @ApiUnprocessableEntityResponse({ description: 'no active priced SKU, or the category has subcategories' })
  publish(@Param('id') id: string, @RequestEventContext() context: EventContext): Promise<ProductView> {
    return this.publishHandler.execute(id, context);
  }

  @Post(':id/unpublish')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOperation({ summary: 'Delist the product: LISTED -> DELISTED (operator)' })
  @ApiOkResponse({ type: ProductView })
  @ApiNotFoundResponse({ description: 'product not found' })
  @ApiConflictResponse({ description: 'not LISTED' })
  unpublish(@Param('id') id: string, @RequestEventContext() context: EventContext): Promise<ProductView> {
    return this.unpublishHandler.execute(id, context);
  }
}
