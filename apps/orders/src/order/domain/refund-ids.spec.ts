import { cancellationRefundId, returnRefundId } from './refund-ids';

describe('refund ids', () => {
  it('are the same for every attempt at the same refund', () => {
    expect(cancellationRefundId('order-1')).toBe(cancellationRefundId('order-1'));
    expect(returnRefundId('return-1')).toBe(returnRefundId('return-1'));
  });

  it('differ between orders, between returns, and between a cancellation and a return with the same id', () => {
    expect(cancellationRefundId('order-1')).not.toBe(cancellationRefundId('order-2'));
    expect(returnRefundId('return-1')).not.toBe(returnRefundId('return-2'));
    expect(cancellationRefundId('x')).not.toBe(returnRefundId('x'));
  });
});
