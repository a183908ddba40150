/**
 * A fenced code block: monospace, its language, and a Copy button for
 * pasting into a terminal. A block that only lists environment variables
 * is shown as the list of variables to verify instead, values masked.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { envListing } from '../../../../../shared/env-listing';
import { VariableList } from './VariableList';
import { copyText } from '../store/commands';

export function CodeBlock({ lang, value }: { lang: string | null; value: string }) {
  const variables = useMemo(() => envListing(value), [value]);
  if (variables) return <VariableList lang={lang} variables={variables} />;
  return <CodeText lang={lang} value={value} />;
}

function CodeText({ lang, value }: { lang: string | null; value: string }) {
  const [copied, setCopied] = useState(false);
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const copy = async () => {
    if (!(await copyText(value))) return;
    setCopied(true);
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => setCopied(false), 1500);
  };

  return (
    <div className="code-block">
      <div className="code-head">
        <span className="code-lang">{lang ?? 'text'}</span>
        <button type="button" className="btn btn-small" data-testid="copy-code" onClick={() => void copy()} aria-label={copied ? 'Copied' : `Copy ${lang ?? 'code'} to the clipboard`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <pre>
        <code>{value}</code>
      </pre>
    </div>
  );
}
