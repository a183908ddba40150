/**
 * The commands the runbook and the profile name: what would run (argv, no
 * shell), whether it may run here or is copy-only and why, a Run button
 * for runnable ones (asking first unless it only reads), and the output of
 * the latest run as it streams, with its outcome.
 */
import { useState } from 'react';
import type { CommandView } from '../../../../shared/control-model';
import { runCommand } from './control-calls';
import { useControl } from './control-store';
import { errorText } from '../shell/feedback-slice';
import { ControlModal } from './ControlModal';
import { formatBytes } from '../../../../shared/format';
import { argvText } from './format';
import { OutcomeBadge, outcomeSentence } from './Outcome';
import { isReadOnly } from './read-only';

export function CommandsList({ commands }: { commands: CommandView[] }) {
  const [asking, setAsking] = useState<CommandView | null>(null);
  const [running, setRunning] = useState<Record<string, boolean>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});

  const run = async (command: CommandView) => {
    setAsking(null);
    setRunning((r) => ({ ...r, [command.id]: true }));
    setErrors(({ [command.id]: _, ...rest }) => rest);
    try {
      await runCommand(command.id);
    } catch (err) {
      setErrors((e) => ({ ...e, [command.id]: errorText(err) }));
    } finally {
      setRunning(({ [command.id]: _, ...rest }) => rest);
    }
  };

  if (commands.length === 0) return null;
  return (
    <section className="control-section commands" aria-labelledby="commands-title">
      <div className="control-section-head">
        <h3 id="commands-title">Commands</h3>
      </div>
      <ul className="command-list">
        {commands.map((command) => (
          <li key={command.id} className="command" data-testid="command" data-command-id={command.id} data-runnable={command.runnable ? 'true' : 'false'}>
            <div className="command-title">
              {command.title}
              <span className="muted command-source">{command.source === 'runbook' && command.line !== null ? ` · line ${command.line}` : command.source === 'profile' ? ' · profile' : ''}</span>
            </div>
            <code className="command-argv">{argvText(command.argv)}</code>
            <div className="command-foot">
              {command.runnable ? (
                <button
                  type="button"
                  className="btn btn-small"
                  data-testid="command-run"
                  disabled={running[command.id]}
                  onClick={() => (isReadOnly(command) ? void run(command) : setAsking(command))}
                >
                  {running[command.id] ? 'Running…' : 'Run'}
                </button>
              ) : (
                <span className="command-copy-only" data-testid="command-copy-only">
                  copy-only{command.reason ? `: ${command.reason}` : ''}
                </span>
              )}
              <CopyButton text={argvText(command.argv)} />
            </div>
            {errors[command.id] && (
              <p className="control-error" role="alert">
                {errors[command.id]}
              </p>
            )}
          </li>
        ))}
      </ul>
      <CommandOutput />
      {asking && (
        <ControlModal title="Run this command?" testId="command-confirm" onClose={() => setAsking(null)}>
          <p>{asking.title}</p>
          <code className="command-argv command-argv-large">{argvText(asking.argv)}</code>
          <p className="muted">This command can change the environment. It runs without a shell, with a deadline; its output shows below the list and goes into the journal.</p>
          <div className="control-modal-actions">
            <button type="button" className="btn" onClick={() => setAsking(null)}>
              Cancel
            </button>
            <button type="button" className="btn btn-primary" data-testid="command-confirm-run" onClick={() => void run(asking)}>
              Run
            </button>
          </div>
        </ControlModal>
      )}
    </section>
  );
}

function CopyButton({ text }: { text: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  return (
    <button
      type="button"
      className="btn btn-small btn-ghost"
      title="Copy the command line"
      onClick={() =>
        navigator.clipboard.writeText(text).then(
          () => setCopied('yes'),
          () => setCopied('no'),
        )
      }
    >
      {copied === 'yes' ? 'Copied' : copied === 'no' ? 'Select and copy it' : 'Copy'}
    </button>
  );
}

/** The latest command run: its output as it streams (bounded) and its outcome. */
function CommandOutput() {
  const actionId = useControl((s) => s.outputOrder[s.outputOrder.length - 1] ?? null);
  const buffer = useControl((s) => (actionId ? s.outputs[actionId] : undefined));
  const record = useControl((s) => (actionId ? s.control?.actions.find((a) => a.id === actionId) : undefined));
  if (!actionId || !buffer) return null;
  return (
    <div className="command-output-box" data-testid="command-output" data-action-id={actionId}>
      <div className="command-output-head">
        <span>{record?.title ?? 'Output'}</span>
        {record && <OutcomeBadge outcome={record.outcome} />}
      </div>
      {buffer.dropped > 0 && <div className="command-output-dropped muted">… {formatBytes(buffer.dropped)} of earlier output not shown</div>}
      <pre className="command-output">
        {buffer.chunks.map((chunk, i) => (
          <span key={i} className={chunk.stream === 'stderr' ? 'stderr' : undefined}>
            {chunk.text}
          </span>
        ))}
      </pre>
      {record && record.outcome !== 'running' && <div className={`command-output-outcome outcome-line-${record.outcome}`}>{outcomeSentence(record.outcome, record.message)}</div>}
    </div>
  );
}
