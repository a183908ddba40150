/**
 * Who is flying: recorded as "who" on every tick and note. Saved on blur
 * or Enter; an empty name is not accepted, so the field falls back to the
 * saved one.
 */
import { useState, type KeyboardEvent } from 'react';
import { LIMITS } from '../../../../../shared/contract-names';
import { setOperator } from '../../checklist/store/commands';
import { usePrefs } from '../../checklist/store/selectors';

export function OperatorInput() {
  const saved = usePrefs()?.operator ?? '';
  // Keyed on the saved name: a change from main (another window, a reset)
  // starts the field over from it.
  return <OperatorField key={saved} saved={saved} />;
}

function OperatorField({ saved }: { saved: string }) {
  const [name, setName] = useState(saved);
  const commit = () => {
    const trimmed = name.trim();
    if (!trimmed) {
      setName(saved);
      return;
    }
    if (trimmed !== saved) void setOperator(trimmed);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      commit();
      event.currentTarget.blur();
    }
  };
  return (
    <label className={saved ? 'operator' : 'operator unset'} title="Recorded with every tick and note">
      <span className="operator-label">Operator</span>
      <input
        data-testid="operator"
        aria-label="Operator name"
        value={name}
        maxLength={LIMITS.operatorChars}
        placeholder="Your name"
        autoComplete="off"
        spellCheck={false}
        onChange={(event) => setName(event.target.value)}
        onBlur={commit}
        onKeyDown={onKeyDown}
      />
    </label>
  );
}
