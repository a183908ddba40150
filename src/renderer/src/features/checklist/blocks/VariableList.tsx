/**
 * A code block that only lists environment variables: the settings to
 * verify, one per row, never a command card and never a Copy button for a
 * terminal. Values that could be secrets are masked (shared/env-listing.ts).
 */
import type { EnvVariable } from '../../../../../shared/env-listing';

export function VariableList({ lang, variables }: { lang: string | null; variables: EnvVariable[] }) {
  return (
    <div className="code-block env-listing" data-testid="env-listing">
      <div className="code-head">
        <span className="code-lang">Variables to verify{lang ? ` · ${lang}` : ''}</span>
      </div>
      <ul className="env-list">
        {variables.map((v) => (
          <li key={`${v.line}:${v.name}`} data-testid="env-variable" data-masked={v.masked ? 'true' : 'false'}>
            <code className="env-name">{v.name}</code>
            <span className={v.masked ? 'env-value muted' : 'env-value'} aria-label={v.masked ? `${v.name}: value hidden` : undefined}>
              {v.shown === '' ? '(empty)' : v.shown}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
