/** The wall clock, re-read every `everyMs` while `running`, for countdowns and time in phase (main sends epoch times). */
import { useEffect, useState } from 'react';

export function useNow(everyMs = 1000, running = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const tick = () => setNow(Date.now());
    // At once too: a clock that was paused must not show a countdown from a stale time.
    const first = setTimeout(tick, 0);
    const timer = setInterval(tick, everyMs);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [everyMs, running]);
  return now;
}
