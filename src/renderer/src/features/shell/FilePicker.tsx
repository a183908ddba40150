/**
 * Opening a runbook. The desktop app has a native dialog in main, which
 * gives main a real path; browser mode has only the page's file input,
 * whose text is sent over instead. The input exists once, hidden, and
 * every "Open" button goes through openRunbook().
 */
import type { ChangeEvent } from 'react';
import { chooseRunbook, openFiles } from '../checklist/store/commands';
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
    // A runbook, with its profile when both are picked.
    const files = [...(event.target.files ?? [])];
    // Cleared so that choosing the same file again still counts as a change.
    event.target.value = '';
    if (files.length > 0) void openFiles(files);
  };
  return (
    <input
      id={INPUT_ID}
      type="file"
      className="visually-hidden"
      accept=".md,.markdown,.mdown,.txt,text/markdown,.yaml,.yml"
      multiple
      data-testid="open-file-input"
      tabIndex={-1}
      aria-hidden="true"
      onChange={onChange}
    />
  );
}
