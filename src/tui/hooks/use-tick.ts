/** The time, refreshed every `ms` while `active` (a countdown is on screen) and never otherwise. */
import { useEffect, useState } from 'react';

export function useTick(active: boolean, ms: number, now: () => number): number {
  const [time, setTime] = useState(now);
  useEffect(() => {
    if (!active) return;
    setTime(now());
    const timer = setInterval(() => setTime(now()), ms);
    return () => clearInterval(timer);
  }, [active, ms, now]);
  return time;
}
