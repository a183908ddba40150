/** Writes the session's ticks into the markdown file; only offered when the file can take them. */
import { useState } from 'react';
import { writeTicksToFile } from '../../checklist/store/commands';

export function WriteTicksButton() {
  const [busy, setBusy] = useState(false);
  const write = async () => {
    setBusy(true);
    await writeTicksToFile();
    setBusy(false);
  };
  return (
    <button
      type="button"
      className="btn"
      data-testid="write-ticks"
      disabled={busy}
      title="Write this session's ticks into the markdown file, changing only the [ ] / [x] characters"
      onClick={() => void write()}
    >
      {busy ? 'Writing…' : 'Write ticks to file'}
    </button>
  );
}
