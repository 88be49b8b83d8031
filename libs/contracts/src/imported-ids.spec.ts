import { importedMemberId, importedOrderId } from './imported-ids';

describe('imported ids', () => {
  it('map the same source id to the same uuid every time', () => {
    expect(importedOrderId('SO-1001')).toBe(importedOrderId('SO-1001'));
    expect(importedMemberId('C-77')).toBe(importedMemberId('C-77'));
    expect(importedOrderId('SO-1001')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('never map different source ids, or an order and a member with the same source id, together', () => {
    expect(importedOrderId('SO-1001')).not.toBe(importedOrderId('SO-1002'));
    expect(importedOrderId('42')).not.toBe(importedMemberId('42'));
  });
});
