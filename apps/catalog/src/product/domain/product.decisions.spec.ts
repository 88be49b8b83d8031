import {
  BusinessRuleError,
  ConflictError,
  foldEvents,
  IllegalTransitionError,
  InvalidCommandError,
  NotFoundError,
} from '@ecom/event-sourcing/domain';
import { initialProductState, ProductAggregate, ProductEvent, ProductState } from './product.aggregate';
import {
  addSku,
  changeProductDetails,
  changeSkuCost,
  changeSkuPrice,
  createProduct,
  discontinueSku,
  NewSku,
  publishProduct,
  unpublishProduct,
} from './product.decisions';

const leaf = { id: 'cat-leaf', leaf: true };
const branch = { id: 'cat-branch', leaf: false };

function apply(state: ProductState, events: ProductEvent[]): ProductState {
  return foldEvents(ProductAggregate, events, state);
}

function draft(
  skus: NewSku[] = [{ code: 'TEE-RED-M', price: 1999, cost: 800 }],
  category = leaf,
): ProductState {
  return apply(
    initialProductState,
    createProduct(initialProductState, { productId: 'p1', title: ' Tee ', category, skus }),
  );
}

describe('Product decisions', () => {
  describe('create', () => {
    it('emits ProductCreated then one SkuAdded per SKU, defaulting currency, cost and attributes', () => {
      const events = createProduct(initialProductState, {
        productId: 'p1',
        title: '  Linen shirt ',
        description: 'Breathable',
        category: leaf,
        attributes: { brand: 'Acme' },
        skus: [
          { code: 'LS-S', price: 12900, cost: 5000, attributes: { size: 'S' } },
          { code: 'LS-M', price: 12900, currency: 'USD' },
        ],
      });
      expect(events).toEqual([
        {
          type: 'ProductCreated',
          data: {
            productId: 'p1',
            title: 'Linen shirt',
            description: 'Breathable',
            categoryId: 'cat-leaf',
            attributes: { brand: 'Acme' },
          },
        },
        {
          type: 'SkuAdded',
          data: {
            productId: 'p1',
            sku: 'LS-S',
            price: 12900,
            cost: 5000,
            currency: 'CNY',
            attributes: { size: 'S' },
          },
        },
        {
          type: 'SkuAdded',
          data: { productId: 'p1', sku: 'LS-M', price: 12900, cost: null, currency: 'USD', attributes: {} },
        },
      ]);
      const state = apply(initialProductState, events);
      expect(state).toMatchObject({
        exists: true,
        status: 'DRAFT',
        title: 'Linen shirt',
        categoryId: 'cat-leaf',
      });
      expect(state.skus.map((s) => [s.code, s.status])).toEqual([
        ['LS-S', 'ACTIVE'],
        ['LS-M', 'ACTIVE'],
      ]);
    });

    it.each([
      [0, /positive integer/],
      [-5, /positive integer/],
      [19.99, /positive integer/],
      [Number.NaN, /positive integer/],
      [2e12, /at most/],
    ])('refuses price %p as an invalid command', (price, message) => {
      const attempt = () =>
        createProduct(initialProductState, {
          productId: 'p',
          title: 'T',
          category: leaf,
          skus: [{ code: 'A', price }],
        });
      expect(attempt).toThrow(InvalidCommandError);
      expect(attempt).toThrow(message);
    });

    it('accepts a zero cost, refuses a negative one', () => {
      expect(() =>
        createProduct(initialProductState, {
          productId: 'p',
          title: 'T',
          category: leaf,
          skus: [{ code: 'A', price: 1, cost: 0 }],
        }),
      ).not.toThrow();
      expect(() =>
        createProduct(initialProductState, {
          productId: 'p',
          title: 'T',
          category: leaf,
          skus: [{ code: 'A', price: 1, cost: -1 }],
        }),
      ).toThrow(/cost of SKU A must be an integer >= 0/);
    });

    it('refuses a SKU code repeated in the request, a malformed code, a blank title', () => {
      const twice = [
        { code: 'A', price: 1 },
        { code: 'A', price: 2 },
      ];
      expect(() =>
        createProduct(initialProductState, { productId: 'p', title: 'T', category: leaf, skus: twice }),
      ).toThrow(/appears more than once/);
      expect(() =>
        createProduct(initialProductState, {
          productId: 'p',
          title: 'T',
          category: leaf,
          skus: [{ code: 'has space', price: 1 }],
        }),
      ).toThrow(/SKU code "has space"/);
      expect(() =>
        createProduct(initialProductState, { productId: 'p', title: '   ', category: leaf, skus: [] }),
      ).toThrow(/title must not be blank/);
    });

    it('refuses to create an existing product', () => {
      expect(() => createProduct(draft(), { productId: 'p1', title: 'T', category: leaf, skus: [] })).toThrow(
        ConflictError,
      );
    });
  });

  describe('publish and unpublish', () => {
    it('publishes a draft with an active priced SKU in a leaf category, listing its active SKUs', () => {
      const state = apply(
        draft([
          { code: 'A', price: 100, cost: null },
          { code: 'B', price: 200, cost: null },
        ]),
        [{ type: 'SkuDiscontinued', data: { productId: 'p1', sku: 'A' } }],
      );
      expect(publishProduct(state, { productId: 'p1', category: leaf })).toEqual([
        { type: 'ProductPublished', data: { productId: 'p1', categoryId: 'cat-leaf', skus: ['B'] } },
      ]);
    });

    it('refuses (422) a product without any SKU, or with only discontinued ones', () => {
      const noSkus = draft([]);
      expect(() => publishProduct(noSkus, { productId: 'p1', category: leaf })).toThrow(BusinessRuleError);
      expect(() => publishProduct(noSkus, { productId: 'p1', category: leaf })).toThrow(
        /no active SKU with a price/,
      );
      const allGone = apply(draft(), [
        { type: 'SkuDiscontinued', data: { productId: 'p1', sku: 'TEE-RED-M' } },
      ]);
      expect(() => publishProduct(allGone, { productId: 'p1', category: leaf })).toThrow(
        /no active SKU with a price/,
      );
    });

    it('refuses (422) a product whose category has subcategories', () => {
      const state = draft(undefined, branch);
      expect(() => publishProduct(state, { productId: 'p1', category: branch })).toThrow(BusinessRuleError);
      expect(() => publishProduct(state, { productId: 'p1', category: branch })).toThrow(/has subcategories/);
    });

    it('moves DRAFT -> LISTED -> DELISTED -> LISTED and refuses the illegal transitions with the current state', () => {
      let state = draft();
      state = apply(state, publishProduct(state, { productId: 'p1', category: leaf }));
      expect(state.status).toBe('LISTED');
      expect(() => publishProduct(state, { productId: 'p1', category: leaf })).toThrow(
        IllegalTransitionError,
      );
      expect(() => publishProduct(state, { productId: 'p1', category: leaf })).toThrow(
        'Product is LISTED: cannot publish it',
      );
      const [unpublished] = unpublishProduct(state, { productId: 'p1' });
      expect(unpublished).toEqual({
        type: 'ProductUnpublished',
        data: { productId: 'p1', skus: ['TEE-RED-M'] },
      });
      state = apply(state, [unpublished]);
      expect(state.status).toBe('DELISTED');
      expect(() => unpublishProduct(state, { productId: 'p1' })).toThrow(
        'Product is DELISTED: cannot unpublish it',
      );
      expect(() => unpublishProduct(draft(), { productId: 'p1' })).toThrow(
        'Product is DRAFT: cannot unpublish it',
      );
      state = apply(state, publishProduct(state, { productId: 'p1', category: leaf }));
      expect(state.status).toBe('LISTED');
    });

    it('answers 404 for a product that does not exist', () => {
      expect(() => publishProduct(initialProductState, { productId: 'nope', category: leaf })).toThrow(
        NotFoundError,
      );
      expect(() => unpublishProduct(initialProductState, { productId: 'nope' })).toThrow(NotFoundError);
    });
  });

  describe('prices and costs', () => {
    it('records the previous price and currency; the same price again is a no-op', () => {
      const state = draft();
      expect(changeSkuPrice(state, { productId: 'p1', code: 'TEE-RED-M', price: 2599 })).toEqual([
        {
          type: 'SkuPriceChanged',
          data: { productId: 'p1', sku: 'TEE-RED-M', price: 2599, previousPrice: 1999, currency: 'CNY' },
        },
      ]);
      expect(changeSkuPrice(state, { productId: 'p1', code: 'TEE-RED-M', price: 1999 })).toEqual([]);
    });

    it('refuses a non-positive price, an unknown SKU and a discontinued SKU', () => {
      const state = draft();
      expect(() => changeSkuPrice(state, { productId: 'p1', code: 'TEE-RED-M', price: 0 })).toThrow(
        InvalidCommandError,
      );
      expect(() => changeSkuPrice(state, { productId: 'p1', code: 'OTHER', price: 100 })).toThrow(
        NotFoundError,
      );
      const gone = apply(state, discontinueSku(state, { productId: 'p1', code: 'TEE-RED-M' }));
      expect(() => changeSkuPrice(gone, { productId: 'p1', code: 'TEE-RED-M', price: 100 })).toThrow(
        'SKU is DISCONTINUED: cannot change its price',
      );
    });

    it('changes and clears the cost; a negative cost is refused', () => {
      const state = draft();
      expect(changeSkuCost(state, { productId: 'p1', code: 'TEE-RED-M', cost: 900 })[0].data).toEqual({
        productId: 'p1',
        sku: 'TEE-RED-M',
        cost: 900,
        currency: 'CNY',
      });
      expect(changeSkuCost(state, { productId: 'p1', code: 'TEE-RED-M', cost: null })[0].data).toMatchObject({
        cost: null,
      });
      expect(changeSkuCost(state, { productId: 'p1', code: 'TEE-RED-M', cost: 800 })).toEqual([]);
      expect(() => changeSkuCost(state, { productId: 'p1', code: 'TEE-RED-M', cost: -1 })).toThrow(
        InvalidCommandError,
      );
    });
  });

  describe('SKUs', () => {
    it('adds a SKU and refuses a code the product already has', () => {
      const state = draft();
      expect(addSku(state, { productId: 'p1', sku: { code: 'TEE-RED-L', price: 2099 } })).toHaveLength(1);
      expect(() => addSku(state, { productId: 'p1', sku: { code: 'TEE-RED-M', price: 2099 } })).toThrow(
        ConflictError,
      );
    });

    it('refuses to discontinue the last active SKU of a listed product, allows it on a draft', () => {
      const listed = apply(draft(), publishProduct(draft(), { productId: 'p1', category: leaf }));
      expect(() => discontinueSku(listed, { productId: 'p1', code: 'TEE-RED-M' })).toThrow(/last active SKU/);
      expect(discontinueSku(draft(), { productId: 'p1', code: 'TEE-RED-M' })).toEqual([
        { type: 'SkuDiscontinued', data: { productId: 'p1', sku: 'TEE-RED-M' } },
      ]);
    });
  });

  describe('details', () => {
    it('emits only the fields that change, nothing when nothing changes', () => {
      const state = draft();
      expect(changeProductDetails(state, { productId: 'p1', title: 'Tee', attributes: {} })).toEqual([]);
      expect(
        changeProductDetails(state, {
          productId: 'p1',
          title: 'Tee 2',
          description: 'Soft',
          attributes: { fit: 'slim' },
        }),
      ).toEqual([
        {
          type: 'ProductDetailsChanged',
          data: { productId: 'p1', title: 'Tee 2', description: 'Soft', attributes: { fit: 'slim' } },
        },
      ]);
      const moved = changeProductDetails(state, { productId: 'p1', category: { id: 'other', leaf: false } });
      expect(moved[0].data).toEqual({ productId: 'p1', categoryId: 'other' });
      expect(apply(state, moved).categoryId).toBe('other');
    });

    it('keeps a listed product in a leaf category', () => {
      const listed = apply(draft(), publishProduct(draft(), { productId: 'p1', category: leaf }));
      expect(() => changeProductDetails(listed, { productId: 'p1', category: branch })).toThrow(
        BusinessRuleError,
      );
      expect(
        changeProductDetails(listed, { productId: 'p1', category: { id: 'leaf-2', leaf: true } }),
      ).toHaveLength(1);
    });
  });
});
