/**
 * npm run bench:faults [-- --seconds N]
 *
 * The fault matrix in a loop for N seconds (default 300): each group of
 * scenarios (bench/faults/*.ts) injects its faults against real servers on
 * loopback, and every outcome Flightdeck reports is checked against what
 * the server really did. A scenario adds to the shared tally; the last
 * line is one JSON object with the totals (faults injected, outcomes
 * checked, dishonest outcomes, process deaths, hangs over 5 s) and each
 * group's own figures, named for the group (flags: the rollback guard's
 * reassertion latency p95, from the late landing to the rollback's value
 * being back, target under 2 s).
 *
 * Adding a group: export a FaultGroup from a module in bench/faults/ and
 * list it in GROUPS below.
 */
import { parseArgs } from 'node:util';
import { flagFaults } from './faults/flag-faults';
import { FaultTally, type FaultGroup } from './faults/tally';

const GROUPS: FaultGroup[] = [flagFaults];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '300' } }, strict: true });
  const seconds = Number(values.seconds);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`--seconds must be a positive number, not ${values.seconds}`);
  const tally = new FaultTally();
  // A fault that escapes every handler would end a real cockpit: count it as a death, and keep measuring.
  process.on('uncaughtException', (error) => tally.death(`uncaught: ${String(error)}`));
  process.on('unhandledRejection', (error) => tally.death(`unhandled rejection: ${String(error)}`));
  const contexts = [];
  for (const group of GROUPS) contexts.push({ group, state: await group.setup() });
  const endAt = performance.now() + seconds * 1000;
  let round = 0;
  try {
    while (performance.now() < endAt) {
      for (const { group, state } of contexts) {
        for (const scenario of group.scenarios) {
          if (performance.now() >= endAt) break;
          try {
            await scenario.run(state, tally.scope(group.name, scenario.name));
          } catch (error) {
            // A scenario that throws is a bench fault, not Flightdeck's; it is shown, not counted as dishonest.
            process.stderr.write(`${group.name}/${scenario.name}: ${String(error)}\n`);
          }
        }
      }
      round++;
      process.stderr.write(`round ${round}: ${JSON.stringify(tally.totals())}\n`);
    }
  } finally {
    for (const { group, state } of contexts) await group.teardown(state);
  }
  const groups: Record<string, Record<string, number | null>> = {};
  for (const { group } of contexts) groups[group.name] = group.figures(tally);
  process.stdout.write(`${JSON.stringify({ bench: 'faults', seconds, rounds: round, ...tally.totals(), ...Object.assign({}, ...Object.values(groups)), problems: tally.problems.slice(0, 20) })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
