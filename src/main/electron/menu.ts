/**
 * The application menu: File > Open (Ctrl/Cmd+O), New session, Quit, and
 * the usual Edit and View roles. Actions go through the same cockpit as the
 * contract calls, and the renderer hears about them through events.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  open: () => void;
  newSession: () => void;
  openDemo: () => void;
}

export function buildMenu(actions: MenuActions, devTools: boolean): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Runbook…', accelerator: 'CmdOrCtrl+O', click: actions.open },
        { label: 'Open Demo Runbook', click: actions.openDemo },
        { type: 'separator' },
        { label: 'New Session', click: actions.newSession },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, ...(devTools ? [{ role: 'toggleDevTools' as const }] : []), { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
  ];
  return Menu.buildFromTemplate(template);
}
