/**
 * MongoDB numbers from the documents serverStatus and replSetGetStatus
 * return. Kept apart from the driver code so the arithmetic is tested
 * without a server (none can be installed here); the probe is a thin shell.
 */
import type { CounterDeltas } from './counter-deltas';
import type { ProbeReading, ProbeSample } from './probe';

export interface ServerStatus {
  connections?: { current?: number; available?: number };
  opcounters?: Record<string, number | { toNumber(): number }>;
  repl?: { setName?: string };
}

export interface ReplMember {
  name?: string;
  stateStr?: string;
  self?: boolean;
  optimeDate?: Date;
}

export interface ReplSetStatus {
  members?: ReplMember[];
}

function num(value: number | { toNumber(): number } | undefined): number | null {
  if (value === undefined) return null;
  const n = typeof value === 'number' ? value : value.toNumber();
  return Number.isFinite(n) ? n : null;
}

/** Lag of the slowest secondary behind the primary, in seconds; null without both. */
export function replicationLagSeconds(status: ReplSetStatus): number | null {
  const members = status.members ?? [];
  const primary = members.find((m) => m.stateStr === 'PRIMARY')?.optimeDate;
  const secondaries = members.filter((m) => m.stateStr === 'SECONDARY' && m.optimeDate);
  if (!primary || secondaries.length === 0) return null;
  return Math.max(0, ...secondaries.map((m) => (primary.getTime() - m.optimeDate!.getTime()) / 1000));
}

export function mongoSamples(status: ServerStatus, repl: ReplSetStatus | null, deltas: CounterDeltas, atMs: number): { samples: ProbeSample[]; details: ProbeReading['details'] } {
  const samples: ProbeSample[] = [];
  const details: ProbeReading['details'] = {};
  const current = status.connections?.current;
  const available = status.connections?.available;
  if (current !== undefined && available !== undefined && current + available > 0) {
    samples.push({ metric: 'db_connections', value: (100 * current) / (current + available) });
    details.connections = current;
    details.connectionsAvailable = available;
  }
  for (const [op, raw] of Object.entries(status.opcounters ?? {})) {
    const value = num(raw);
    if (value === null) continue;
    details[`opcounters.${op}`] = value;
    const delta = deltas.next(`opcounters.${op}`, value, atMs);
    if (delta && delta.seconds > 0) samples.push({ metric: `ops_${op}`, value: delta.increase / delta.seconds, unit: 'ops/s', label: `${op} operations per second` });
  }
  const lag = repl ? replicationLagSeconds(repl) : null;
  if (lag !== null) samples.push({ metric: 'replication_lag', value: lag, unit: 's', label: 'Replication lag' });
  details.replicaSet = status.repl?.setName ?? null;
  return { samples, details };
}
