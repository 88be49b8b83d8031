import {
  FUNNEL_STEPS,
  FunnelChannelView,
  FunnelDayView,
  FunnelStepName,
  FunnelStepView,
  FunnelView,
} from '@ecom/analytics-read-models';
import { ApiProperty } from '@nestjs/swagger';
import { count, day, ratio } from '../openapi/properties';
import type { Expect, SameShape } from '../openapi/same-shape';

const STEP_NAMES: FunnelStepName[] = FUNNEL_STEPS.map((s) => s.name);
const CHANNEL = { type: String, pattern: '^[a-z0-9_-]{1,32}$', example: 'web', nullable: true } as const;

export class FunnelStepResponse implements FunnelStepView {
  @ApiProperty({ enum: STEP_NAMES, description: 'the step; steps come in funnel order' })
  name!: FunnelStepName;

  @ApiProperty(count('visitor-days that reached this step after every earlier one that day'))
  visitors!: number;

  @ApiProperty(ratio('visitors / visitors of the previous step (1 for the first step)', true))
  conversionFromPrevious!: number | null;

  @ApiProperty(ratio('visitors / visitors of the first step', true))
  conversionFromStart!: number | null;
}

export class FunnelDayResponse implements FunnelDayView {
  @ApiProperty(day('the day'))
  day!: string;

  @ApiProperty({ type: [FunnelStepResponse] })
  steps!: FunnelStepResponse[];
}

export class FunnelChannelResponse implements FunnelChannelView {
  @ApiProperty({
    ...CHANNEL,
    description: "the visitors' first-touch channel that day; null: none of their events carried one",
  })
  channel!: string | null;

  @ApiProperty({ type: [FunnelStepResponse] })
  steps!: FunnelStepResponse[];
}

export class FunnelResponse implements FunnelView {
  @ApiProperty(day('first day of the range, included'))
  from!: string;

  @ApiProperty(day('last day of the range, included'))
  to!: string;

  @ApiProperty({ ...CHANNEL, description: 'the channel filter asked for; null for all channels' })
  channel!: string | null;

  @ApiProperty({ type: [FunnelStepResponse], description: 'over the whole range, summing visitor-days' })
  steps!: FunnelStepResponse[];

  @ApiProperty({ type: [FunnelDayResponse], description: 'every day of the range, oldest first' })
  days!: FunnelDayResponse[];

  @ApiProperty({
    type: [FunnelChannelResponse],
    description: 'the range per first-touch channel, by channel name (no channel last)',
  })
  channels!: FunnelChannelResponse[];
}

export type FunnelResponseMatchesView = Expect<SameShape<FunnelResponse, FunnelView>>;
