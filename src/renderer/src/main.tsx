/** Renderer entry: mounts the app shell on #root. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { LinkOpener } from './components/link-opener';
import { openExternal } from './store/commands';
import { AppShell } from './views/AppShell';
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
