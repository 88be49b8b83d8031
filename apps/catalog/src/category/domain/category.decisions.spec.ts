import { BusinessRuleError, ConflictError, InvalidCommandError } from '@ecom/event-sourcing/domain';
import { CategoryAggregate, CategoryState } from './category.aggregate';
import { createCategory, normalizeCategoryName } from './category.decisions';

const fresh: CategoryState = CategoryAggregate.initialState;
const parent = (depth: number, listedProducts = 0) => ({ id: `parent-${depth}`, depth, listedProducts });

describe('Category decisions', () => {
  it('creates a root at depth 1 with a null parent', () => {
    expect(
      createCategory(fresh, { categoryId: 'c1', name: 'Apparel', parent: null, siblingNames: [] }),
    ).toEqual([
      { type: 'CategoryCreated', data: { categoryId: 'c1', name: 'Apparel', parentId: null, depth: 1 } },
    ]);
  });

  it('places a child one level below its parent, up to level 3', () => {
    const [level2] = createCategory(fresh, {
      categoryId: 'c2',
      name: 'Men',
      parent: parent(1),
      siblingNames: [],
    });
    expect(level2.data).toMatchObject({ parentId: 'parent-1', depth: 2 });
    const [level3] = createCategory(fresh, {
      categoryId: 'c3',
      name: 'Shirts',
      parent: parent(2),
      siblingNames: [],
    });
    expect(level3.data).toMatchObject({ parentId: 'parent-2', depth: 3 });
  });

  it('refuses a fourth level with a business-rule error naming the parent', () => {
    const attempt = () =>
      createCategory(fresh, { categoryId: 'c4', name: 'Too deep', parent: parent(3), siblingNames: [] });
    expect(attempt).toThrow(BusinessRuleError);
    expect(attempt).toThrow(/at most 3 levels deep: parent parent-3 is at level 3/);
  });

  it('refuses a name its siblings already use, ignoring case and extra spaces', () => {
    const attempt = () =>
      createCategory(fresh, {
        categoryId: 'c5',
        name: '  men   SHOES ',
        parent: parent(1),
        siblingNames: ['Women', 'Men Shoes'],
      });
    expect(attempt).toThrow(ConflictError);
    expect(attempt).toThrow(/"men SHOES" already exists under parent-1/);
    expect(() =>
      createCategory(fresh, { categoryId: 'c6', name: 'apparel', parent: null, siblingNames: ['Apparel'] }),
    ).toThrow(/root category named "apparel"/);
  });

  it('allows the same name under different parents (siblings only are compared)', () => {
    expect(
      createCategory(fresh, { categoryId: 'c7', name: 'Shoes', parent: parent(1), siblingNames: ['Bags'] }),
    ).toHaveLength(1);
  });

  it('stores the trimmed name and refuses blank names', () => {
    const [event] = createCategory(fresh, {
      categoryId: 'c8',
      name: '  Kids  Wear ',
      parent: null,
      siblingNames: [],
    });
    expect(event.data.name).toBe('Kids Wear');
    expect(() =>
      createCategory(fresh, { categoryId: 'c9', name: '   ', parent: null, siblingNames: [] }),
    ).toThrow(InvalidCommandError);
  });

  it('refuses to give children to a category that holds listed products (they must stay in a leaf)', () => {
    expect(() =>
      createCategory(fresh, { categoryId: 'c10', name: 'Sub', parent: parent(1, 2), siblingNames: [] }),
    ).toThrow(/has 2 listed product\(s\)/);
  });

  it('refuses to create the same category twice', () => {
    const created = CategoryAggregate.evolve(
      fresh,
      createCategory(fresh, { categoryId: 'c11', name: 'A', parent: null, siblingNames: [] })[0],
    );
    expect(created).toEqual({ exists: true, id: 'c11', name: 'A', parentId: null, depth: 1 });
    expect(() =>
      createCategory(created, { categoryId: 'c11', name: 'A', parent: null, siblingNames: [] }),
    ).toThrow(ConflictError);
  });

  it('normalises names for comparison', () => {
    expect(normalizeCategoryName('  T-Shirts\tand  Tops ')).toBe('t-shirts and tops');
  });
});
