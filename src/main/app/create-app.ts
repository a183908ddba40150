/**
 * Assembles the services into a running cockpit. Electron and browser mode
 * both start here and differ only in the Platform they pass.
 */
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { AppInfo } from '../../shared/contract';
import { PrefsStore } from '../services/prefs/prefs-store';
import { RunbookLoader } from '../services/runbook/runbook-loader';
import { RunbookParser } from '../services/runbook/runbook-parser';
import { SessionRegistry } from '../services/session/session-registry';
import { Cockpit } from './cockpit';
import type { Handlers } from './dispatch';
import { EventHub } from './event-hub';
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
}

export interface App {
  cockpit: Cockpit;
  handlers: Handlers;
  events: EventHub;
  log: Logger;
  close(): Promise<void>;
}

export function createApp(options: AppOptions): App {
  const events = new EventHub();
  const parser = new RunbookParser({ createWorker: options.createWorker });
  const deps = {
    app: options.app,
    loader: new RunbookLoader(parser),
    registry: new SessionRegistry(join(options.dataDir, 'sessions'), options.clock),
    prefs: new PrefsStore(join(options.dataDir, 'prefs.json')),
    events,
    log: options.log,
    demoRunbookPath: join(options.resourcesDir, 'demo', 'runbook.md'),
    ...(options.clock ? { clock: options.clock } : {}),
  };
  const cockpit = new Cockpit(deps);
  return {
    cockpit,
    handlers: createHandlers(cockpit, options.platform),
    events,
    log: options.log,
    async close() {
      cockpit.close();
      await parser.close();
    },
  };
}
