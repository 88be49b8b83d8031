import { Prng } from './prng';

/** A category to create; `parentKey` names the category above it (null for a root). */
export interface CategoryPlan {
  key: string;
  name: string;
  parentKey: string | null;
  depth: 1 | 2 | 3;
}

export interface SkuPlan {
  code: string;
  productKey: string;
  /** Minor units (CNY fen). */
  price: number;
  cost: number;
  attributes: Record<string, string>;
  /** Relative demand: shoppers view and buy a SKU in proportion to it. */
  popularity: number;
  /** Sold in batches that expire (groceries, skincare). */
  perishable: boolean;
}

export interface ProductPlan {
  key: string;
  title: string;
  description: string;
  categoryKey: string;
  skus: SkuPlan[];
}

export interface CatalogPlan {
  categories: CategoryPlan[];
  products: ProductPlan[];
  /** Every SKU, the flash-sale SKU last. */
  skus: SkuPlan[];
  /** The hot SKU of the flash sale: little stock, many shoppers. */
  flashSku: string;
  /** Words shoppers search for (the product nouns). */
  searchTerms: string[];
}

interface Department {
  name: string;
  /** Price range in whole yuan. */
  price: [number, number];
  perishable: boolean;
  variant: { attribute: string; values: string[] };
  groups: { name: string; leaves: [name: string, noun: string][] }[];
}

/**
 * The shop's departments: root -> group -> leaf (three levels), each leaf with the noun of its
 * products. Small runs take the first two: electronics (the flash sale's) and groceries (batches
 * that expire).
 */
const DEPARTMENTS: Department[] = [
  {
    name: 'Electronics',
    price: [49, 1999],
    perishable: false,
    variant: { attribute: 'colour', values: ['black', 'white', 'blue'] },
    groups: [
      {
        name: 'Audio',
        leaves: [
          ['Headphones', 'headphones'],
          ['Speakers', 'speaker'],
        ],
      },
      {
        name: 'Mobile',
        leaves: [
          ['Chargers', 'charger'],
          ['Cases', 'phone case'],
          ['Power banks', 'power bank'],
        ],
      },
      {
        name: 'Computing',
        leaves: [
          ['Keyboards', 'keyboard'],
          ['Mice', 'mouse'],
          ['Monitors', 'monitor'],
        ],
      },
    ],
  },
  {
    name: 'Grocery',
    price: [5, 99],
    perishable: true,
    variant: { attribute: 'pack', values: ['single', 'pack of 3', 'pack of 6'] },
    groups: [
      {
        name: 'Snacks',
        leaves: [
          ['Nuts', 'mixed nuts'],
          ['Chips', 'chips'],
          ['Chocolate', 'chocolate bar'],
        ],
      },
      {
        name: 'Drinks',
        leaves: [
          ['Tea', 'green tea'],
          ['Coffee', 'coffee beans'],
          ['Juice', 'juice'],
        ],
      },
      {
        name: 'Pantry',
        leaves: [
          ['Rice', 'jasmine rice'],
          ['Noodles', 'noodles'],
          ['Sauces', 'soy sauce'],
        ],
      },
    ],
  },

  {
    name: 'Apparel',
    price: [59, 699],
    perishable: false,
    variant: { attribute: 'size', values: ['S', 'M', 'L', 'XL'] },
    groups: [
      {
        name: 'Women',
        leaves: [
          ['Dresses', 'dress'],
          ['Tops', 'top'],
          ['Outerwear', 'coat'],
        ],
      },
      {
        name: 'Men',
        leaves: [
          ['Shirts', 'shirt'],
          ['Trousers', 'trousers'],
          ['Jackets', 'jacket'],
        ],
      },
      {
        name: 'Kids',
        leaves: [
          ['Baby', 'romper'],
          ['Boys', 'hoodie'],
          ['Girls', 'skirt'],
        ],
      },
    ],
  },
  {
    name: 'Beauty',
    price: [29, 599],
    perishable: true,
    variant: { attribute: 'volume', values: ['30ml', '50ml', '100ml'] },
    groups: [
      {
        name: 'Skincare',
        leaves: [
          ['Cleansers', 'cleanser'],
          ['Serums', 'serum'],
          ['Masks', 'face mask'],
        ],
      },
      {
        name: 'Makeup',
        leaves: [
          ['Lipstick', 'lipstick'],
          ['Foundation', 'foundation'],
        ],
      },
      {
        name: 'Fragrance',
        leaves: [
          ['Perfume', 'perfume'],
          ['Candles', 'scented candle'],
        ],
      },
    ],
  },
  {
    name: 'Home',
    price: [19, 899],
    perishable: false,
    variant: { attribute: 'colour', values: ['white', 'grey', 'sage', 'navy'] },
    groups: [
      {
        name: 'Kitchen',
        leaves: [
          ['Cookware', 'pan'],
          ['Tableware', 'bowl set'],
          ['Storage', 'jar'],
        ],
      },
      {
        name: 'Bedding',
        leaves: [
          ['Sheets', 'sheet set'],
          ['Pillows', 'pillow'],
          ['Blankets', 'blanket'],
        ],
      },
      {
        name: 'Decor',
        leaves: [
          ['Lighting', 'lamp'],
          ['Frames', 'frame'],
          ['Vases', 'vase'],
        ],
      },
    ],
  },
];

const ADJECTIVES = [
  'Classic',
  'Everyday',
  'Premium',
  'Organic',
  'Compact',
  'Deluxe',
  'Essential',
  'Urban',
  'Nordic',
  'Silk',
  'Bamboo',
  'Vintage',
  'Smart',
  'Cosy',
  'Travel',
  'Studio',
];

/** How many SKUs a run of this many shoppers gets: a few hundred at 2,000 shoppers, at least 24. */
export function skuCountFor(shoppers: number): number {
  return Math.min(300, Math.max(24, Math.round(shoppers * 0.15)));
}

/** A price in whole yuan ending in 9 (or 9.9 below 10), log-uniform in the range, as minor units. */
function priceIn(prng: Prng, [low, high]: [number, number]): number {
  const yuan = Math.exp(Math.log(low) + prng.next() * (Math.log(high) - Math.log(low)));
  if (yuan < 10) return Math.max(1, Math.round(yuan)) * 100 - 10;
  return (Math.floor(yuan / 10) * 10 + 9) * 100;
}

/**
 * Categories three levels deep and products with one to three SKUs each, priced by department with
 * costs at 35-70% of the price; a leaf per product, popularity skewed (a few SKUs sell most). Small
 * runs use fewer departments and leaves. The flash-sale product is one more, in the first leaf.
 */
export function planCatalog(prng: Prng, options: { shoppers: number; prefix: string }): CatalogPlan {
  const code = options.prefix.toUpperCase();
  const targetSkus = skuCountFor(options.shoppers);
  const departments = DEPARTMENTS.slice(
    0,
    Math.min(DEPARTMENTS.length, Math.max(2, Math.ceil(targetSkus / 60))),
  );
  const small = targetSkus < 100;
  const categories: CategoryPlan[] = [];
  const leaves: { key: string; noun: string; department: Department }[] = [];
  departments.forEach((department, d) => {
    const rootKey = `c${d}`;
    categories.push({ key: rootKey, name: department.name, parentKey: null, depth: 1 });
    department.groups.slice(0, small ? 2 : 3).forEach((group, g) => {
      const groupKey = `${rootKey}.${g}`;
      categories.push({ key: groupKey, name: group.name, parentKey: rootKey, depth: 2 });
      group.leaves.slice(0, small ? 2 : 3).forEach(([name, noun], l) => {
        const leafKey = `${groupKey}.${l}`;
        categories.push({ key: leafKey, name, parentKey: groupKey, depth: 3 });
        leaves.push({ key: leafKey, noun, department });
      });
    });
  });

  const products: ProductPlan[] = [];
  let skuTotal = 0;
  for (let p = 0; skuTotal < targetSkus; p++) {
    const leaf = leaves[p % leaves.length];
    const { department } = leaf;
    const key = `p${p}`;
    const productCode = `${code}-${String(p + 1).padStart(4, '0')}`;
    const variants = prng.sample(department.variant.values, Math.min(prng.int(1, 3), targetSkus - skuTotal));
    const base = priceIn(prng, department.price);
    const title = `${prng.pick(ADJECTIVES)} ${leaf.noun}`;
    const skus = variants.map((value, v): SkuPlan => {
      const price = base + v * (base >= 10_000 ? 1000 : 100);
      return {
        code: `${productCode}-${value.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`,
        productKey: key,
        price,
        cost: Math.round(price * (0.35 + prng.next() * 0.35)),
        attributes: { [department.variant.attribute]: value },
        popularity: 0,
        perishable: department.perishable,
      };
    });
    products.push({
      key,
      title: title.charAt(0).toUpperCase() + title.slice(1),
      description: `${title} from the ${department.name.toLowerCase()} department (simulated catalog).`,
      categoryKey: leaf.key,
      skus,
    });
    skuTotal += skus.length;
  }

  // Demand skewed like real shops: the rank-r SKU is wanted in proportion to 1 / r^0.8.
  const regular = products.flatMap((p) => p.skus);
  prng.shuffle(regular).forEach((sku, rank) => {
    sku.popularity = Math.round(1000 / Math.pow(rank + 1, 0.8));
  });

  const flashSku: SkuPlan = {
    code: `${code}-FLASH-1`,
    productKey: 'flash',
    price: 9900,
    cost: 6500,
    attributes: { edition: 'flash sale' },
    popularity: 0,
    perishable: false,
  };
  products.push({
    key: 'flash',
    title: `Flash deal: wireless earbuds`,
    description: 'Limited stock, one evening only (simulated flash sale).',
    categoryKey: leaves[0].key,
    skus: [flashSku],
  });
  const searchTerms = [...new Set(leaves.map((l) => l.noun))];
  return { categories, products, skus: [...regular, flashSku], flashSku: flashSku.code, searchTerms };
}
