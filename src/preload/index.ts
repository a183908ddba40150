/**
 * The desktop preload: exposes exactly one object, window.flightdeck, with
 * a named function per contract call and `on` for contract events. The
 * renderer never sees ipcRenderer, channels, or anything else from Node.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { createBridge } from '../shared/api';
import { callChannel, eventChannel } from '../shared/contract-names';
import type { CallResult } from '../shared/errors';

const bridge = createBridge({
  invoke: (name, input) => ipcRenderer.invoke(callChannel(name), input) as Promise<CallResult<unknown>>,
  subscribe: (name, listener) => {
    const channel = eventChannel(name);
    const handler = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
  pathForFile: (file) => {
    try {
      return webUtils.getPathForFile(file as File) || null;
    } catch {
      return null;
    }
  },
});

contextBridge.exposeInMainWorld('flightdeck', bridge);
