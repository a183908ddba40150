/**
 * The contract between the renderer and main: every call and every event,
 * with zod schemas. Main validates each input against it before acting and
 * refuses names that are not here; the preload and the browser bridge build
 * `window.flightdeck` from the same names, so nothing else can be reached.
 */
import { z } from 'zod';
import { ReviewChoiceSchema, ReviewStateSchema } from './review-model';
import { RunbookDocSchema } from './runbook-model';
import { JournalEntrySchema, SessionStateSchema } from './session-model';
import { ActionRecordSchema, BackupProgressEventSchema, ControlStateSchema, FlagPreviewSchema, FlagViewSchema, RollbackRunSchema, VaultStatusSchema } from './control-model';
import { BaselineSchema, TelemetryBatchSchema, TelemetrySnapshotSchema } from './telemetry-model';
import { GatesStateSchema } from './gate-model';
import { WindowViewSchema } from './window-model';
import { TeamViewSchema } from './team-schema';
import { ExportResultSchema, FinishStateSchema, PAPER_SIZES } from './report-model';
import { VerifyReportResultSchema } from './report-bundle';
import type { TrustView } from './trust-model';
import { personNameSchema, refinePersonName } from './person-name';
import { DraftChoicesSchema } from './profile-draft';
import { DraftTestResultSchema, DraftViewSchema } from './profile-draft-calls';

import { LIMITS, type CallName, type EventName } from './contract-names';

export { CALL_NAMES, EVENT_NAMES, LIMITS, callChannel, eventChannel, isCallName, isEventName } from './contract-names';
export type { CallName, EventName } from './contract-names';

const ItemId = z.string().min(1).max(200);

export const PrefsSchema = z.object({
  /** Who ticks: recorded with every journal entry. */
  operator: z.string().superRefine(refinePersonName),
  theme: z.enum(['dark', 'light']),
});
export type Prefs = z.infer<typeof PrefsSchema>;

export const AppInfoSchema = z.object({
  version: z.string(),
  mode: z.enum(['electron', 'browser']),
  platform: z.string(),
  /** Native File > Open dialog available (Electron only). */
  nativeOpenDialog: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const NoticeSchema = z.object({
  level: z.enum(['info', 'warning', 'error']),
  message: z.string(),
});
export type Notice = z.infer<typeof NoticeSchema>;

/** Everything the renderer needs to draw the cockpit, fetched once. */
export const CockpitSchema = z.object({
  app: AppInfoSchema,
  prefs: PrefsSchema,
  runbook: RunbookDocSchema.nullable(),
  /** The session's journal entries are not sent; their folded state is. */
  session: SessionStateSchema.extend({ dir: z.string() }).nullable(),
  notices: z.array(NoticeSchema),
  /** What the runbook and its profile would do, and whether a person approved it; null with nothing open. */
  trust: z.custom<TrustView>().nullable(),
});
export type Cockpit = z.infer<typeof CockpitSchema>;
export type CockpitSession = NonNullable<Cockpit['session']>;

const Empty = z.object({}).strict();
/** Where a secret may be sent: one destination per entry; main puts each in canonical form and refuses what is none (destination.ts). */
const SecretScope = z.array(z.string().min(1).max(300)).min(1, 'say where the secret may be sent: at least one destination').max(32);

/** A note as it was journaled; `notice` is set when main had to take a secret out of it first. */
export const NoteResultSchema = z.object({ entry: JournalEntrySchema, notice: z.string().nullable() });
export type NoteResult = z.infer<typeof NoteResultSchema>;

interface CallSpec {
  input: z.ZodType;
  output: z.ZodType;
  doc: string;
}

function call<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, doc: string) {
  return { input, output, doc };
}

export const calls = {
  getCockpit: call(Empty, CockpitSchema, 'The whole cockpit state; the renderer fetches it once, then applies events.'),
  openRunbookPath: call(
    z.object({ path: z.string().min(1).max(LIMITS.pathChars) }).strict(),
    CockpitSchema,
    'Open a markdown file by path (drag and drop in the desktop app).',
  ),
  openRunbookUpload: call(
    z
      .object({
        name: z.string().min(1).max(255),
        /**
         * The file's bytes, base64: main checks the encoding, so a bad byte is reported with its line.
         * Up to what browser mode's request limit carries (twice the runbook limit), so a file over
         * the runbook limit still reaches main, which refuses it naming the file and the limit.
         */
        base64: z
          .string()
          .max(LIMITS.runbookBytes * 2, `is over twice the ${LIMITS.runbookBytes / 1048576} MB a runbook may have`)
          .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'is not base64'),
        /** Its deployment profile, dropped or picked with it (`<name>.flightdeck.yaml`): an upload has no folder to find it in. */
        profile: z
          .object({
            name: z.string().min(1).max(255),
            base64: z
              .string()
              .max(Math.ceil((1024 * 1024 * 4) / 3) + 4, 'is over the 1 MB a profile may have')
              .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'is not base64'),
          })
          .strict()
          .optional(),
      })
      .strict(),
    CockpitSchema,
    'Open a file the user picked or dropped when it has no path (browser mode), with its profile when one came with it.',
  ),
  getReview: call(Empty, ReviewStateSchema, '"What Flightdeck read": every threshold, trigger, criterion, recognised command and binding of the open runbook, with its line and the choice saved for it.'),
  setReviewChoice: call(
    ReviewChoiceSchema,
    ReviewStateSchema,
    "Accept, ignore or edit one reading (by runbook line and kind); saved in the profile's overrides:, never in the markdown. A change to an automatic trigger needs a new approval.",
  ),
  reloadFiles: call(
    Empty,
    z.object({ changed: z.boolean() }),
    'Read the open runbook and its profile again if they changed on disk (the window got the focus back; a file watcher does it too).',
  ),
  chooseRunbook: call(Empty, CockpitSchema.nullable(), 'Show the native File > Open dialog; null when cancelled.'),
  openDemo: call(Empty, CockpitSchema, 'Open the bundled demo runbook.'),
  startNewSession: call(Empty, CockpitSchema, 'Close the current session and start a fresh run of the same runbook.'),
  tickItem: call(z.object({ itemId: ItemId, checked: z.boolean() }).strict(), JournalEntrySchema, 'Tick or untick an item; answers once the entry is on disk.'),
  addNote: call(
    z.object({ itemId: ItemId, text: z.string().trim().min(1).max(LIMITS.noteChars) }).strict(),
    NoteResultSchema,
    'Attach a note to an item; answers once the entry is on disk, with a notice when a secret was taken out of it.',
  ),
  writeTicksToFile: call(Empty, z.object({ path: z.string(), changed: z.number().int() }), "Write the session's ticks into the markdown file, changing only the tick characters."),
  setOperator: call(z.object({ name: personNameSchema(LIMITS.operatorChars) }).strict(), PrefsSchema, 'Set who is flying.'),
  setTheme: call(z.object({ theme: z.enum(['dark', 'light']) }).strict(), PrefsSchema, 'Dark or light.'),
  openExternal: call(z.object({ url: z.string().max(2048) }).strict(), z.object({ opened: z.boolean() }), 'Open an https link the user clicked in the system browser.'),
  approveTrust: call(
    z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/, 'is not a manifest hash') }).strict(),
    CockpitSchema,
    'Approve exactly the capability manifest with this hash (the one shown); refused when the files changed since. Arms live capability.',
  ),
  revokeTrust: call(Empty, CockpitSchema, 'Withdraw the approval of the open runbook: back to review mode, nothing leaves the laptop.'),

  // Telemetry
  getTelemetry: call(
    z.object({ rangeSeconds: z.number().int().min(10).max(LIMITS.rangeSeconds) }).strict(),
    TelemetrySnapshotSchema,
    'Probe status, series and markers over the last rangeSeconds; then telemetryBatch events keep it current.',
  ),
  captureBaseline: call(Empty, BaselineSchema, 'Record the current values of every series as the baseline to compare against.'),

  // Control
  getControl: call(Empty, ControlStateSchema, 'Vault status, flags, commands, plans, recent actions and the rollback run.'),
  unlockVault: call(
    z.object({ passphrase: z.string().min(1).max(LIMITS.passphraseChars) }).strict(),
    VaultStatusSchema,
    'Unlock the passphrase vault for this session; the first unlock sets the passphrase.',
  ),
  lockVault: call(Empty, VaultStatusSchema, 'Lock the vault: actions that need a secret stop with a clear message.'),
  putSecret: call(
    z
      .object({
        name: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'must start with a letter and use letters, digits, "_", "." or "-"'),
        value: z.string().min(1).max(LIMITS.secretChars),
        scope: SecretScope,
      })
      .strict(),
    VaultStatusSchema,
    'Add or replace a secret with the destinations it may be sent to. Its value is never sent back.',
  ),
  setSecretScope: call(
    z.object({ name: z.string().min(1).max(64), scope: SecretScope }).strict(),
    VaultStatusSchema,
    'Say where a stored secret may be sent (origins, host:port, program:NAME); it is sent nowhere else.',
  ),
  deleteSecret: call(z.object({ name: z.string().min(1).max(64) }).strict(), VaultStatusSchema, 'Delete a secret.'),
  readFlag: call(z.object({ flag: z.string().min(1).max(128) }).strict(), FlagViewSchema, "Read a flag's current value from its backend."),
  previewFlag: call(
    z.object({ flag: z.string().min(1).max(128), percent: z.number().min(0).max(100) }).strict(),
    FlagPreviewSchema,
    'Which test accounts would be inside the rollout at this percentage.',
  ),
  setFlag: call(
    z
      .object({
        flag: z.string().min(1).max(128),
        percent: z.number().min(0).max(100),
        /** Goes past what holds a raise (a red trigger firing, a gate without a go); journaled as gate.overridden. */
        override: z.object({ reason: z.string().trim().min(1, 'say why the gate is overridden').max(LIMITS.reasonChars) }).strict().optional(),
      })
      .strict(),
    ActionRecordSchema,
    'Write a flag and read it back; answers with the honest outcome (ok, failed or unknown). A raise a gate holds is refused unless it carries an override with a reason.',
  ),
  runCommand: call(z.object({ commandId: z.string().min(1).max(200) }).strict(), ActionRecordSchema, 'Run an allowlisted command; output streams as commandOutput events.'),
  startRollback: call(
    z
      .object({
        plan: z.string().min(1).max(64).optional(),
        confirmation: z.discriminatedUnion('kind', [
          z.object({ kind: z.literal('hold'), heldMs: z.number().min(0).max(60_000) }).strict(),
          z.object({ kind: z.literal('typed'), text: z.string().max(200) }).strict(),
        ]),
      })
      .strict(),
    RollbackRunSchema,
    "Run a rollback plan (the profile's default when none is named) after a deliberate act; progress streams as rollbackProgress events.",
  ),
  // backups (issue 5)
  startBackup: call(
    z.object({ backup: z.string().min(1).max(64), itemId: ItemId.optional(), restoreTest: z.boolean().optional() }).strict(),
    ActionRecordSchema,
    "Start a backup of one of the profile's targets; answers once its intent is journaled (outcome running). Progress streams as backupProgress events; a verified backup ticks its item.",
  ),
  cancelBackup: call(z.object({ actionId: z.string().min(1).max(100) }).strict(), z.object({ cancelled: z.boolean() }), 'Cancel a running backup: it ends failed and nothing of it is kept.'),
  // steps tick their items, and the timeline (issue 14)
  acceptTickOffer: call(
    z.object({ itemId: ItemId }).strict(),
    JournalEntrySchema,
    "Accept Flightdeck's offer to tick an item whose act it performed: the tick is journaled with the offer's evidence.",
  ),
  dismissTickOffer: call(z.object({ itemId: ItemId }).strict(), z.object({ dismissed: z.boolean() }), 'Turn down an offer to tick an item; the item stays as it is.'),
  getTimeline: call(
    Empty,
    z.object({ sessionId: z.string(), entries: z.array(JournalEntrySchema) }),
    "The open session's journal entries the timeline draws (shared/timeline.ts maps them); sessionEntry events add the rest.",
  ),
  // gates (issue 6)
  getGates: call(Empty, GatesStateSchema, 'Phases, the gates with every criterion as measured now, the rollback triggers and the next flag step; then gatesChanged events keep it current.'),
  answerCriterion: call(
    z.object({ gateId: ItemId, criterionId: ItemId, answer: z.enum(['yes', 'no']), note: z.string().trim().max(LIMITS.reasonChars).default('') }).strict(),
    GatesStateSchema,
    'Answer a criterion a machine cannot judge; journaled with who and when.',
  ),
  decideGate: call(
    z
      .object({ gateId: ItemId, decision: z.enum(['go', 'hold', 'rollback']), reason: z.string().trim().max(LIMITS.reasonChars).default('') })
      .strict()
      .refine((input) => input.decision === 'go' || input.reason !== '', { message: 'say why: a hold or a rollback needs a reason', path: ['reason'] }),
    GatesStateSchema,
    'Go, hold or roll back at a gate, journaled with every criterion as measured at that moment. A go past a failing or unknown criterion needs a reason too (main checks).',
  ),
  acknowledgeTrigger: call(
    z.object({ triggerId: ItemId, reason: z.string().trim().min(1, 'say why the alarm is acknowledged').max(LIMITS.reasonChars) }).strict(),
    GatesStateSchema,
    'Acknowledge a firing rollback trigger instead of rolling back: silences the alarm, journaled with the reason.',
  ),
  cancelAutoRollback: call(
    z.object({ triggerId: ItemId, reason: z.string().trim().min(1, 'say why the automatic rollback is cancelled').max(LIMITS.reasonChars) }).strict(),
    GatesStateSchema,
    "Stop a trigger's countdown to an automatic rollback before it runs out; journaled with the reason.",
  ),
  getWindow: call(Empty, WindowViewSchema, "The deployment window's state (healthy, holding, firing, acknowledged, rolling back, recovering, recovered, rollback failed); then windowChanged events keep it current."),
  // report (issue 7)
  getFinish: call(Empty, FinishStateSchema, "The sign-off table (the runbook's roles and who signed) and the reports exported so far."),
  recordSignoff: call(
    z.object({ role: z.string().trim().min(1).max(120), name: personNameSchema(120), ownKey: z.boolean().default(false) }).strict(),
    FinishStateSchema,
    "Record a person's sign-off for a runbook role; with ownKey, also their own Ed25519 key on this machine (made on first use, kept in the vault).",
  ),
  exportReport: call(
    z.object({ paper: z.enum(PAPER_SIZES).default('a4') }).strict(),
    ExportResultSchema,
    "Build, render, sign and write the completion report and its evidence bundle into the session's reports folder; needs the vault unlocked.",
  ),
  verifyReport: call(
    z
      .object({
        files: z
          .array(
            z
              .object({
                name: z.string().min(1).max(255),
                base64: z.string().max(Math.ceil(LIMITS.reportUploadBytes / 3) * 4 + 4).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'is not base64'),
              })
              .strict(),
          )
          .min(1)
          .max(2),
      })
      .strict(),
    VerifyReportResultSchema,
    'Verify a report someone sent back: its PDF, its bundle, or both.',
  ),
  exportTrustCertificate: call(Empty, z.object({ pem: z.string(), fileName: z.string() }), "The local signing CA's certificate (PEM) for an organisation to trust; made on first use."),
  // profile draft (issue 15)
  draftProfile: call(Empty, DraftViewSchema, "The open runbook's profile draft: a proposal per target it names, each with its line, and the placeholders to fill."),
  testDraftProposal: call(
    z
      .object({
        proposalId: z.string().min(1).max(300),
        choices: DraftChoicesSchema,
        /** The one origin the person agreed to contact by pressing "Test connection"; main refuses any other. */
        approvedOrigin: z.string().min(1).max(300),
      })
      .strict(),
    DraftTestResultSchema,
    "Run one probe of the draft once (or read its flag) through the normal engine, after the person pressed Test connection for that one host. Nothing is kept.",
  ),
  saveDraftProfile: call(
    z.object({ choices: DraftChoicesSchema, overwrite: z.boolean().default(false), editing: z.boolean().default(false) }).strict(),
    CockpitSchema,
    'Write <runbook>.flightdeck.yaml beside the runbook (0600; an existing file only with overwrite, or edited in place, comments kept, when the form started from it: editing) and reopen the runbook, whose trust screen then shows the new profile. The markdown is never changed.',
  ),
  // the team window (issue 16)
  joinTeam: call(
    z
      .object({
        /** postgres://user@host:port/database, never with a password in it. */
        store: z.string().min(1).max(300),
        session: z.string().min(1).max(80),
        /** Kept in the vault as "team-store", sent only to the store's host:port; empty keeps the one already there. */
        password: z.string().max(1000).default(''),
        sslmode: z.enum(['verify-full', 'disable']).optional(),
        /** The person approved running the schema migrations listed by an earlier answer. */
        migrate: z.boolean().default(false),
      })
      .strict(),
    z.object({ team: TeamViewSchema.nullable(), pendingMigrations: z.array(z.object({ version: z.number().int(), summary: z.string() })) }),
    "Join the open session to a team session in the team's PostgreSQL, signing as the operator with their own key from the vault. When the store lacks the schema, nothing is joined and the migrations are listed for approval (call again with migrate).",
  ),
  getTeam: call(Empty, TeamViewSchema.nullable(), 'The team window (members, presence, the single flight, what is not yet shared, refused rows, items as the team sees them); null when this session is not joined to a team. Then teamChanged events keep it current.'),
} as const satisfies Record<CallName, CallSpec>;

export const events = {
  /** A journal entry was made durable; the renderer folds it into its state. */
  sessionEntry: z.object({ sessionId: z.string(), entry: JournalEntrySchema }),
  /** A different runbook or session is now open: replace everything. */
  cockpitReplaced: CockpitSchema,
  prefsChanged: PrefsSchema,
  /** Coalesced telemetry since the last batch. */
  telemetryBatch: TelemetryBatchSchema,
  /** Vault, profile, flags or plans changed: replace the control state. */
  controlChanged: ControlStateSchema,
  /** An action started, progressed or ended. */
  actionUpdated: ActionRecordSchema,
  /** Output of a running command, secrets already redacted. */
  commandOutput: z.object({ actionId: z.string(), stream: z.enum(['stdout', 'stderr']), text: z.string() }),
  rollbackProgress: RollbackRunSchema,
  // backups (issue 5)
  /** How far a running backup is. */
  backupProgress: BackupProgressEventSchema,
  // gates (issue 6)
  /** The gates, triggers or phase flow changed (evaluated once a second, and after every act). */
  gatesChanged: GatesStateSchema,
  // report (issue 7)
  // connection (issue 14)
  /** Main is alive: sent every second (src/shared/connection.ts); bootId changes when main restarts. */
  heartbeat: z.object({ bootId: z.string(), at: z.number() }),
  /** The window's state changed, or its rollback progressed (main/services/window/window-machine.ts). */
  windowChanged: WindowViewSchema,
  // the team window (issue 16)
  /** The team view changed (coalesced, at most one per 50 ms, the latest wins); null when the session left its team. */
  teamChanged: TeamViewSchema.nullable(),
} as const satisfies Record<EventName, z.ZodType>;

export type Calls = typeof calls;
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
export type CallOutput<N extends CallName> = z.infer<Calls[N]['output']>;
export type Events = typeof events;
export type EventPayload<N extends EventName> = z.infer<Events[N]>;
