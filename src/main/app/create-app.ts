/**
 * Assembles the services into a running cockpit. Electron and browser mode
 * both start here and differ only in the Platform they pass.
 */
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { AppInfo } from '../../shared/contract';
import { PrefsStore } from '../services/prefs/prefs-store';
import { ensurePrivateDataDir } from '../services/storage/private-fs';
import { SecretRedactor } from '../services/vault/redactor';
import type { SafeStorageLike } from '../services/vault/safe-storage-key';
import { Vault } from '../services/vault/vault';
import { VAULT_FILE_NAME } from '../services/vault/vault-file';
import type { CallResult } from '../../shared/errors';
import type { FlagHold } from '../../shared/flag-holds';
import { dispatchCall } from './dispatch';
import { LiveControl } from './live-control';
import { LiveGates } from './live-gates';
import { LiveWindow } from './live-window';
import { LiveReport } from './live-report';
import { ChromiumReportRenderer, type ReportPdfRenderer } from '../services/report/render-pdf';
import { LiveTelemetry } from './live-telemetry';
import { LiveDraft } from './live-draft';
import { LiveScope } from './live-scope';
import { LiveTicks } from './live-ticks';
import { FlightdeckError } from '../../shared/errors';
import { LiveTeam } from './live-team';
import { LiveTeamSync } from './live-team-sync';
import { TrustStore } from '../services/trust/trust-store';
import { telemetryHealthWaiter } from '../services/telemetry/health-waiter';
import { RunbookLoader } from '../services/runbook/runbook-loader';
import { RunbookParser } from '../services/runbook/runbook-parser';
import { SessionRegistry } from '../services/session/session-registry';
import { TrustedSigners } from '../services/signing/trusted-signers';
import { Cockpit } from './cockpit';
import { FileReload } from './file-reload';
import type { Handlers } from './dispatch';
import { EventHub } from './event-hub';
import { Heartbeat } from './heartbeat';
import { createHandlers, type Platform } from './handlers';
import type { Logger } from './log';

export interface AppOptions {
  app: AppInfo;
  platform: Platform;
  dataDir: string;
  resourcesDir: string;
  createWorker: () => Worker;
  log: Logger;
  clock?: () => Date;
  /** Electron's safeStorage (after app ready); null in browser mode, where the vault asks for a passphrase. */
  safeStorage?: SafeStorageLike | null;
  /** Hides every secret the vault knows; the logger should use the same one. */
  redactor?: SecretRedactor;
  /** scrypt cost of a new passphrase vault (tests lower it). */
  scryptN?: number;
  /**
   * Makes the completion report's PDF: Electron passes its printToPDF renderer; otherwise
   * Chromium through playwright renders the built print view (out/renderer beside resources/).
   */
  reportRenderer?: ReportPdfRenderer;
}

export interface App {
  cockpit: Cockpit;
  telemetry: LiveTelemetry;
  control: LiveControl;
  scope: LiveScope;
  gates: LiveGates;
  ticks: LiveTicks;
  /** The deployment window's state machine (live-window.ts). */
  windowState: LiveWindow;
  /** The team window (issue 16): `team.attach(source | null)` joins this session's view to a team sync, or leaves it. */
  team: LiveTeam;
  vault: Vault;
  redactor: SecretRedactor;
  handlers: Handlers;
  /** One contract call from a renderer: validated, dispatched, and its answer or error redacted. */
  call(name: string, input: unknown): Promise<CallResult<unknown>>;
  events: EventHub;
  /** Main's pulse to every renderer (heartbeat.ts). */
  heartbeat: Heartbeat;
  log: Logger;
  close(): Promise<void>;
}

export function createApp(options: AppOptions): App {
  // Owner-only before anything is written into it, whichever shell (Electron, browser mode) started us.
  ensurePrivateDataDir(options.dataDir);
  const redactor = options.redactor ?? new SecretRedactor();
  // Every event leaves main through the redactor, whatever service emitted it.
  const events = new EventHub((payload) => redactor.redactPayload(payload));
  const heartbeat = new Heartbeat(events);
  const parser = new RunbookParser({ createWorker: options.createWorker });
  const deps = {
    app: options.app,
    loader: new RunbookLoader(parser),
    registry: new SessionRegistry(join(options.dataDir, 'sessions'), options.clock),
    prefs: new PrefsStore(join(options.dataDir, 'prefs.json')),
    events,
    log: options.log,
    demoRunbookPath: join(options.resourcesDir, 'demo', 'runbook.md'),
    trust: new TrustStore(options.dataDir),
    // Every journal entry is written through it: one place, whoever records.
    redactor,
    ...(options.clock ? { clock: options.clock } : {}),
  };
  const cockpit = new Cockpit(deps);
  const vault = new Vault({
    file: join(options.dataDir, VAULT_FILE_NAME),
    safeStorage: options.safeStorage ?? null,
    platform: process.platform,
    redactor,
    // Journaled before the file changes: a change that cannot be recorded does not happen.
    onChange: (op, name, scope) => void cockpit.activation()?.journal.record('vault.changed', cockpit.operator(), { op, name, ...(scope ? { scope } : {}) }),
    ...(options.scryptN ? { scryptN: options.scryptN } : {}),
  });
  // The scope first: on each activation it is rebuilt before telemetry looks for its probes.
  const scope = new LiveScope({
    cockpit,
    events,
    // A team session's single flight (live-team-sync.ts), bound late: the team sync is built below.
    fence: () => teamSync.fence(),
    secrets: vault,
    redactor,
    health: (probes, timeoutMs, signal) => telemetryHealthWaiter(() => telemetry.current)(probes, timeoutMs, signal),
    log: options.log,
    backupsDir: join(options.dataDir, 'backups'),
  });
  const telemetry: LiveTelemetry = new LiveTelemetry({ cockpit, events, scope, log: options.log });
  // After telemetry: it offers ticks on probe answers, and on the journal's flag writes and baselines.
  const ticks = new LiveTicks({ cockpit, onProbeStatus: (listener) => telemetry.onProbeStatus(listener) });
  // Every flag write asks the gates first (gates is built just below; the call comes later).
  const control: LiveControl = new LiveControl({
    cockpit,
    events,
    vault,
    scope,
    ticks,
    holds: (flag, from, to): FlagHold[] => gates.holdsOnWrite(flag, from, to),
    // Bound late, like the rollback fence: the team sync is built below.
    flagFlight: (flag) => teamSync.flagFlight(flag),
  });
  const gates: LiveGates = new LiveGates({
    cockpit,
    telemetry,
    log: options.log,
    // Main builds the automatic confirmation itself; the journal records it as automatic, with why, and not in the operator's name.
    // In a team session only the laptop that holds (or can take) the team's lease runs it.
    startAutoRollback: async (plan, why) => {
      if (!(await teamSync.mayAutoRollback())) throw new FlightdeckError('conflict', 'The automatic rollback is left to the member who holds the team\'s lease.');
      return control.startAutomaticRollback(plan, why);
    },
  });
  gates.onChange((state) => events.emit('gatesChanged', state));
  // After the gates: it reads their state on each activation, and follows their changes.
  const windowState = new LiveWindow({ cockpit, events, gates, log: options.log, ...(options.clock ? { clock: options.clock } : {}) });
  const report = new LiveReport({
    cockpit,
    vault,
    redactor,
    telemetry,
    renderer: options.reportRenderer ?? new ChromiumReportRenderer({ rendererDir: join(options.resourcesDir, '..', 'out', 'renderer') }),
    trustedSigners: TrustedSigners.inDataDir(options.dataDir),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const draft = new LiveDraft({ cockpit, secrets: vault, redactor });
  // Not joined to a team until a team sync is attached: the open session's, when its folder is joined.
  const team = new LiveTeam({ events, log: options.log });
  const teamSync: LiveTeamSync = new LiveTeamSync({ cockpit, vault, team, log: options.log, env: process.env });
  // A runbook or profile edited on disk is read again without a restart.
  const reload = new FileReload(cockpit, options.log);
  const handlers = createHandlers(cockpit, options.platform, { telemetry, control, gates, windowState, report, ticks, draft, team, teamSync });
  return {
    cockpit,
    telemetry,
    control,
    scope,
    gates,
    ticks,
    windowState,
    team,
    vault,
    redactor,
    handlers,
    call: async (name, input) => {
      const result = await dispatchCall(handlers, name, input, options.log);
      // Answers too: a flag's read error, a probe's message or a command's output may quote a remote answer.
      return result.ok ? { ok: true, value: redactor.redactPayload(result.value) } : { ok: false, error: redactor.redactDeep(result.error) };
    },
    events,
    heartbeat,
    log: options.log,
    async close() {
      heartbeat.stop();
      reload.close();
      await teamSync.close();
      team.close();
      windowState.close();
      await gates.close();
      control.close();
      ticks.close();
      await scope.close();
      await telemetry.close();
      cockpit.close();
      await parser.close();
    },
  };
}
