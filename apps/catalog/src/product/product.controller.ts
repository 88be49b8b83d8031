import { AuthenticatedMember, CurrentMember, Public } from '@ecom/auth';
import { NotFoundError } from '@ecom/event-sourcing';
import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { DEFAULT_PAGE_SIZE, ListProductsQuery } from './read-model/list-products.query';
import { ProductCache } from './read-model/product-cache';
import { ProductQueries } from './read-model/product.queries';
import { ProductPage, ProductView } from './read-model/product.views';
import { productFor, visibleStatuses } from './read-model/visibility';

/** The public reads of products; each command has its controller in its use-case folder. */
@ApiTags('products')
@Controller('products')
export class ProductController {
  constructor(
    private readonly products: ProductQueries,
    private readonly cache: ProductCache,
  ) {}

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
}
