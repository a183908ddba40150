/**
 * The completion report as the print view draws it: everything main read
 * from the runbook, the journal and the recorded metrics, already redacted.
 * Main builds it (services/report/build-report.ts), serves it to the print
 * page as report-data.json, and the page validates it against this schema
 * before drawing, so the PDF shows exactly this and nothing the page made up.
 */
import { z } from 'zod';
import { InlineSchema, ThresholdSchema } from './runbook-model';
import { MarkerSchema, PointSchema } from './telemetry-model';
import { TIMELINE_KINDS } from './timeline';

export const PAPER_SIZES = ['a4', 'letter'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

const Outcome = z.enum(['ok', 'failed', 'unknown', 'running']);

export const EvidenceSchema = z.object({
  kind: z.enum(['command', 'flag', 'backup', 'rollback-step', 'restore', 'probe', 'baseline']),
  title: z.string(),
  outcome: Outcome,
  at: z.string(),
  /** One line: the outcome message, a checksum, a reading. */
  detail: z.string(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const ReportNoteSchema = z.object({ text: z.string(), by: z.string().nullable(), at: z.string() });

export const ReportItemSchema = z.object({
  id: z.string(),
  inline: z.array(InlineSchema),
  depth: z.number().int(),
  line: z.number().int(),
  checked: z.boolean(),
  /** Who ticked it in this session and when; null when the file's box decides. */
  tick: z.object({ by: z.string().nullable(), at: z.string() }).nullable(),
  notes: z.array(ReportNoteSchema),
  evidence: z.array(EvidenceSchema),
});
export type ReportItem = z.infer<typeof ReportItemSchema>;

export const ReportPhaseSchema = z.object({
  id: z.string(),
  title: z.string(),
  line: z.number().int(),
  items: z.array(ReportItemSchema),
  checked: z.number().int(),
});
export type ReportPhase = z.infer<typeof ReportPhaseSchema>;

export const ReportActionSchema = z.object({
  actionId: z.string(),
  kind: z.enum(['flag', 'command', 'rollback-step', 'backup', 'restore']),
  title: z.string(),
  by: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  outcome: Outcome,
  message: z.string(),
  durationMs: z.number().nullable(),
  readBack: z.string().nullable(),
  /** The read-back that settled an unknown outcome later. */
  settled: z.object({ outcome: Outcome, message: z.string(), at: z.string() }).nullable(),
  inputs: z.array(z.tuple([z.string(), z.string()])),
  /** The tail of the command's output, redacted and bounded. */
  output: z.string(),
  outputTruncated: z.boolean(),
  runId: z.string().nullable(),
});
export type ReportAction = z.infer<typeof ReportActionSchema>;

export const ReportBackupSchema = z.object({
  name: z.string(),
  engine: z.string(),
  location: z.string(),
  bytes: z.number(),
  files: z.number().int(),
  manifestSha256: z.string(),
  checks: z.array(z.string()),
  at: z.string(),
  by: z.string().nullable(),
});

export const ReportRollbackSchema = z.object({
  runId: z.string(),
  plan: z.string(),
  steps: z.array(z.string()),
  confirmation: z.string(),
  by: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  outcome: Outcome,
  message: z.string(),
  pressToVerifiedMs: z.number().nullable(),
});

export const ReportGateSchema = z.object({
  gateId: z.string(),
  phaseId: z.string().nullable(),
  decision: z.enum(['go', 'hold', 'rollback']),
  reason: z.string(),
  by: z.string().nullable(),
  at: z.string(),
  criteria: z.array(
    z.object({
      text: z.string(),
      line: z.number().int().nullable(),
      source: z.string(),
      status: z.enum(['pass', 'fail', 'unknown']),
      value: z.number().nullable(),
      evidence: z.string(),
    }),
  ),
});

/** One event of the window's timeline (src/shared/timeline.ts builds them from the journal). */
export const ReportTimelineEventSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  kind: z.enum(TIMELINE_KINDS),
  title: z.string(),
  detail: z.string(),
  by: z.string().nullable(),
  itemId: z.string().nullable(),
  phaseId: z.string().nullable(),
});

/** Trigger, answer and cancellation events: the moments between decisions. */
export const ReportEventSchema = z.object({ at: z.string(), by: z.string().nullable(), kind: z.string(), text: z.string() });

export const ReportGraphSchema = z.object({
  metric: z.string(),
  label: z.string(),
  unit: z.string(),
  series: z.array(z.object({ id: z.string(), probe: z.string(), points: z.array(PointSchema) })),
  baseline: z.record(z.string(), z.number()),
});
export type ReportGraph = z.infer<typeof ReportGraphSchema>;

export const ReportSignoffSchema = z.object({
  role: z.string(),
  /** The runbook line that asks for it; null for a role the runbook does not name. */
  line: z.number().int().nullable(),
  name: z.string().nullable(),
  at: z.string().nullable(),
  recordedBy: z.string().nullable(),
  /** sha256 fingerprint of the signer's own Ed25519 key, when they signed with one. */
  keyFingerprint: z.string().nullable(),
  /**
   * In a team session: the fingerprint of the member key whose signature in
   * the team chain carries this sign-off (recorded on that member's own laptop).
   */
  teamKeyFingerprint: z.string().nullable().optional(),
});
export type ReportSignoff = z.infer<typeof ReportSignoffSchema>;

/** A team session's merged chain as the report covers it (issue 16): its head, its authors, what is not yet in it. */
export const ReportTeamSchema = z.object({
  session: z.string(),
  /** "host:port/database" of the team store (never credentials). */
  store: z.string(),
  /** Rows of the replica the report covers, and the last one's hash. */
  entries: z.number().int().nonnegative(),
  head: z.string(),
  members: z.array(z.object({ name: z.string(), keyid: z.string(), fingerprint: z.string(), entries: z.number().int().nonnegative() })),
  /** This laptop's entries the team store does not hold yet (shown "not yet shared"). */
  unshared: z.number().int().nonnegative(),
  /** Rows the replica refused (altered or forged): not reported. */
  refused: z.number().int().nonnegative(),
});
export type ReportTeam = z.infer<typeof ReportTeamSchema>;

export const ReportDataSchema = z.object({
  version: z.literal(1),
  title: z.string(),
  environment: z.string().nullable(),
  paper: z.enum(PAPER_SIZES),
  generatedAt: z.string(),
  generatedBy: z.string().nullable(),
  runbook: z.object({ name: z.string(), sha256: z.string() }),
  session: z.object({
    id: z.string(),
    startedAt: z.string(),
    /** The last journal entry the report covers, or the close of the session. */
    endedAt: z.string(),
    durationSeconds: z.number(),
    closed: z.boolean(),
  }),
  items: z.object({ total: z.number().int(), checked: z.number().int() }),
  phases: z.array(ReportPhaseSchema),
  gates: z.array(ReportGateSchema),
  events: z.array(ReportEventSchema),
  /** Every tick, flag change, trigger, decision, rollback step, backup and baseline in order; absent in reports before issue 14. */
  timeline: z.array(ReportTimelineEventSchema).default([]),
  actions: z.array(ReportActionSchema),
  backups: z.array(ReportBackupSchema),
  rollbacks: z.array(ReportRollbackSchema),
  thresholds: z.array(ThresholdSchema),
  graphs: z.array(ReportGraphSchema),
  markers: z.array(MarkerSchema),
  signoffs: z.array(ReportSignoffSchema),
  chain: z.object({ entries: z.number().int(), head: z.string() }),
  /** The team chain the report covers, for a session joined to a team; absent otherwise. */
  team: ReportTeamSchema.nullable().optional(),
  /** The fingerprint of the key that signs the evidence bundle: the PDF's signature covers it, binding the two. */
  reportKey: z.object({ keyid: z.string(), fingerprint: z.string() }),
});
export type ReportData = z.infer<typeof ReportDataSchema>;

/** What the Finish area shows: the sign-off table to fill, and the reports exported so far. */
export const FinishStateSchema = z.object({
  /** A session is open and not finished: sign-offs and exports are possible. */
  open: z.boolean(),
  /** The roles the runbook asks to sign, in its order; empty when it names none (any role is accepted). */
  roles: z.array(z.object({ signoffId: z.string(), role: z.string(), line: z.number().int() })),
  signoffs: z.array(ReportSignoffSchema),
  exports: z.array(z.object({ at: z.string(), by: z.string().nullable(), pdf: z.string(), bundle: z.string(), pdfSha256: z.string() })),
});
export type FinishState = z.infer<typeof FinishStateSchema>;

export const ExportResultSchema = z.object({
  pdf: z.string(),
  bundle: z.string(),
  pdfSha256: z.string(),
  pdfBytes: z.number().int(),
  entries: z.number().int(),
  head: z.string(),
  signer: z.string(),
  signedBy: z.array(z.string()),
});
export type ExportResult = z.infer<typeof ExportResultSchema>;
