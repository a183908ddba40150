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
   * Give a function to start the work within the timing: the time it
   * blocks before its first await counts too.
   */
  timed<T>(what: string, work: Promise<T> | (() => Promise<T>), limitMs?: number): Promise<T>;
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
  private readonly hangWindows: Array<[number, number]> = [];
  /** Faults and checks per group: that each group had its share of the run. */
  private readonly perGroup = new Map<string, { faults: number; checked: number }>();

  scope(group: string, scenario: string): FaultScope {
    const where = `${group}/${scenario}`;
    const mine = this.perGroup.get(group) ?? { faults: 0, checked: 0 };
    this.perGroup.set(group, mine);
    return {
      fault: () => {
        this.faults++;
        mine.faults++;
      },
      check: (honest, what) => {
        this.checked++;
        mine.checked++;
        if (!honest) {
          this.dishonest++;
          this.problem(`${where}: dishonest: ${what}`);
        }
      },
      timed: async (what, work, limitMs = HANG_MS) => {
        const started = performance.now();
        try {
          return await (typeof work === 'function' ? work() : work);
        } finally {
          const ended = performance.now();
          if (ended - started > limitMs) this.hang(`${where}: ${what} took ${Math.round(ended - started)} ms`, started, ended);
        }
      },
      sample: (name, ms) => {
        const list = this.samples.get(name) ?? [];
        list.push(ms);
        this.samples.set(name, list);
      },
    };
  }

  /**
   * One hang, from `from` to `to` (performance.now()). A blocked event loop
   * is seen by the stall watch and by the step it blocked: a hang that
   * overlaps one already counted is the same hang, shown but not counted.
   */
  hang(why: string, from: number, to: number): void {
    const same = this.hangWindows.some(([a, b]) => from < b && a < to);
    this.hangWindows.push([from, to]);
    if (this.hangWindows.length > 100) this.hangWindows.shift();
    if (same) {
      this.problem(`${why} (the same hang)`);
      return;
    }
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

  byGroup(): Record<string, { faults: number; checked: number }> {
    return Object.fromEntries(this.perGroup);
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
