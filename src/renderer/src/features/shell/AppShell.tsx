/**
 * The window: top bar, outline on the left, checklist in the middle, the
 * places for live capability on the right. It starts the sync with main,
 * the keyboard shortcuts and drag and drop, and applies the theme.
 */
import { useEffect } from 'react';
import { DropOverlay } from './DropOverlay';
import { ShortcutsHelp } from './ShortcutsHelp';
import { useShortcuts } from './useShortcuts';
import { useStore } from '../checklist/store/store';
import { startSync } from '../checklist/store/sync';
import { workspaceKey } from './workspace';
import { startTelemetry } from '../telemetry/telemetry-app';
import { startControlSync } from '../control/control-sync';
import { startBackupSync } from '../backup/backup-progress';
import { startGatesSync } from '../gates/gates-sync';
import { startConnectionWatch, useConnection } from '../connection/connection';
import { api } from '../../api';
import { ConnectionBanner } from '../connection/ConnectionBanner';
import { AlarmBanner } from '../gates/AlarmBanner';
import { ControlExtras, ControlPanel } from '../control/ControlPanel';
import { FinishPanel } from '../report/FinishPanel';
import { startWindowSync } from '../gates/window-store';
import { FilePicker } from './FilePicker';
import { MainColumn } from '../checklist/MainColumn';
import { Sidebar } from './Sidebar';
import { TopBar } from './topbar/TopBar';
import { TelemetryPanel } from '../telemetry/TelemetryPanel';
import { TrustBar } from '../trust/TrustBar';
import { useFileDrop } from './useFileDrop';
import { startReloadOnFocus } from '../reload/reload-on-focus';
import { ReviewPanel } from '../review/ReviewPanel';
import { TeamPanel } from '../team/TeamPanel';
import { startTeamSync } from '../team/team-store';

export function AppShell() {
  const loaded = useStore((s) => s.cockpit !== null);
  const theme = useStore((s) => s.cockpit?.prefs.theme ?? 'dark');
  const helpOpen = useStore((s) => s.helpOpen);
  const title = useStore((s) => s.cockpit?.runbook?.title);
  const hasRunbook = useStore((s) => Boolean(s.cockpit?.runbook));
  const connection = useConnection((s) => s.state);
  // Another runbook or session: the workspace remounts, so no panel keeps a result, banner or form of the one before.
  const workspace = useStore((s) => workspaceKey(s.cockpit));
  const dragging = useFileDrop();
  useShortcuts();

  useEffect(() => startConnectionWatch(api), []);
  useEffect(() => startSync(), []);
  useEffect(() => startReloadOnFocus(api), []);
  useEffect(() => startTelemetry(), []);
  useEffect(() => startControlSync(), []);
  useEffect(() => startBackupSync(), []);
  useEffect(() => startGatesSync(), []);
  useEffect(() => startWindowSync(), []);
  useEffect(() => startTeamSync(), []);

  useEffect(() => {
    const root = document.documentElement;
    root.classList.toggle('theme-light', theme === 'light');
    root.classList.toggle('theme-dark', theme !== 'light');
  }, [theme]);

  useEffect(() => {
    document.title = title ? `${title} · Flightdeck` : 'Flightdeck';
  }, [title]);

  // End-to-end tests wait for this: the first cockpit is in the DOM.
  useEffect(() => {
    if (loaded) document.body.dataset.ready = 'true';
  }, [loaded]);

  return (
    <div className="app" data-connection={connection}>
      {/* One grid row: the alarm sits right under the top bar, across the whole window. */}
      <div className="app-top">
        <TopBar key={`top-${workspace}`} />
        <ConnectionBanner />
        <AlarmBanner key={`alarm-${workspace}`} />
      </div>
      <div key={workspace} className={hasRunbook ? 'workspace' : 'workspace no-outline'}>
        <Sidebar />
        <MainColumn />
        <aside className="live-column" aria-label="Live capability">
          {/* Flags above the graphs: the step is taken where its effect is watched. */}
          <TrustBar />
          {/* Shown only while this session is joined to a team (issue 16). */}
          <TeamPanel />
          <ReviewPanel />
          <ControlPanel />
          <TelemetryPanel />
          <ControlExtras />
          <FinishPanel />
        </aside>
      </div>
      <FilePicker />
      {dragging && <DropOverlay />}
      {helpOpen && <ShortcutsHelp />}
    </div>
  );
}
