/**
 * What the phases hand in: figures (each with its target, and the id of the figure that is its
 * reference limit), correctness checks, load results (to check for 5xx and empty phases), details.
 */
import { LoadResult } from './load';
import { Check, Figure, judge, Target } from './report';

export interface FigureInput {
  id: string;
  label: string;
  value: number | null;
  unit: string;
  target?: Target;
  /** Id of the figure measured in this run that serves as this one's reference limit. */
  referenceId?: string;
  note?: string;
  secondary?: boolean;
  /** A short name for this figure where another one shows it as its reference. */
  short?: string;
}

export class Results {
  private readonly inputs: FigureInput[] = [];
  readonly checks: Check[] = [];
  readonly details: Record<string, unknown> = {};
  /** Every closed-loop load run, by phase. */
  readonly loads: { phase: string; result: LoadResult }[] = [];

  figure(input: FigureInput): void {
    const value = input.value === null || Number.isNaN(input.value) ? null : input.value;
    this.inputs.push({ ...input, value });
  }

  check(name: string, ok: boolean, detail: string): void {
    this.checks.push({ name, ok, detail });
  }

  load(phase: string, result: LoadResult): LoadResult {
    this.loads.push({ phase, result });
    return result;
  }

  detail(key: string, value: unknown): void {
    this.details[key] = value;
  }

  /** The checks every run makes of its loads: each did something, and the stack never answered 5xx. */
  checkLoads(): void {
    const empty = this.loads.filter((l) => l.result.ok === 0).map((l) => `${l.phase}/${l.result.label}`);
    this.check(
      'every load completed at least one operation',
      empty.length === 0,
      empty.length ? `no successful operation in: ${empty.join(', ')}` : `${this.loads.length} loads`,
    );
    const errors = this.loads.filter((l) => l.result.serverErrors > 0);
    this.check(
      'no 5xx answers',
      errors.length === 0,
      errors.length
        ? errors.map((l) => `${l.phase}/${l.result.label}: ${JSON.stringify(l.result.statuses)}`).join('; ')
        : 'none',
    );
  }

  figures(): Figure[] {
    const byId = new Map(this.inputs.map((f) => [f.id, f]));
    return this.inputs.map(({ referenceId, short: _short, ...input }) => {
      const reference = referenceId ? byId.get(referenceId) : undefined;
      return judge({
        ...input,
        ...(referenceId
          ? {
              reference: {
                label: reference?.short ?? reference?.label ?? referenceId,
                value: reference?.value ?? null,
                unit: reference?.unit ?? '',
              },
            }
          : {}),
      });
    });
  }
}
