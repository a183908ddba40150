/**
 * Opening a runbook. The desktop app has a native dialog in main, which
 * gives main a real path; browser mode has only the page's file input,
 * whose text is sent over instead. The input exists once, hidden, and
 * every "Open" button goes through openRunbook().
 */
import type { ChangeEvent } from 'react';
import { chooseRunbook, openFile } from '../checklist/store/commands';
import { useStore } from '../checklist/store/store';

const INPUT_ID = 'open-file-input';

export function openRunbook(): void {
  if (useStore.getState().cockpit?.app.nativeOpenDialog) {
    void chooseRunbook();
    return;
  }
  document.getElementById(INPUT_ID)?.click();
}

export function FilePicker() {
  const onChange = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    // Cleared so that choosing the same file again still counts as a change.
    event.target.value = '';
    if (file) void openFile(file);
  };
  return (
    <input
      id={INPUT_ID}
      type="file"
      className="visually-hidden"
      accept=".md,.markdown,.mdown,.txt,text/markdown"
      data-testid="open-file-input"
      tabIndex={-1}
      aria-hidden="true"
      onChange={onChange}
    />
  );
}
