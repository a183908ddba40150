/**
 * Binds each contract call to the cockpit. The few calls that depend on the
 * shell (a native file dialog, the system browser) go through Platform.
 */
import { FlightdeckError } from '../../shared/errors';
import type { Cockpit } from './cockpit';
import type { LiveControl } from './live-control';
import type { LiveGates } from './live-gates';
import type { LiveWindow } from './live-window';
import type { LiveTelemetry } from './live-telemetry';
import type { LiveReport } from './live-report';
import type { LiveTicks } from './live-ticks';
import { TIMELINE_ENTRY_TYPES } from '../../shared/timeline';
import type { LiveDraft } from './live-draft';
import type { LiveTeam } from './live-team';
import type { LiveTeamSync } from './live-team-sync';
import type { Handlers } from './dispatch';
import { isSafeExternalUrl } from '../../shared/links';

export interface Platform {
  /** Native File > Open dialog: a path, or null when cancelled. Absent in browser mode. */
  chooseFile?: () => Promise<string | null>;
  /** Hands an https URL to the system browser; false when nothing could open it. */
  openExternal: (url: string) => Promise<boolean>;
}

export interface LiveServices {
  telemetry: LiveTelemetry;
  control: LiveControl;
  // backups (issue 5)
  // gates (issue 6)
  gates: LiveGates;
  windowState: LiveWindow;
  // report (issue 7)
  report: LiveReport;
  // steps tick their items (issue 14)
  ticks: LiveTicks;
  // profile draft (issue 15)
  draft: LiveDraft;
  // the team window (issue 16)
  team: LiveTeam;
  teamSync: LiveTeamSync;
}

export function createHandlers(cockpit: Cockpit, platform: Platform, live: LiveServices): Handlers {
  return {
    getCockpit: () => cockpit.state(),
    openRunbookPath: ({ path }) => cockpit.openPath(path),
    openRunbookUpload: ({ name, base64, profile }) => cockpit.openUpload(name, Buffer.from(base64, 'base64'), profile ? { name: profile.name, bytes: Buffer.from(profile.base64, 'base64') } : null),
    reloadFiles: () => cockpit.reloadIfChanged(),
    getReview: () => cockpit.review(),
    setReviewChoice: (choice) => cockpit.setReviewChoice(choice),
    chooseRunbook: async () => {
      if (!platform.chooseFile) throw new FlightdeckError('unsupported', 'There is no file dialog in browser mode; use the file picker or drop a file.');
      const path = await platform.chooseFile();
      return path ? cockpit.openPath(path) : null;
    },
    openDemo: () => cockpit.openDemo(),
    approveTrust: ({ hash }) => cockpit.approveTrust(hash),
    revokeTrust: () => cockpit.revokeTrust(),
    startNewSession: () => cockpit.startNewSession(),
    tickItem: ({ itemId, checked }) => cockpit.tick(itemId, checked),
    addNote: ({ itemId, text }) => cockpit.note(itemId, text),
    writeTicksToFile: () => cockpit.writeTicksToFile(),
    setOperator: ({ name }) => cockpit.setOperator(name),
    setTheme: ({ theme }) => cockpit.setTheme(theme),
    getTelemetry: ({ rangeSeconds }) => live.telemetry.snapshot(rangeSeconds),
    captureBaseline: () => live.telemetry.captureBaseline(),
    getControl: () => live.control.state(),
    unlockVault: ({ passphrase }) => live.control.unlockVault(passphrase),
    lockVault: () => live.control.lockVault(),
    putSecret: ({ name, value, scope }) => live.control.putSecret(name, value, scope),
    setSecretScope: ({ name, scope }) => live.control.setSecretScope(name, scope),
    deleteSecret: ({ name }) => live.control.deleteSecret(name),
    readFlag: ({ flag }) => live.control.readFlag(flag),
    previewFlag: ({ flag, percent }) => live.control.previewFlag(flag, percent),
    setFlag: ({ flag, percent, override }) => live.control.setFlag(flag, percent, override),
    runCommand: ({ commandId }) => live.control.runCommand(commandId),
    startRollback: ({ plan, confirmation }) => live.control.startRollback({ plan, confirmation }),
    // backups (issue 5)
    startBackup: ({ backup, itemId, restoreTest }) => live.control.startBackup({ backup, itemId, restoreTest }),
    cancelBackup: ({ actionId }) => live.control.cancelBackup(actionId),
    // steps tick their items, and the timeline (issue 14)
    acceptTickOffer: ({ itemId }) => live.ticks.accept(itemId),
    dismissTickOffer: ({ itemId }) => {
      live.ticks.dismiss(itemId);
      return { dismissed: true };
    },
    getTimeline: () => {
      const activation = cockpit.activation();
      if (!activation) throw new FlightdeckError('bad-input', 'No runbook is open.');
      const sessionId = cockpit.state().session?.id ?? '';
      return { sessionId, entries: activation.journal.entries().filter((entry) => TIMELINE_ENTRY_TYPES.has(entry.type)) };
    },
    // gates (issue 6)
    getGates: () => live.gates.state(),
    answerCriterion: ({ gateId, criterionId, answer, note }) => live.gates.answer(gateId, criterionId, answer, note),
    decideGate: ({ gateId, decision, reason }) => live.gates.decide(gateId, decision, reason),
    acknowledgeTrigger: ({ triggerId, reason }) => live.gates.acknowledge(triggerId, reason),
    cancelAutoRollback: ({ triggerId, reason }) => live.gates.cancelAutoRollback(triggerId, reason),
    getWindow: () => live.windowState.state(),
    // report (issue 7)
    getFinish: () => live.report.finish(),
    recordSignoff: ({ role, name, ownKey }) => live.report.recordSignoff(role, name, ownKey),
    exportReport: ({ paper }) => live.report.exportReport(paper),
    verifyReport: ({ files }) => live.report.verifyUpload(files.map((file) => ({ name: file.name, bytes: Buffer.from(file.base64, 'base64') }))),
    exportTrustCertificate: () => live.report.trustCertificate(),
    // profile draft (issue 15)
    draftProfile: () => live.draft.view(),
    testDraftProposal: ({ proposalId, choices, approvedOrigin }) => live.draft.test(proposalId, choices, approvedOrigin),
    saveDraftProfile: ({ choices, overwrite, editing }) => live.draft.save(choices, overwrite, editing),
    // the team window (issue 16)
    getTeam: () => live.team.view(),
    joinTeam: (input) => live.teamSync.join(input),
    openExternal: async ({ url }) => {
      if (!isSafeExternalUrl(url)) throw new FlightdeckError('forbidden', 'Only https links open in the system browser.', { field: 'url' });
      return { opened: await platform.openExternal(url) };
    },
  };
}

