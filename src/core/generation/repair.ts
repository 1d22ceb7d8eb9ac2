/**
 * Template checks and the repair turn. After an answer completes, it is checked against its
 * template; when a required check fails, the same model is asked once (config `checks.repairTurns`)
 * for only the failing parts, with its first answer as history. The reply is merged in template
 * order, checked again, and what still fails is recorded for a human (`checks`, `review`).
 */
import type { BudgetPlan } from '../budget/index.js';
import type { ArtifactQuality, ArtifactStatus, RepairState } from '../artifacts/index.js';
import { FieldError, isFieldError } from '../errors.js';
import type { GenerationEvent } from './events.js';
import {
  blockLang, fencedBlocks, headingMatches, outline, reviewKey, sectionAt, checkStructure, formatFinding,
  needsTypeScript, pickTemplate,
} from '../checks/index.js';
import type { CheckLang, Finding, ParseTs, StructureResult, Template } from '../checks/index.js';
import type { Mode } from '../models/index.js';
import type { ChatPort } from './ports.js';
import type { Clock } from '../clock.js';
import type { SessionEventBody } from '../sessions/index.js';

/** What a repair asks for: named sections, code blocks, the title, or (when nothing narrower fits) all of it. */
export interface RepairTargets {
  sections: string[];
  /** Indices of failing fenced blocks in the answer. */
  blocks: number[];
  /** Languages with no block at all. */
  missingLangs: CheckLang[];
  title: boolean;
  whole: boolean;
}

const CODE_CHECK_PREFIXES = ['code_block', 'file_name_comment', 'default_export', 'no_any', 'design_tokens_only', 'five_states', 'accessible_names', 'touch_targets_44px', 'aria_live_status'];

function isCodeFinding(f: Finding): boolean {
  return CODE_CHECK_PREFIXES.some((p) => f.check === p || f.check.startsWith(`${p}:`));
}

export function repairTargets(findings: readonly Finding[], template: Template, answer: string): RepairTargets {
  const targets: RepairTargets = { sections: [], blocks: [], missingLangs: [], title: false, whole: false };
  for (const f of findings) {
    if (f.check === 'endpoint_headings') targets.whole = true;
    else if (isCodeFinding(f)) {
      if (f.block !== undefined) targets.blocks.push(f.block);
      else if (f.check.startsWith('code_block:')) targets.missingLangs.push(...(f.check.slice('code_block:'.length).split(',') as CheckLang[]).slice(0, 1));
      else targets.whole = true;
    } else if (f.section) {
      // Only template sections can be put back in their place; anything else is asked for whole.
      const name = template.order.find((n) => headingMatches(f.section!, n));
      if (name) targets.sections.push(name);
      else targets.whole = true;
    } else if (isTitleFinding(f, answer)) targets.title = true;
    else targets.whole = true;
  }
  targets.sections = template.order.filter((n) => targets.sections.includes(n));
  targets.blocks = [...new Set(targets.blocks)].sort((a, b) => a - b);
  targets.missingLangs = [...new Set(targets.missingLangs)];
  return targets;
}

function isTitleFinding(f: Finding, answer: string): boolean {
  const o = outline(answer);
  const title = o.headings.find((h) => h.level === 1);
  return f.check === 'no_placeholders' && title !== undefined && sectionAt(o, title.line) === undefined;
}

export function describeTargets(t: RepairTargets, answer: string): string[] {
  if (t.whole) return ['the whole answer'];
  const blocks = fencedBlocks(outline(answer));
  return [
    ...(t.title ? ['the title'] : []),
    ...t.sections,
    ...t.blocks.map((i) => `the \`\`\`${blocks[i]?.lang ?? ''} block at line ${(blocks[i]?.start ?? 0) + 1}`),
    ...t.missingLangs.map((l) => `a \`\`\`${l} block`),
  ];
}

/** The repair turn's user message: what failed, and exactly what to send back. */
export function repairRequest(findings: readonly Finding[], t: RepairTargets, template: Template, answer: string): string {
  const problems = findings.slice(0, 8).map((f) => `- ${f.section ? `${f.section}: ` : ''}${f.message}`);
  const lines = [`Your answer does not follow the template "${template.name}" yet:`, ...problems, ''];
  if (t.whole) {
    lines.push(`Write the whole answer again, complete, with these \`## \` sections in this order: ${template.order.map((n) => `## ${n}`).join(', ') || 'one per item'}.`);
  } else {
    const asks: string[] = [];
    if (t.title) asks.push('the `# ` title line');
    if (t.sections.length) asks.push(`only these sections, complete, each under its \`## \` heading, in this order: ${t.sections.map((n) => `## ${n}`).join(', ')}`);
    if (t.blocks.length) {
      const blocks = fencedBlocks(outline(answer));
      asks.push(`the corrected ${t.blocks.map((i) => `\`\`\`${blocks[i]?.lang ?? ''} block`).join(' and ')}, each complete in its own fenced block`);
    }
    if (t.missingLangs.length) asks.push(`the missing ${t.missingLangs.map((l) => `\`\`\`${l}`).join(' and ')} code block`);
    lines.push(`Write ${asks.join('; then ')}.`, 'Do not repeat anything else.');
  }
  lines.push('No preamble and no closing remarks.');
  return lines.join('\n');
}

/** The answer with the repair reply merged in: sections put in template order, blocks replaced in place. */
export function mergeRepair(answer: string, reply: string, t: RepairTargets, template: Template): string {
  const trimmed = reply.trim();
  if (!trimmed) return answer;
  if (t.whole) return `${trimmed}\n`;
  const replyOutline = outline(trimmed);
  let lines = answer.replace(/\s+$/, '').split('\n');

  // Code first: block indices refer to the answer as it is now.
  const replyBlocks = fencedBlocks(replyOutline).filter((b) => !sectionAt(replyOutline, b.start) || t.sections.length === 0);
  const used = new Set<number>();
  const takeBlock = (lang: CheckLang | null): string[] | null => {
    const i = replyBlocks.findIndex((b, j) => !used.has(j) && blockLang(b.lang) === lang);
    if (i < 0) return null;
    used.add(i);
    return replyOutline.lines.slice(replyBlocks[i]!.start, replyBlocks[i]!.end);
  };
  const answerBlocks = fencedBlocks(outline(lines.join('\n')));
  for (const index of [...t.blocks].reverse()) {
    const block = answerBlocks[index];
    const replacement = block ? takeBlock(blockLang(block.lang)) : null;
    if (block && replacement) lines.splice(block.start, block.end - block.start, ...replacement);
  }
  for (const lang of t.missingLangs) {
    const replacement = takeBlock(lang);
    if (replacement) lines.push('', ...replacement);
  }

  if (t.title) {
    const newTitle = replyOutline.headings.find((h) => h.level === 1);
    const current = outline(lines.join('\n')).headings.find((h) => h.level === 1);
    if (newTitle) {
      const line = replyOutline.lines[newTitle.line]!;
      if (current) lines[current.line] = line;
      else lines.unshift(line, '');
    }
  }

  for (const name of t.sections) {
    const fresh = replyOutline.sections.find((s) => headingMatches(s.heading.text, name));
    if (!fresh) continue;
    const body = trimBlank(replyOutline.lines.slice(fresh.start, fresh.end));
    lines = placeSection(lines, name, body, template);
  }
  return `${lines.join('\n')}\n`;
}

function trimBlank(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1]!.trim() === '') end--;
  return lines.slice(0, end);
}

/** Removes any copy of the section, then inserts it before the first section that follows it in the template. */
function placeSection(lines: string[], name: string, section: string[], template: Template): string[] {
  let o = outline(lines.join('\n'));
  for (const s of [...o.sections].reverse()) {
    if (headingMatches(s.heading.text, name)) lines.splice(s.start, s.end - s.start);
  }
  lines = collapseBlank(lines);
  o = outline(lines.join('\n'));
  const rank = template.order.indexOf(name);
  const before = o.sections.find((s) => {
    const r = template.order.findIndex((n) => headingMatches(s.heading.text, n));
    return r > rank;
  });
  if (before) {
    lines.splice(before.start, 0, ...section, '');
  } else {
    while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
    lines.push('', ...section);
  }
  return collapseBlank(lines);
}

function collapseBlank(lines: string[]): string[] {
  const inFence = outline(lines.join('\n')).inFence;
  return lines.filter((l, i) => !(l.trim() === '' && i > 0 && lines[i - 1]!.trim() === '' && !inFence[i] && !inFence[i - 1]));
}

// ---------------------------------------------------------------------------------------------
// The check-and-repair step of a generation.

export interface CheckStepInput {
  mode: Mode;
  model: string;
  think: boolean;
  numCtx: number;
  reserveOutput: number;
  system: string;
  /** The user message the first answer replied to. */
  userMessage: string;
  answer: string;
  status: ArtifactStatus;
  templates: readonly Template[];
  repairTurns: number;
  /** The budget of the repair turn: the first exchange as history, the repair request as the prompt. */
  planRepair(answer: string, request: string): BudgetPlan;
}

export interface CheckStepDeps {
  chat: ChatPort;
  clock: Clock;
  signal: AbortSignal;
  /** Loads the TypeScript parser; called only when a ts/tsx block is to be checked. */
  loadSyntax?: () => Promise<ParseTs>;
  log(event: SessionEventBody): Promise<void>;
}

export interface CheckOutcome {
  template: Template;
  answer: string;
  /** Reasoning of the repair turn(s), for the thinking file. */
  thinking: string;
  first: StructureResult;
  final: StructureResult;
  repair: RepairState;
  /** A cancel during the repair turn: the caller saves, then reports it. */
  canceled: FieldError | null;
}

export async function* checkAndRepair(input: CheckStepInput, deps: CheckStepDeps): AsyncGenerator<GenerationEvent, CheckOutcome | null> {
  const template = pickTemplate(input.answer, input.templates);
  if (!template) return null;
  const check = async (answer: string): Promise<StructureResult> => {
    const parseTs = deps.loadSyntax && needsTypeScript(answer, template) ? await deps.loadSyntax() : undefined;
    return checkStructure(answer, template, parseTs);
  };
  const first = await check(input.answer);
  const outcome: CheckOutcome = { template, answer: input.answer, thinking: '', first, final: first, repair: 'none', canceled: null };
  if (first.findings.length === 0) return outcome;
  if (input.status !== 'complete') return { ...outcome, repair: 'skipped_incomplete' };
  if (input.repairTurns <= 0) return { ...outcome, repair: 'disabled' };

  for (let turn = 0; turn < input.repairTurns && outcome.final.findings.length > 0; turn++) {
    const targets = repairTargets(outcome.final.findings, template, outcome.answer);
    const request = repairRequest(outcome.final.findings, targets, template, outcome.answer);
    const plan = input.planRepair(outcome.answer, request);
    if (!plan.fits) return { ...outcome, repair: 'skipped_over_budget' };

    const described = describeTargets(targets, outcome.answer);
    yield { type: 'repair', template: template.name, targets: described, findings: outcome.final.findings, plan };
    await deps.log({
      type: 'repair', mode: input.mode, model: input.model, template: template.name, targets: described,
      findings: outcome.final.findings.map(formatFinding), budget: plan,
    });
    const reply = yield* streamRepair(input, deps, outcome.answer, request);
    outcome.thinking += reply.thinking;
    if (reply.error) {
      const canceled = reply.error.kind === 'canceled';
      await deps.log(canceled
        ? { type: 'canceled', mode: input.mode, path: null, chars: reply.text.length }
        : { type: 'error', kind: reply.error.kind, message: `repair turn: ${reply.error.message}`, path: null });
      return { ...outcome, repair: canceled ? 'canceled' : 'failed', canceled: canceled ? reply.error : null };
    }
    // A repair cut off by num_predict would merge half a section that may pass on its looks.
    if (reply.doneReason === 'length') return { ...outcome, repair: 'failed' };
    outcome.answer = mergeRepair(outcome.answer, reply.text, targets, template);
    outcome.final = await check(outcome.answer);
    outcome.repair = 'done';
  }
  return outcome;
}

interface RepairReply {
  text: string;
  thinking: string;
  doneReason: string | null;
  error: FieldError | null;
}

async function* streamRepair(input: CheckStepInput, deps: CheckStepDeps, answer: string, request: string): AsyncGenerator<GenerationEvent, RepairReply> {
  const reply: RepairReply = { text: '', thinking: '', doneReason: null, error: null };
  const started = deps.clock.monotonic();
  let firstTokenMs: number | null = null;
  try {
    const stream = deps.chat.chat(
      {
        model: input.model,
        messages: [
          { role: 'user', content: input.userMessage },
          { role: 'assistant', content: answer },
          { role: 'user', content: request },
        ],
        think: input.think,
        truncate: false,
        options: { num_ctx: input.numCtx, num_predict: input.reserveOutput },
      },
      deps.signal,
    );
    for await (const chunk of stream) {
      firstTokenMs ??= deps.clock.monotonic() - started;
      if (chunk.type === 'content') {
        reply.text += chunk.text;
        yield { type: 'token', text: chunk.text };
      } else if (chunk.type === 'thinking') {
        reply.thinking += chunk.text;
        yield { type: 'thinking', text: chunk.text };
      } else {
        const m = chunk.metrics;
        reply.doneReason = m.doneReason;
        await deps.log({
          type: 'generation_end', mode: input.mode, model: input.model, done_reason: m.doneReason,
          prompt_eval_count: m.promptEvalCount, eval_count: m.evalCount,
          tok_per_s: m.evalDurationNs > 0 ? Math.round((m.evalCount / m.evalDurationNs) * 1e10) / 10 : 0,
          total_ms: Math.round(deps.clock.monotonic() - started), first_token_ms: firstTokenMs === null ? null : Math.round(firstTokenMs),
        });
      }
    }
  } catch (error) {
    reply.error = isFieldError(error) ? error : new FieldError('internal', error instanceof Error ? error.message : String(error), { cause: error });
  }
  return reply;
}

// ---------------------------------------------------------------------------------------------
// What the artifact records.

export interface CheckFields {
  template: string | null;
  checks: string[];
  advice: string[];
  review: string[];
  quality: ArtifactQuality | null;
}

/** Frontmatter fields from an outcome; `review` adds the sections whose required checks still fail. */
export function checkFields(outcome: CheckOutcome | null, baseReview: readonly string[]): CheckFields {
  if (!outcome) return { template: null, checks: [], advice: [], review: [...baseReview], quality: null };
  const { first, final } = outcome;
  const review = [...baseReview];
  for (const f of final.findings) {
    const key = f.section ? reviewKey(f.section) : isCodeFinding(f) ? 'code' : 'structure';
    if (!review.includes(key)) review.push(key);
  }
  return {
    template: outcome.template.name,
    checks: final.findings.map(formatFinding),
    advice: final.advice.map(formatFinding),
    review,
    quality: {
      estimate: final.total === 0 ? 1 : Math.round((final.passed / final.total) * 100) / 100,
      checks_passed: final.passed,
      checks_total: final.total,
      template_result: first.findings.length === 0 ? 'first_time' : final.findings.length === 0 ? 'after_repair' : 'never',
      repair: outcome.repair,
    },
  };
}
