/**
 * The structure checker: runs a template's checks on an answer and returns findings, each naming
 * the check, the section a repair should rewrite (when there is one) and what is wrong. Pure: the
 * TypeScript parser comes in as a function (adapters/checks/typescript-syntax.ts lazy-loads the compiler).
 */
import type { CheckContext, CheckDef, Finding, ParseTs, Template } from './types.js';
import { fencedBlocks, outline, proseLines } from './markdown-sections.js';
import { TEXT_CHECKS } from './text-checks.js';
import { CODE_CHECKS, blockLang } from './code-checks.js';

export const CHECKS: Readonly<Record<string, CheckDef>> = { ...TEXT_CHECKS, ...CODE_CHECKS };

export function splitCheckName(check: string): { name: string; arg: string | undefined } {
  const at = check.indexOf(':');
  return at < 0 ? { name: check, arg: undefined } : { name: check.slice(0, at), arg: check.slice(at + 1) };
}

/** A reason the name is not a usable check, or null. */
export function validateCheckName(check: string): string | null {
  const { name, arg } = splitCheckName(check);
  const def = CHECKS[name];
  if (!def) return `unknown check (known: ${Object.keys(CHECKS).sort().join(', ')})`;
  if (def.arg) return arg === undefined ? `needs an argument, e.g. ${def.arg.example}` : def.arg.validate(arg);
  return arg === undefined ? null : `takes no argument after ":"`;
}

export interface StructureResult {
  template: string;
  /** Failing checks that must pass (a repair turn is asked for these). */
  findings: Finding[];
  /** Failing advisory checks: shown to the reviewer, never repaired automatically. */
  advice: Finding[];
  /** Checks run and how many passed (every check counts once, however many findings it has). */
  total: number;
  passed: number;
}

export function checkStructure(answer: string, template: Template, parseTs?: ParseTs): StructureResult {
  const o = outline(answer);
  const ctx: CheckContext = { answer, outline: o, prose: proseLines(o), blocks: fencedBlocks(o), template, ...(parseTs ? { parseTs } : {}) };
  const run = (check: string): Finding[] => {
    const { name, arg } = splitCheckName(check);
    return CHECKS[name]!.run(ctx, arg, check).map((f) => ({ ...f, check }));
  };
  const findings = template.checks.flatMap(run);
  const advice = template.advisory.flatMap(run);
  const failed = new Set([...findings, ...advice].map((f) => f.check)).size;
  const total = template.checks.length + template.advisory.length;
  return { template: template.name, findings, advice, total, passed: total - failed };
}

/** True when a template's checks include TypeScript parsing the answer actually needs. */
export function needsTypeScript(answer: string, template: Template): boolean {
  const wantsTs = [...template.checks, ...template.advisory].some((c) => {
    const { name, arg } = splitCheckName(c);
    return name === 'code_block' && /\bts\b|\btsx\b/.test(arg ?? '');
  });
  if (!wantsTs) return false;
  return fencedBlocks(outline(answer)).some((b) => {
    const lang = blockLang(b.lang);
    return lang === 'ts' || lang === 'tsx';
  });
}

/** `check: message (section)` lines for the frontmatter and the terminal. */
export function formatFinding(f: Finding): string {
  const where = f.section && !f.message.includes(`## ${f.section}`) ? ` [${f.section}]` : '';
  return `${f.check}: ${f.message}${where}`;
}
