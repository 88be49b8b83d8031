/**
 * true when A and B have the same fields with the same types, each assignable to the other. A class
 * that `implements` an interface may still add fields or narrow a nullable one; this catches both.
 */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * Compiles only for `true`: `export type XMatchesY = Expect<SameShape<X, Y>>` binds an OpenAPI
 * response class to the result type of its query, so the documented schema and the code that
 * answers cannot drift apart.
 */
export type Expect<T extends true> = T;
