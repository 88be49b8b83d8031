/**
 * Errors a domain decision raises. They carry no HTTP or framework detail: the platform maps each
 * kind to a status (invalid 400, not_found 404, conflict 409, rule 422) at the edge.
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict' | 'rule' | 'forbidden';

export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;
  constructor(
    message: string,
    /** Machine-readable code for clients, e.g. "SKU_CODE_TAKEN". */
    readonly code?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command itself is malformed in a way only the domain can tell (400). */
export class InvalidCommandError extends DomainError {
  readonly kind = 'invalid' as const;
}

/** The thing the command names does not exist (404). */
export class NotFoundError extends DomainError {
  readonly kind = 'not_found' as const;
}

/** The caller may not act on this object (403). */
export class ForbiddenError extends DomainError {
  readonly kind = 'forbidden' as const;
}

/** Conflicts with existing state: a duplicate, or a transition the current state does not allow (409). */
export class ConflictError extends DomainError {
  readonly kind = 'conflict' as const;
}

export class IllegalTransitionError extends ConflictError {
  constructor(
    readonly aggregateType: string,
    readonly currentState: string,
    readonly attempted: string,
  ) {
    super(`${aggregateType} is ${currentState}: cannot ${attempted}`, 'ILLEGAL_TRANSITION', {
      currentState,
      attempted,
    });
  }
}

/** A business rule refuses the command although it is well-formed (422). */
export class BusinessRuleError extends DomainError {
  readonly kind = 'rule' as const;
}
