/** The runbook's file name and where it came from (a file on disk, imported text, or the demo). */
import type { RunbookSource } from '../../../../../shared/runbook-model';

const ORIGIN_HELP: Record<RunbookSource['origin'], string> = {
  file: 'Opened from a file on disk',
  import: 'Imported text: there is no file to write ticks back to',
  demo: 'The bundled demo runbook',
};

export function SourceInfo({ source }: { source: RunbookSource }) {
  return (
    <span className="source-info">
      <span className="source-name" data-testid="source-name" title={source.path ?? source.name}>
        {source.name}
      </span>
      <span className={`badge badge-${source.origin}`} data-testid="source-origin" title={ORIGIN_HELP[source.origin]}>
        {source.origin}
      </span>
      {source.origin === 'file' && !source.writable && (
        <span className="badge badge-muted" title="Ticks cannot be written back into this file">
          read-only
        </span>
      )}
    </span>
  );
}
