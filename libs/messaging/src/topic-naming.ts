/**
 * Maps logical topic names to the names on the broker. A prefix lets parallel test suites (or several
 * environments on one cluster) share a broker without seeing each other's messages.
 */
export class TopicNaming {
  constructor(readonly prefix = '') {}

  physical(logical: string): string {
    return this.prefix + logical;
  }

  logical(physical: string): string {
    return this.prefix && physical.startsWith(this.prefix) ? physical.slice(this.prefix.length) : physical;
  }
}
