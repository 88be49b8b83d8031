import { InvalidCommandError } from '@ecom/event-sourcing/domain';
import type { Attributes } from './product.aggregate';

/** Rules on the values a product command carries; shared by the decisions and the request DTOs. */
export const SKU_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;
export const DEFAULT_CURRENCY = 'CNY';
/** 10,000,000,000.00 in minor units: far above any real price, well inside a safe integer. */
export const MAX_MONEY = 1_000_000_000_000;
export const TITLE_MAX_LENGTH = 200;
export const DESCRIPTION_MAX_LENGTH = 5000;
export const MAX_ATTRIBUTES = 50;
export const ATTRIBUTE_KEY_MAX_LENGTH = 64;
export const ATTRIBUTE_VALUE_MAX_LENGTH = 500;
export const MAX_SKUS_PER_PRODUCT = 200;

export function assertPrice(price: number, field = 'price'): void {
  if (!Number.isSafeInteger(price) || price <= 0) {
    throw new InvalidCommandError(
      `${field} must be a positive integer in minor units (1999 = 19.99), got ${price}`,
      'INVALID_PRICE',
    );
  }
  if (price > MAX_MONEY)
    throw new InvalidCommandError(`${field} must be at most ${MAX_MONEY}`, 'INVALID_PRICE');
}

export function assertCost(cost: number | null, field = 'cost'): void {
  if (cost === null) return;
  if (!Number.isSafeInteger(cost) || cost < 0) {
    throw new InvalidCommandError(
      `${field} must be an integer >= 0 in minor units, got ${cost}`,
      'INVALID_COST',
    );
  }
  if (cost > MAX_MONEY)
    throw new InvalidCommandError(`${field} must be at most ${MAX_MONEY}`, 'INVALID_COST');
}

export function assertSkuCode(code: string): void {
  if (!SKU_CODE_PATTERN.test(code)) {
    throw new InvalidCommandError(
      `SKU code "${code}" must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit`,
      'INVALID_SKU_CODE',
    );
  }
}

export function assertCurrency(currency: string): void {
  if (!CURRENCY_PATTERN.test(currency)) {
    throw new InvalidCommandError(
      `currency must be an ISO 4217 code such as CNY, got "${currency}"`,
      'INVALID_CURRENCY',
    );
  }
}

export function normalizeTitle(title: string): string {
  const trimmed = title.trim();
  if (trimmed.length === 0) throw new InvalidCommandError('title must not be blank', 'INVALID_TITLE');
  if (trimmed.length > TITLE_MAX_LENGTH) {
    throw new InvalidCommandError(`title must be at most ${TITLE_MAX_LENGTH} characters`, 'INVALID_TITLE');
  }
  return trimmed;
}

export function normalizeDescription(description: string | null | undefined): string | null {
  if (description === null || description === undefined) return null;
  if (description.length > DESCRIPTION_MAX_LENGTH) {
    throw new InvalidCommandError(
      `description must be at most ${DESCRIPTION_MAX_LENGTH} characters`,
      'INVALID_DESCRIPTION',
    );
  }
  return description.trim() === '' ? null : description;
}

export function assertAttributes(attributes: Attributes, field = 'attributes'): void {
  const entries = Object.entries(attributes);
  if (entries.length > MAX_ATTRIBUTES) {
    throw new InvalidCommandError(
      `${field} may have at most ${MAX_ATTRIBUTES} entries`,
      'INVALID_ATTRIBUTES',
    );
  }
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > ATTRIBUTE_KEY_MAX_LENGTH) {
      throw new InvalidCommandError(
        `${field} keys must be 1-${ATTRIBUTE_KEY_MAX_LENGTH} characters`,
        'INVALID_ATTRIBUTES',
      );
    }
    if (typeof value !== 'string' || value.length > ATTRIBUTE_VALUE_MAX_LENGTH) {
      throw new InvalidCommandError(
        `${field}.${key} must be a string of at most ${ATTRIBUTE_VALUE_MAX_LENGTH} characters`,
        'INVALID_ATTRIBUTES',
      );
    }
  }
}

/** Same keys and values, whatever the key order. */
export function sameAttributes(a: Attributes, b: Attributes): boolean {
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && b[key] === a[key])
  );
}
