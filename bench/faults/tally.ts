/**
 * The shared tally of the fault benchmark: what every group counts the same
 * way (faults injected, outcomes checked, dishonest outcomes, process
 * deaths, hangs over 5 s) plus named samples a group reports as its own
 * figures (latencies).
 */

/** An awaited step longer than this is a hang. */
export const HANG_MS = 5000;

export interface FaultScope {
  /** One fault injected (a frozen server, a held write, ...). */
  fault(): void;
  /** One reported outcome compared with what really happened; `honest` false counts it as dishonest, with why. */
  check(honest: boolean, what: string): void;
  /**
   * Awaits `work`, counting a hang when it takes longer than `limitMs`
   * (HANG_MS unless given: a longer limit is for work that is slow by its
   * nature, such as pg_restore reading a whole dump, never for an answer).
   */
  timed<T>(what: string, work: Promise<T>, limitMs?: number): Promise<T>;
  sample(name: string, ms: number): void;
}

export interface FaultScenario<S> {
  name: string;
  run(state: S, scope: FaultScope): Promise<void>;
}

export interface FaultGroup<S = unknown> {
  /** Names the group's figures ("flags"). */
  name: string;
  setup(): Promise<S>;
  teardown(state: S): Promise<void>;
  scenarios: Array<FaultScenario<S>>;
  /** The group's own figures for the last line, named for it. */
  figures(tally: FaultTally): Record<string, number | null>;
}

export class FaultTally {
  private faults = 0;
  private checked = 0;
  private dishonest = 0;
  private deaths = 0;
  private hangs = 0;
  readonly problems: string[] = [];
  private readonly samples = new Map<string, number[]>();

  scope(group: string, scenario: string): FaultScope {
    const where = `${group}/${scenario}`;
    return {
      fault: () => void this.faults++,
      check: (honest, what) => {
        this.checked++;
        if (!honest) {
          this.dishonest++;
          this.problem(`${where}: dishonest: ${what}`);
        }
      },
      timed: async (what, work, limitMs = HANG_MS) => {
        const started = performance.now();
        try {
          return await work;
        } finally {
          const ms = performance.now() - started;
          if (ms > limitMs) this.hang(`${where}: ${what} took ${Math.round(ms)} ms`);
        }
      },
      sample: (name, ms) => {
        const list = this.samples.get(name) ?? [];
        list.push(ms);
        this.samples.set(name, list);
      },
    };
  }

  /** A hang seen outside an awaited step (the event loop stalled). */
  hang(why: string): void {
    this.hangs++;
    this.problem(why);
  }

  death(why: string): void {
    this.deaths++;
    this.problem(why);
  }

  totals(): { faultsInjected: number; outcomesChecked: number; dishonestOutcomes: number; processDeaths: number; hangsOver5s: number } {
    return { faultsInjected: this.faults, outcomesChecked: this.checked, dishonestOutcomes: this.dishonest, processDeaths: this.deaths, hangsOver5s: this.hangs };
  }

  percentile(name: string, p: number): number | null {
    const values = [...(this.samples.get(name) ?? [])].sort((a, b) => a - b);
    if (values.length === 0) return null;
    return Math.round(values[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]! * 10) / 10;
  }

  count(name: string): number {
    return this.samples.get(name)?.length ?? 0;
  }

  private problem(text: string): void {
    if (this.problems.length < 200) this.problems.push(text);
  }
}
