import { performance } from 'node:perf_hooks';
import type { Clock } from '../../core/clock.js';

export const systemClock: Clock = {
  now: () => new Date(),
  monotonic: () => performance.now(),
};
