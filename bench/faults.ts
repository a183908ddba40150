/**
 * npm run bench:faults [-- --seconds N] [--groups flags,backups,files]
 *
 * The fault matrix in a loop for N seconds (default 300): each group of
 * scenarios (bench/faults/*.ts) injects its faults against real servers on
 * loopback or real files, and every outcome Flightdeck reports is checked
 * against what really happened. The groups take turns, each running its
 * next scenario, until the time is up (a round: every scenario once). A scenario adds to the shared tally; the
 * last line is one JSON object with the totals (faults injected, outcomes
 * checked, dishonest outcomes, process deaths, hangs over 5 s) and each
 * group's own figures, named for the group (flags: the rollback guard's
 * reassertion latency p95, from the late landing to the rollback's value
 * being back, target under 2 s).
 *
 * - flags: HTTP flag targets and Redis faults racing a rollback;
 * - backups: PostgreSQL killed mid-dump, damaged dumps under recomputed sums;
 * - files: a FIFO profile and runbook, an edited or torn last journal line.
 *
 * The services and the cockpit run in this process, so a fault that
 * escapes them is a process death here, and an event loop blocked over
 * 5 s is a hang whatever was awaited.
 *
 * Adding a group: export a FaultGroup from a module in bench/faults/ and
 * list it in GROUPS below.
 */
import { parseArgs } from 'node:util';
import { backupFaults } from './faults/backup-faults';
import { fileFaults } from './faults/file-faults';
import { flagFaults } from './faults/flag-faults';
import { watchStalls } from './faults/stall-watch';
import { FaultTally, type FaultGroup } from './faults/tally';

const GROUPS = [flagFaults, backupFaults, fileFaults] as FaultGroup[];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '300' }, groups: { type: 'string', default: GROUPS.map((g) => g.name).join(',') } }, strict: true });
  const seconds = Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`--seconds must be a positive number, not ${values.seconds}`);
  const names = values.groups.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !GROUPS.some((g) => g.name === name));
  if (unknown.length > 0) throw new Error(`--groups: no group ${unknown.join(', ')} (there are ${GROUPS.map((g) => g.name).join(', ')})`);
  const selected = GROUPS.filter((g) => names.includes(g.name));
  const tally = new FaultTally();
  // A fault that escapes every handler would end a real cockpit: count it as a death, and keep measuring.
  process.on('uncaughtException', (error) => tally.death(`uncaught: ${String(error)}`));
  process.on('unhandledRejection', (error) => tally.death(`unhandled rejection: ${String(error)}`));
  const contexts = [];
  for (const group of selected) {
    const started = performance.now();
    contexts.push({ group, state: await group.setup() });
    process.stderr.write(`${group.name}: set up in ${Math.round(performance.now() - started)} ms\n`);
  }
  // What ran when: a stall is seen only once the loop runs again, maybe in the next scenario; it is named for the one it began in.
  const timeline: Array<{ at: number; what: string }> = [];
  const mark = (what: string) => {
    timeline.push({ at: performance.now(), what });
    if (timeline.length > 20) timeline.shift();
  };
  const runningAt = (at: number) => [...timeline].reverse().find((t) => t.at <= at)?.what ?? 'between scenarios';
  // Started after the setups, which block the loop on purpose (psql filling a database).
  const stopWatch = watchStalls((from, to) => tally.hang(`${runningAt(from)}: the event loop stalled ${Math.round(to - from)} ms`, from, to));
  let endAt = performance.now() + seconds * 1000;
  // Ctrl-C ends the run after the scenario under way, so the servers are stopped and the temp directories removed.
  process.once('SIGINT', () => {
    process.stderr.write('stopping after this scenario (Ctrl-C)\n');
    endAt = 0;
  });
  // Turns: each group runs its next scenario in turn, so every group has its share of a short run too.
  const turnsPerRound = Math.max(...contexts.map(({ group }) => group.scenarios.length));
  let round = 0;
  try {
    for (let turn = 0; performance.now() < endAt; turn++) {
      for (const { group, state } of contexts) {
        const scenario = group.scenarios[turn % group.scenarios.length]!;
        if (performance.now() >= endAt) break;
        mark(`${group.name}/${scenario.name}`);
        try {
          await scenario.run(state, tally.scope(group.name, scenario.name));
        } catch (error) {
          // A scenario that throws is a bench fault, not Flightdeck's; it is shown, not counted as dishonest.
          process.stderr.write(`${group.name}/${scenario.name}: ${String(error)}\n`);
        }
        mark('between scenarios');
      }
      if (turn % turnsPerRound === turnsPerRound - 1) {
        round++;
        process.stderr.write(`round ${round}: ${JSON.stringify(tally.totals())}\n`);
      }
    }
  } finally {
    stopWatch();
    for (const { group, state } of contexts) await group.teardown(state);
  }
  const groups: Record<string, Record<string, number | null>> = {};
  for (const { group } of contexts) groups[group.name] = group.figures(tally);
  process.stdout.write(`${JSON.stringify({ bench: 'faults', seconds, rounds: round, ...tally.totals(), ...Object.assign({}, ...Object.values(groups)), byGroup: tally.byGroup(), problems: tally.problems.slice(0, 20) })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
