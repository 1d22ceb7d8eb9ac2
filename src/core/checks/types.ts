/** The shapes the structure checks share: templates, findings and the check definitions. */
import type { Mode } from '../models/index.js';
import type { FencedBlock, Outline } from './markdown-sections.js';

/** Records field renders itself: their templates shape output, no model answers against them. */
export const RECORD_KINDS = ['session', 'handoff'] as const;
export type TemplateMode = Mode | (typeof RECORD_KINDS)[number];

export interface Template {
  name: string;
  modes: TemplateMode[];
  description: string;
  /** Required `## ` sections, in order. */
  sections: string[];
  optionalSections: string[];
  /** Every section of the skeleton (required and optional), in the order a draft should have them. */
  order: string[];
  /** Required `### ` names inside a section, in order. */
  subsections: Record<string, string[]>;
  /** Every `## ` heading must match this (documents whose sections are named per item, e.g. endpoints). */
  sectionPattern: RegExp | null;
  /** Checks that must pass: a failure asks the model for a repair turn. */
  checks: string[];
  /** Checks that are reported to the reviewer but never cost a repair turn (heuristics, style). */
  advisory: string[];
  /** The skeleton's `# ` line, e.g. `# Field session <sess_id>`. */
  title: string;
  /** The skeleton body (frontmatter removed). */
  body: string;
  /** Where it came from: `built-in` or the workspace file path. */
  source: string;
}

export interface SyntaxDiagnostic {
  /** 1-based, relative to the code given. */
  line: number;
  column: number;
  message: string;
}

/** Syntax errors of one TypeScript source (`tsx` allows JSX); an empty list means it parses. */
export type ParseTs = (code: string, lang: 'ts' | 'tsx') => SyntaxDiagnostic[];

export interface Finding {
  /** The check as the template names it, e.g. `sections_in_order` or `code_block:ts`. */
  check: string;
  /** The `## ` section to rewrite, when the problem lives in one. */
  section?: string;
  /** Index of the fenced block at fault (into the answer's blocks), for code problems. */
  block?: number;
  message: string;
}

export interface CheckContext {
  answer: string;
  outline: Outline;
  /** Lines with code blanked, for prose checks. */
  prose: string[];
  blocks: FencedBlock[];
  template: Template;
  parseTs?: ParseTs;
}

export interface CheckDef {
  describe: string;
  /** Present when the check takes an argument after a colon (`code_block:ts`). */
  arg?: { example: string; validate(arg: string): string | null };
  run(ctx: CheckContext, arg: string | undefined, check: string): Finding[];
}
