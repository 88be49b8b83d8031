import { BusinessRuleError, ConflictError, InvalidCommandError } from '@ecom/event-sourcing/domain';
import { CategoryEvent, CategoryState, MAX_CATEGORY_DEPTH } from './category.aggregate';

export const CATEGORY_NAME_MAX_LENGTH = 100;

/** What the decision needs to know about the parent, read in the command's transaction. */
export interface ParentCategoryFacts {
  id: string;
  depth: number;
  /** LISTED products sit in it: it must stay a leaf, or they would be listed in a non-leaf category. */
  listedProducts: number;
}

export interface CreateCategory {
  categoryId: string;
  name: string;
  /** null for a root category. */
  parent: ParentCategoryFacts | null;
  /** Names of the categories that already have the same parent (the roots, for a root). */
  siblingNames: readonly string[];
}

/** Names compare trimmed, case-insensitively and with inner whitespace collapsed ("Men  Shoes" = "men shoes"). */
export function normalizeCategoryName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLocaleLowerCase('en');
}

export function createCategory(state: CategoryState, command: CreateCategory): CategoryEvent[] {
  if (state.exists)
    throw new ConflictError(`category ${command.categoryId} already exists`, 'CATEGORY_EXISTS');
  const name = command.name.trim().replace(/\s+/g, ' ');
  if (name.length === 0) throw new InvalidCommandError('name must not be blank', 'CATEGORY_NAME_BLANK');
  if (name.length > CATEGORY_NAME_MAX_LENGTH) {
    throw new InvalidCommandError(
      `name must be at most ${CATEGORY_NAME_MAX_LENGTH} characters`,
      'CATEGORY_NAME_TOO_LONG',
    );
  }
  const depth = command.parent ? command.parent.depth + 1 : 1;
  if (depth > MAX_CATEGORY_DEPTH) {
    throw new BusinessRuleError(
      `categories are at most ${MAX_CATEGORY_DEPTH} levels deep: parent ${command.parent!.id} is at level ${command.parent!.depth}`,
      'CATEGORY_TOO_DEEP',
      { parentId: command.parent!.id, parentDepth: command.parent!.depth },
    );
  }
  if (command.parent && command.parent.listedProducts > 0) {
    throw new BusinessRuleError(
      `category ${command.parent.id} has ${command.parent.listedProducts} listed product(s): listed products must stay in a leaf category, unpublish or move them first`,
      'CATEGORY_HAS_LISTED_PRODUCTS',
      { parentId: command.parent.id, listedProducts: command.parent.listedProducts },
    );
  }
  const normalized = normalizeCategoryName(name);
  if (command.siblingNames.some((sibling) => normalizeCategoryName(sibling) === normalized)) {
    throw new ConflictError(
      command.parent
        ? `a category named "${name}" already exists under ${command.parent.id}`
        : `a root category named "${name}" already exists`,
      'CATEGORY_NAME_TAKEN',
      { name, parentId: command.parent?.id ?? null },
    );
  }
  return [
    {
      type: 'CategoryCreated',
      data: { categoryId: command.categoryId, name, parentId: command.parent?.id ?? null, depth },
    },
  ];
}
