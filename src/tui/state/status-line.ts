/** The numbers the status bar and the gauge show, as plain strings: testable without rendering. */
import type { GaugeReading, UiState } from './reducer.js';
import { formatCountdown, remainingMs } from './pacing-view.js';

export type GaugeLevel = 'ok' | 'warn' | 'bad';

export function gaugeLevel(g: GaugeReading): GaugeLevel {
  if (!g.fits) return 'bad';
  const share = g.committed / g.numCtx;
  return share >= 0.9 ? 'bad' : share >= 0.7 ? 'warn' : 'ok';
}

/** Cells of the bar: tokens in use, the rest of the reserved output, and free room. */
export function gaugeCells(g: GaugeReading, width: number): { used: number; reserved: number; free: number } {
  const cell = (tokens: number): number => Math.round((Math.max(0, tokens) / g.numCtx) * width);
  const used = Math.min(width, cell(g.used));
  const reserved = Math.min(width - used, cell(g.committed - g.used));
  return { used, reserved, free: width - used - reserved };
}

const n = (x: number): string => x.toLocaleString('en-US');

export function gaugeLabel(g: GaugeReading): string {
  const over = g.fits ? '' : ` over by ${n(g.committed - g.numCtx)}`;
  const out = g.output > 0 ? ` (out ${n(g.output)}/${n(g.reserve)})` : '';
  return `${n(g.used)}/${n(g.numCtx)}${out}${over}`;
}

export function pacingLabel(state: UiState, now: number): string {
  const p = state.pacing;
  const parts: string[] = [];
  const left = remainingMs(p, state.pacingAt, now);
  if (p.level === 'hot' || p.level === 'cooling') parts.push(left ? `${p.level} ${formatCountdown(left)}` : p.level);
  else if (p.level !== 'unknown') parts.push(p.level);
  const rate = p.tokPerSec ?? state.lastTokPerSec;
  if (rate !== null) parts.push(p.baselineTokPerSec ? `${rate}/${p.baselineTokPerSec} tok/s` : `${rate} tok/s`);
  if (p.promptsInWindow !== null) parts.push(p.hotAt ? `${p.promptsInWindow}/${p.hotAt} prompts` : `${p.promptsInWindow} prompt${p.promptsInWindow === 1 ? '' : 's'}`);
  if (state.held.length) parts.push(`${state.held.length} held`);
  return parts.join(' · ') || 'pacing: no data yet';
}

/** `sess_01JD…X7Q2`: enough of the id to find it in `field sessions list`. */
export function shortSession(id: string): string {
  return id.length > 16 ? `${id.slice(0, 9)}…${id.slice(-4)}` : id;
}
