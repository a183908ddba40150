/**
 * Binds the contract to Electron IPC: one channel per call (ipcMain.handle)
 * and per event (webContents.send), never a catch-all. Each call checks the
 * sending frame before the dispatcher validates its input.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { CALL_NAMES, callChannel, eventChannel } from '../../shared/contract';
import type { CallResult } from '../../shared/errors';
import type { App } from '../app/create-app';
import { isTrustedSender } from './window-policy';

export function bindIpc(app: App, window: BrowserWindow, appUrl: string): () => void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(callChannel(name), async (event: IpcMainInvokeEvent, input: unknown): Promise<CallResult<unknown>> => {
      const frame = event.senderFrame;
      if (!isTrustedSender({ url: frame?.url ?? null, isMainFrame: frame !== null && frame.parent === null }, appUrl)) {
        app.log.warn(`refused ${name} from an untrusted frame`);
        return { ok: false, error: { code: 'forbidden', message: 'Calls are accepted only from the Flightdeck window.' } };
      }
      return app.call(name, input);
    });
  }
  const unsubscribe = app.events.subscribe((name, payload) => {
    if (!window.isDestroyed()) window.webContents.send(eventChannel(name), payload);
  });
  return () => {
    unsubscribe();
    for (const name of CALL_NAMES) ipcMain.removeHandler(callChannel(name));
  };
}
