import { AuthenticatedMember } from '@ecom/auth';
import type { EventContext } from '@ecom/contracts';
import { EventSourcingRuntime } from '@ecom/platform';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { OrderAggregate } from '../../domain/order.aggregate';
import { requestReturn } from '../../domain/order.decisions';
import { assertOrderOwner } from '../../order-access';
import type { RequestReturnDto } from './request-return.dto';

/**
 * The customer asks to return lines of a DELIVERED or COMPLETED order (returns live in the Order
 * aggregate); the note stays in the orders database, committed with the ReturnRequested event.
 */
@Injectable()
export class RequestReturnHandler {
  constructor(private readonly runtime: EventSourcingRuntime) {}

  /** Returns the new return's id. */
  async execute(
    member: AuthenticatedMember,
    orderId: string,
    dto: RequestReturnDto,
    context: EventContext,
  ): Promise<string> {
    const returnId = uuidv7();
    await this.runtime.commands.run(async (session) => {
      await session.execute(
        OrderAggregate,
        orderId,
        (state) => {
          assertOrderOwner(member, state.memberId, 'requests a return');
          return requestReturn(state, {
            kind: 'requestReturn',
            returnId,
            reason: dto.reason,
            lines: dto.items,
          });
        },
        context,
      );
      if (dto.note) {
        await session.sql.query(`INSERT INTO return_notes (return_id, order_id, note) VALUES ($1, $2, $3)`, [
          returnId,
          orderId,
          dto.note,
        ]);
      }
    });
    return returnId;
  }
}
