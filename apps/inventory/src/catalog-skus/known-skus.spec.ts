import { InvalidCommandError } from '@ecom/event-sourcing';
import { checkSkuFormat } from './known-skus';

describe('checkSkuFormat (the contract Sku, and no text PostgreSQL would refuse)', () => {
  it('accepts SKU codes of 1 to 64 characters', () => {
    for (const sku of ['A', 'TEE-RED-M', 'x'.repeat(64), '__proto__']) expect(checkSkuFormat(sku)).toBe(sku);
  });

  it('refuses empty, too long, NUL, control characters and lone surrogates with the field', () => {
    for (const sku of ['', 'x'.repeat(65), 'a\u0000b', 'a\nb', 'a\ud800', '\udc00b']) {
      expect(() => checkSkuFormat(sku)).toThrow(InvalidCommandError);
    }
    expect(() => checkSkuFormat('a\u0000b', 'sku')).toThrow(
      expect.objectContaining({ details: { field: 'sku' } }),
    );
  });
});
