/** Renderer entry: mounts the app shell on #root. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { LinkOpener } from './features/checklist/blocks/link-opener';
import { openExternal } from './features/checklist/store/commands';
import { AppShell } from './features/shell/AppShell';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <LinkOpener.Provider value={(href) => void openExternal(href)}>
      <AppShell />
    </LinkOpener.Provider>
  </StrictMode>,
);
