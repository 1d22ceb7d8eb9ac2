/** Components on their own with ink-testing-library: colour only when allowed, countdowns, long input. */
import { describe, expect, it, vi } from 'vitest';

// Colour support is decided when chalk loads; force it so that leaving colour out is the theme's doing.
vi.hoisted(() => {
  process.env.FORCE_COLOR = '1';
});

import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { StatusBar } from '../../src/tui/components/status-bar.js';
import { CooldownView } from '../../src/tui/components/cooldown-view.js';
import { InputBox } from '../../src/tui/components/input-box.js';
import { OverlayView } from '../../src/tui/components/overlays.js';
import { Header } from '../../src/tui/components/header.js';
import { Transcript } from '../../src/tui/components/transcript.js';
import { ThemeContext, WidthContext, createTheme } from '../../src/tui/theme.js';
import { initialState, reducer } from '../../src/tui/state/reducer.js';
import type { UiState } from '../../src/tui/state/reducer.js';
import { UNKNOWN_PACING } from '../../src/tui/state/pacing-view.js';

// eslint-disable-next-line no-control-regex
const COLOUR = /\x1b\[(?:3[0-7]|9[0-7]|38;|4[0-7])[0-9;]*m/;
// eslint-disable-next-line no-control-regex
const plain = (s: string | undefined): string => (s ?? '').replace(/\x1b\[[0-9;]*m/g, '');

function themed(node: ReactElement, colors: boolean, width = 100): ReactElement {
  return (
    <ThemeContext.Provider value={createTheme(colors)}>
      <WidthContext.Provider value={width}>{node}</WidthContext.Provider>
    </ThemeContext.Provider>
  );
}

function overBudget(): UiState {
  let s = initialState({ mode: 'prd', numCtx: 8192 });
  s = reducer(s, { type: 'session', info: { id: 'sess_01ABCDEFGHJKMNPQRSTVWXYZ12', project: 'acme', projectDir: '/w' }, history: [], mode: null, resumed: false, turns: 0 });
  return reducer(s, {
    type: 'preview',
    plan: { numCtx: 8192, items: [], input: 7000, margin: 0, reserveOutput: 2048, free: -856, fits: false, counter: 'exact' },
  });
}

describe('colour', () => {
  it('NO_COLOR: the status bar, transcript and overlays carry no colour codes, and say it in words', () => {
    const s = reducer(reducer(overBudget(), { type: 'print', kind: 'error', text: 'boom' }), { type: 'ollama', state: { state: 'down', detail: 'x', retryAt: null } });
    const bar = render(themed(<StatusBar state={s} columns={100} now={0} />, false));
    expect(bar.lastFrame()).not.toMatch(COLOUR);
    expect(plain(bar.lastFrame())).toContain('over by 856');
    expect(plain(bar.lastFrame())).toContain('Ollama down · retrying');
    const transcript = render(themed(<Transcript blocks={s.blocks} />, false));
    expect(transcript.lastFrame()).not.toMatch(COLOUR);
    expect(plain(transcript.lastFrame())).toContain('✗ boom');
    const overlay = render(themed(<OverlayView overlay={{ kind: 'rating', queue: ['prds/a-v1.md'], index: 0, then: null }} />, false));
    expect(overlay.lastFrame()).not.toMatch(COLOUR);
  });

  it('with colour: an over-budget gauge is red', () => {
    const bar = render(themed(<StatusBar state={overBudget()} columns={100} now={0} />, true));
    // eslint-disable-next-line no-control-regex
    expect(bar.lastFrame()).toMatch(/\x1b\[31m[^\x1b]*█/);
  });
});

describe('layout pieces', () => {
  it('the cooldown view counts down from when pacing answered', () => {
    const view = { ...UNKNOWN_PACING, level: 'cooling' as const, cooldownRemainingMs: 180_000, reasons: ['decode rate 0.6 of baseline'] };
    const r = render(themed(<CooldownView pacing={view} receivedAt={1_000} now={61_500} held={[]} />, false));
    expect(plain(r.lastFrame())).toContain('Cooling down: 2:00 left');
    expect(plain(r.lastFrame())).toContain('decode rate 0.6 of baseline');
    r.rerender(themed(<CooldownView pacing={view} receivedAt={1_000} now={400_000} held={[]} />, false));
    expect(plain(r.lastFrame())).toContain('checking again');
  });

  it('a long paste shows a window of lines and how many are hidden', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `row ${i}`).join('\n');
    const r = render(themed(<InputBox editor={{ text, cursor: text.length }} columns={60} maxLines={4} busy={false} />, false));
    const frame = plain(r.lastFrame());
    expect(frame).toContain('… 4996 lines above (5000 in all)');
    expect(frame).toContain('row 4999');
    expect(frame.split('\n').length).toBeLessThanOrEqual(7);
  });

  it('a remote Ollama host is named in the status bar', () => {
    const bar = render(themed(<StatusBar state={overBudget()} columns={160} now={0} remoteHost="http://10.0.0.5:11434" />, false));
    expect(plain(bar.lastFrame())).toContain('Ollama at http://10.0.0.5:11434: prompts leave this machine');
  });

  it('the header and status bar fit 80 columns', () => {
    const h = render(themed(<Header project="a-rather-long-project" mode="arch" columns={80} />, false));
    for (const line of plain(h.lastFrame()).split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    const bar = render(themed(<StatusBar state={overBudget()} columns={80} now={0} />, false));
    for (const line of plain(bar.lastFrame()).split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});
