/**
 * The pure entry point of @ecom/event-sourcing for domain code: error types and aggregate
 * definitions, nothing that does I/O. `domain/` folders import this (`@ecom/event-sourcing/domain`),
 * never the package root, which loads the PostgreSQL store, the relay and the metrics; the lint
 * rule in eslint.config.mjs holds them to it.
 */
export * from './domain-error';
export * from './aggregate-definition';
