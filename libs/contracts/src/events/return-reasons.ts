/**
 * Why a customer returns goods (ReturnRequested): the one list every service, report and the
 * simulator use. A module of its own without imports, reachable as @ecom/contracts/return-reasons,
 * so pure domain code can use the values without loading the contracts' schema validator.
 */
export const RETURN_REASONS = [
  'SIZE_MISMATCH',
  'QUALITY',
  'DAMAGED_IN_TRANSIT',
  'NOT_AS_DESCRIBED',
  'OTHER',
] as const;
export type ReturnReasonCode = (typeof RETURN_REASONS)[number];
