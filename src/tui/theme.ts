/**
 * Colours of the TUI, or none: with NO_COLOR (or a dumb terminal) every colour is undefined and the
 * components fall back to bold, dim and symbols, so nothing depends on colour to be read.
 */
import { createContext, useContext } from 'react';

export interface Theme {
  colors: boolean;
  accent: string | undefined;
  user: string | undefined;
  heading: string | undefined;
  code: string | undefined;
  ok: string | undefined;
  warn: string | undefined;
  bad: string | undefined;
  muted: string | undefined;
}

export function createTheme(colors: boolean): Theme {
  const c = (name: string): string | undefined => (colors ? name : undefined);
  return {
    colors,
    accent: c('cyan'),
    user: c('magenta'),
    heading: c('cyan'),
    code: c('green'),
    ok: c('green'),
    warn: c('yellow'),
    bad: c('red'),
    muted: c('gray'),
  };
}

/** The same rule as the CLI's style.ts: NO_COLOR wins, FORCE_COLOR forces, a dumb terminal has none. */
export function tuiColors(env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return env.TERM !== 'dumb';
}

export const ThemeContext = createContext<Theme>(createTheme(false));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** Terminal columns at the time a block is printed: transcript lines are wrapped to it once. */
export const WidthContext = createContext<number>(80);
