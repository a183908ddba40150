/**
 * A backup's size as people read it ("812 B", "3.4 MB", "41 MB"). Here in
 * shared, free of Node imports, so the CLI, the journal's messages and the
 * cockpit's backup rows all print the same size for the same backup.
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}
