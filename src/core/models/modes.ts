/**
 * The six specialized modes (DESIGN.md section 3). This table is the single source the CLI,
 * the artifact writer and the budget read; Modelfiles carry the prompts and sampling.
 */
export const MODES = ['prd', 'code', 'wire', 'arch', 'vision', 'doc'] as const;
export type Mode = (typeof MODES)[number];

/** Text modes run one-shot from the command line; vision needs images (a later feature). */
export const TEXT_MODES = ['prd', 'code', 'wire', 'arch', 'doc'] as const satisfies readonly Mode[];

export type CodeLang = 'ts' | 'tsx' | 'sql';

export interface ModeSpec {
  readonly mode: Mode;
  readonly model: string;
  readonly base: string;
  readonly temperature: number;
  readonly folder: string;
  /** Fence languages extracted into sibling files, and the extension each lands in. */
  readonly extract: readonly CodeLang[];
  /** Send `think: true` (reasoning kept apart) or `false`; never omit it (the server defaults it on). */
  readonly think: boolean;
  /** Output tokens reserved in the 8K budget: num_predict. Thinking models need room to reason. */
  readonly reserveOutput: number;
  /** Sections a human must check before the lab relies on them. */
  readonly review: readonly string[];
  readonly summary: string;
}

export const MODE_SPECS: Readonly<Record<Mode, ModeSpec>> = {
  prd: {
    mode: 'prd', model: 'field-prd', base: 'qwen3:8b', temperature: 0.7, folder: 'prds', extract: [],
    think: false, reserveOutput: 2048, review: ['kill_criteria', 'acceptance_criteria'],
    summary: 'PRD: Problem Statement, Hypothesis, Kill Criteria, Acceptance Criteria, Agent Brief',
  },
  code: {
    mode: 'code', model: 'field-code', base: 'qwen2.5-coder:7b', temperature: 0.3, folder: 'code', extract: ['ts', 'sql'],
    think: false, reserveOutput: 2048, review: ['imports', 'error_handling'],
    summary: 'TypeScript for Hono on Workers with D1/KV/R2; SQL to migrations/',
  },
  wire: {
    mode: 'wire', model: 'field-wire', base: 'qwen3:8b', temperature: 0.5, folder: 'wireframes', extract: ['tsx'],
    think: false, reserveOutput: 2048, review: ['state_logic'],
    summary: 'React + Tailwind component from a screen description',
  },
  arch: {
    mode: 'arch', model: 'field-arch', base: 'deepseek-r1:8b', temperature: 0.4, folder: 'arch', extract: [],
    think: true, reserveOutput: 3072, review: ['decision'],
    summary: 'Architecture decision (ADR shape) with the reasoning kept apart',
  },
  vision: {
    mode: 'vision', model: 'field-vision', base: 'llava:7b', temperature: 0.3, folder: 'wireframes', extract: [],
    think: false, reserveOutput: 1536, review: ['layout'],
    summary: 'Description of a photo or sketch; with a follow-up, a component',
  },
  doc: {
    mode: 'doc', model: 'field-doc', base: 'qwen3:8b', temperature: 0.5, folder: 'docs', extract: [],
    think: false, reserveOutput: 2048, review: [],
    summary: 'ADR, runbook or API doc in the lab conventions',
  },
};

export function isMode(value: string): value is Mode {
  return (MODES as readonly string[]).includes(value);
}
