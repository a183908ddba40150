/**
 * The names in the contract, without its schemas: what the preload, the
 * browser transport and the renderer need at run time. Kept free of zod so
 * the renderer bundle stays small; contract.ts checks that its schemas
 * cover exactly these names.
 */
export const CALL_NAMES = [
  'getCockpit',
  'openRunbookPath',
  'openRunbookUpload',
  'reloadFiles',
  'getReview',
  'setReviewChoice',
  'chooseRunbook',
  'openDemo',
  'startNewSession',
  'tickItem',
  'addNote',
  'writeTicksToFile',
  'setOperator',
  'setTheme',
  'openExternal',
  'approveTrust',
  'revokeTrust',
  // telemetry
  'getTelemetry',
  'captureBaseline',
  // control
  'getControl',
  'unlockVault',
  'lockVault',
  'putSecret',
  'setSecretScope',
  'deleteSecret',
  'readFlag',
  'previewFlag',
  'setFlag',
  'runCommand',
  'startRollback',
  // backups (issue 5)
  'startBackup',
  'cancelBackup',
  // steps tick their items, and the timeline (issue 14)
  'acceptTickOffer',
  'dismissTickOffer',
  'getTimeline',
  // gates (issue 6)
  'getGates',
  'answerCriterion',
  'decideGate',
  'acknowledgeTrigger',
  'cancelAutoRollback',
  // the window's state (issue 14)
  'getWindow',
  // report (issue 7)
  'getFinish',
  'recordSignoff',
  'exportReport',
  'verifyReport',
  'exportTrustCertificate',
  // profile draft (issue 15)
  'draftProfile',
  'testDraftProposal',
  'saveDraftProfile',
  // the team window (issue 16)
  'getTeam',
  'joinTeam',
] as const;
export type CallName = (typeof CALL_NAMES)[number];

export const EVENT_NAMES = [
  'sessionEntry',
  'cockpitReplaced',
  'prefsChanged',
  'telemetryBatch',
  'controlChanged',
  'actionUpdated',
  'commandOutput',
  'rollbackProgress',
  // backups (issue 5)
  'backupProgress',
  // gates (issue 6)
  'gatesChanged',
  // report (issue 7)
  // connection (issue 14)
  'heartbeat',
  /** The deployment window's state changed (window-model.ts). */
  'windowChanged',
  /** The team window changed (team-model.ts): coalesced, at most one per 50 ms; null when the session left its team. */
  'teamChanged',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

export const LIMITS = {
  runbookBytes: 10 * 1024 * 1024,
  noteChars: 10_000,
  operatorChars: 80,
  pathChars: 4096,
  secretChars: 64 * 1024,
  passphraseChars: 1024,
  /** Telemetry history the renderer may ask for: 8 hours. */
  rangeSeconds: 8 * 3600,
  /**
   * A report PDF or evidence bundle sent back for verification: two of them, base64, stay
   * within browser mode's request limit. A 1,000-item report is about 0.6 MB.
   */
  reportUploadBytes: 7 * 1024 * 1024,
  /** A gate decision's, acknowledgement's or cancellation's reason, and a criterion's note. */
  reasonChars: 2000,
} as const;

const callSet: ReadonlySet<string> = new Set(CALL_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export function isCallName(name: string): name is CallName {
  return callSet.has(name);
}
export function isEventName(name: string): name is EventName {
  return eventSet.has(name);
}

/** Electron IPC channel names; one per call and event, never a catch-all. */
export const callChannel = (name: CallName): string => `flightdeck:call:${name}`;
export const eventChannel = (name: EventName): string => `flightdeck:event:${name}`;
