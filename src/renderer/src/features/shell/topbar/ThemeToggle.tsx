/** Dark (the default, kind to eyes at 2 a.m.) or light. */
import { setTheme } from '../../checklist/store/commands';
import { usePrefs } from '../../checklist/store/selectors';

export function ThemeToggle() {
  const theme = usePrefs()?.theme ?? 'dark';
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <button type="button" className="btn btn-icon" data-testid="theme-toggle" aria-label={`Switch to the ${next} theme`} title={`Switch to the ${next} theme`} onClick={() => void setTheme(next)}>
      {theme === 'dark' ? '☀' : '☾'}
    </button>
  );
}
