/**
 * Checks on the prose of an answer: sections, checklists, kill criteria, placeholders. Each one
 * reads the outline and returns findings that name the section a repair should rewrite.
 * Heuristics are written to fail closed on the shape (no items, no number) and to stay quiet on
 * wording; the ones that guess more are used as advisory checks in the shipped templates.
 */
import type { CheckContext, CheckDef, Finding } from './types.js';
import { findSection, headingMatches, listItems, normaliseSectionName, sectionAt } from './markdown-sections.js';
import type { Section } from './markdown-sections.js';

const NUMBER_WORDS = 'one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|sixty|ninety|hundred|thousand';
const UNITS = 'hours?|days?|weeks?|months?|quarters?|years?|sprints?|releases?';
const MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';

/** A time window: "two-week pilot", "within 30 days", "per month", "by Q3 2026", "by 2026-06-30". */
const WINDOW = new RegExp(
  [
    `\\b(\\d+|a|an|${NUMBER_WORDS})[\\s-]+(${UNITS})\\b`,
    `\\b(per|a|each|every)\\s+(hour|day|week|month|quarter|year|sprint)\\b`,
    '\\b(daily|weekly|fortnightly|monthly|quarterly|yearly|annually)\\b',
    '\\b\\d{4}-\\d{2}(-\\d{2})?\\b',
    '\\bQ[1-4]\\b',
    `\\b(${MONTHS})\\.?\\s+\\d{1,4}\\b`,
    `\\b\\d{1,2}\\s+(${MONTHS})\\b`,
  ].join('|'),
  'gi',
);

/** A threshold: a digit, a percentage or a number word, outside the window phrase. */
const THRESHOLD = new RegExp(`\\d|%|\\b(${NUMBER_WORDS}|half|twice|double|triple|none|zero)\\b`, 'i');

function hasWindow(text: string): boolean {
  WINDOW.lastIndex = 0;
  return WINDOW.test(text);
}

function hasThreshold(text: string): boolean {
  return THRESHOLD.test(text.replace(WINDOW, ' '));
}

function section(ctx: CheckContext, name: string, check: string): { found: Section } | { missing: Finding[] } {
  const found = findSection(ctx.outline, name);
  if (found) return { found };
  // sections_in_order reports a missing section; this check repeats it only when that one is not run.
  const reported = ctx.template.checks.includes('sections_in_order') || ctx.template.advisory.includes('sections_in_order');
  return { missing: reported ? [] : [{ check, section: name, message: `no "## ${name}" section` }] };
}

function items(s: Section, ctx: CheckContext) {
  return listItems(s.body, s.start + 1, ctx.outline.inFence);
}

function quote(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(t.length > 60 ? `${t.slice(0, 57)}...` : t);
}

function nonBlank(lines: readonly string[]): string[] {
  return lines.map((l) => l.trim()).filter((l) => l !== '' && !/^<!--.*-->$/.test(l));
}

/** A check of one `## ` section; a missing section is reported as section() decides. */
function sectionCheck(name: string, describe: string, judge: (found: Section, ctx: CheckContext, check: string) => Finding[]): CheckDef {
  return {
    describe,
    run(ctx, _arg, check) {
      const s = section(ctx, name, check);
      return 'missing' in s ? s.missing : judge(s.found, ctx, check);
    },
  };
}

export const TEXT_CHECKS: Record<string, CheckDef> = {
  sections_in_order: {
    describe: 'every required section is a `## ` heading, in template order',
    run(ctx) {
      const found = ctx.template.sections.map((name) => ({ name, at: ctx.outline.sections.findIndex((s) => headingMatches(s.heading.text, name)) }));
      const present = found.filter((f) => f.at >= 0);
      // The sections in the longest run already in order stay; the others are the ones out of place.
      const keep = new Set(longestIncreasing(present.map((f) => f.at)).map((i) => present[i]!.name));
      return found.flatMap(({ name, at }): Finding[] => {
        if (at < 0) return [{ check: '', section: name, message: `missing: no "## ${name}" heading` }];
        if (keep.has(name)) return [];
        return [{ check: '', section: name, message: `out of order: "## ${name}" is not where the template puts it` }];
      });
    },
  },

  acceptance_checkboxes: sectionCheck('Acceptance Criteria', 'Acceptance Criteria has items and every one is `- [ ]`', (found, ctx, check) => {
    const list = items(found, ctx);
    if (list.length === 0) return [{ check, section: 'Acceptance Criteria', message: 'no `- [ ]` items' }];
    const bad = list.filter((i) => !/^\s{0,3}[-*+] \[ \] \S/.test(i.raw));
    if (bad.length === 0) return [];
    return [{ check, section: 'Acceptance Criteria', message: `${bad.length} of ${list.length} items are not \`- [ ]\` checkboxes, e.g. ${quote(bad[0]!.raw)}` }];
  }),

  kill_criteria_threshold_window: sectionCheck('Kill Criteria', 'each Kill Criteria item has a threshold and a time window', (found, ctx, check) => {
    const list = items(found, ctx);
    const entries = list.length > 0 ? list.map((i) => i.text) : nonBlank(found.body);
    if (entries.length === 0) return [{ check, section: 'Kill Criteria', message: 'no kill criteria' }];
    const findings: Finding[] = [];
    entries.forEach((text, i) => {
      const missing = [hasThreshold(text) ? null : 'threshold', hasWindow(text) ? null : 'time window'].filter(Boolean);
      if (missing.length > 0) findings.push({ check, section: 'Kill Criteria', message: `item ${i + 1} has no ${missing.join(' and no ')}: ${quote(text)}` });
    });
    return findings;
  }),

  hypothesis_measurable: sectionCheck('Hypothesis', 'the Hypothesis names a number and a time or date', (found, ctx, check) => {
    const text = found.body.join(' ');
    const missing = [hasThreshold(text) ? null : 'a number', hasWindow(text) ? null : 'a time window or date'].filter(Boolean);
    return missing.length ? [{ check, section: 'Hypothesis', message: `no ${missing.join(' and no ')}` }] : [];
  }),

  acceptance_negative_case: sectionCheck('Acceptance Criteria', 'an acceptance item covers invalid input, missing auth, an empty state or a limit', (found, ctx, check) => {
    const negative = /\b(negative|invalid|missing|unauthori[sz]ed|unauthenticated|forbidden|empty|limits?|exceed\w*|too (long|many|large|big)|reject\w*|error|fails?|denied|without|expired|duplicate|4\d\d)\b/i;
    return items(found, ctx).some((i) => negative.test(i.text)) ? [] : [{ check, section: 'Acceptance Criteria', message: 'no negative case (invalid input, missing auth, empty state, limit)' }];
  }),

  agent_brief_verify_command: sectionCheck('Agent Brief', 'the Agent Brief names `npm run verify` and a QA grade', (found, ctx, check) => {
    const text = found.body.join('\n');
    const missing = [/npm run verify/.test(text) ? null : '`npm run verify`', /\bqa[\s:-]*(grade)?[\s:-]*[0-3]\b|\bqa grade\b/i.test(text) ? null : 'a QA grade'].filter(Boolean);
    return missing.length ? [{ check, section: 'Agent Brief', message: `does not name ${missing.join(' or ')}` }] : [];
  }),

  options_two_to_four: sectionCheck('Options', 'Options lists two to four options', (found, ctx, check) => {
    const subheadings = ctx.outline.headings.filter((h) => h.level === 3 && h.line > found.start && h.line < found.end).length;
    const count = subheadings > 0 ? subheadings : items(found, ctx).length;
    return count >= 2 && count <= 4 ? [] : [{ check, section: 'Options', message: `${count} option(s) listed; expected two to four` }];
  }),

  assumptions_marked: {
    describe: 'assumptions are on their own lines starting with `Assumption:`',
    run(ctx, _arg, check) {
      const findings: Finding[] = [];
      ctx.prose.forEach((line, i) => {
        if (!/\bassum(e|es|ed|ing|ption|ptions)\b/i.test(line) || /^\s*#/.test(line)) return;
        const start = line.replace(/^\s*([-*+]|\d+[.)])?\s*(\*\*|__|_|\*)?/, '');
        if (/^assumptions?\b/i.test(start)) return;
        findings.push({ check, section: sectionAt(ctx.outline, i)?.heading.text, message: `an assumption inside a sentence, not on an "Assumption:" line: ${quote(line)}` });
      });
      return findings.slice(0, 3);
    },
  },

  revisit_trigger: sectionCheck('Consequences', 'Consequences names a measurable trigger to revisit the decision', (found, ctx, check) => {
    const text = found.body.join(' ');
    return /\b(revisit|reconsider|re-?evaluate)\w*\b/i.test(text) && /\d/.test(text) ? [] : [{ check, section: 'Consequences', message: 'no measurable trigger to revisit the decision (e.g. "revisit if p95 exceeds 50 ms")' }];
  }),

  numbered_steps: sectionCheck('Steps', 'Steps is a numbered list', (found, ctx, check) => {
    const list = items(found, ctx);
    if (!list.some((i) => i.ordered)) return [{ check, section: 'Steps', message: 'no numbered steps (1. 2. 3.)' }];
    const bullets = list.filter((i) => !i.ordered).length;
    return bullets ? [{ check, section: 'Steps', message: `${bullets} step(s) are bullets, not numbered` }] : [];
  }),

  verification_present: sectionCheck('Verification', 'Verification names a command and what to expect', (found, ctx, check) => {
    const text = found.body.join('\n');
    const command = /`[^`\n]+`/.test(text) || found.body.some((_, i) => ctx.outline.inFence[found.start + 1 + i]);
    const expect = /\b(expect\w*|should|returns?|prints?|shows?|exits?|outputs?|responds?|status)\b/i.test(text);
    const missing = [command ? null : 'a command', expect ? null : 'the result to expect'].filter(Boolean);
    return missing.length ? [{ check, section: 'Verification', message: `no ${missing.join(' and no ')}` }] : [];
  }),

  endpoint_headings: {
    describe: 'every `## ` heading matches section_pattern',
    run(ctx, _arg, check) {
      const pattern = ctx.template.sectionPattern;
      if (!pattern) return [];
      if (ctx.outline.sections.length === 0) return [{ check, message: `no "## " sections matching ${pattern.source}` }];
      return ctx.outline.sections
        .filter((s) => !pattern.test(s.heading.text.trim()) && !ctx.template.order.some((n) => normaliseSectionName(n) === normaliseSectionName(s.heading.text)))
        .map((s) => ({ check, section: s.heading.text, message: `"## ${s.heading.text}" does not match ${pattern.source}` }));
    },
  },

  status_codes_listed: {
    describe: 'each section lists its response status codes',
    run(ctx, _arg, check) {
      return ctx.outline.sections
        .filter((s) => !ctx.template.sectionPattern || ctx.template.sectionPattern.test(s.heading.text.trim()))
        .filter((s) => !/\b[1-5]\d\d\b/.test(s.body.join(' ')))
        .map((s) => ({ check, section: s.heading.text, message: 'no response status codes' }));
    },
  },

  error_shape: {
    describe: 'errors are `{ "error": "..." }` with no `details` field',
    run(ctx, _arg, check) {
      const findings: Finding[] = [];
      if (/["']?\bdetails["']?\s*:/.test(ctx.answer)) findings.push({ check, message: 'an error body has a `details` field' });
      if (!/\{\s*["']?error["']?\s*:/.test(ctx.answer) && !/c\.json\(\s*\{\s*error\b/.test(ctx.answer)) {
        findings.push({ check, message: 'no `{ "error": "..." }` error shape' });
      }
      return findings;
    },
  },

  status_subsections: {
    describe: 'the sections in `subsections` have their `### ` headings, in order',
    run(ctx, _arg, check) {
      const findings: Finding[] = [];
      for (const [name, subs] of Object.entries(ctx.template.subsections)) {
        const s = findSection(ctx.outline, name);
        if (!s) continue;
        const inside = ctx.outline.headings.filter((h) => h.level === 3 && h.line > s.start && h.line < s.end).map((h) => normaliseSectionName(h.text));
        let at = -1;
        for (const sub of subs) {
          const i = inside.indexOf(normaliseSectionName(sub), at + 1);
          if (i < 0) findings.push({ check, section: name, message: `no "### ${sub}" in order inside "## ${name}"` });
          else at = i;
        }
      }
      return findings;
    },
  },

  open_questions_checkboxes: {
    describe: 'every open question is a `- [ ]` item',
    run(ctx, _arg, check) {
      const s = findSection(ctx.outline, 'Open questions');
      if (!s) return [];
      const bad = items(s, ctx).filter((i) => !/^\s{0,3}[-*+] \[[ xX]\] \S/.test(i.raw));
      return bad.length ? [{ check, section: 'Open questions', message: `${bad.length} question(s) are not \`- [ ]\` items` }] : [];
    },
  },

  next_step_is_command: {
    describe: 'the immediate next step is an exact command or file edit',
    run(ctx, _arg, check) {
      const s = findSection(ctx.outline, 'Immediate next step') ?? findSection(ctx.outline, 'Next step');
      if (!s) return [];
      const text = s.body.join('\n');
      return /`[^`\n]+`/.test(text) || s.body.some((_, i) => ctx.outline.inFence[s.start + 1 + i]) ? [] : [{ check, section: s.heading.text, message: 'no exact command or file in backticks' }];
    },
  },

  no_placeholders: {
    describe: 'no `<slot>`, `<...>`, `TODO:`, TBD, `<!-- -->` comment or empty section is left',
    run(ctx, _arg, check) {
      const findings: Finding[] = [];
      const seen = new Set<string>();
      const add = (line: number, what: string): void => {
        const s = sectionAt(ctx.outline, line)?.heading.text;
        const key = `${s ?? ''}\n${what}`;
        if (seen.has(key)) return;
        seen.add(key);
        findings.push({ check, ...(s ? { section: s } : {}), message: `placeholder left: ${what}` });
      };
      ctx.prose.forEach((line, i) => {
        if (/<!--/.test(line)) add(i, 'an <!-- comment -->');
        const slot = /<(\.\.\.|…|[A-Za-z][^<>\n]*)>/g;
        for (const m of line.matchAll(slot)) {
          const inner = m[1] ?? '';
          // `Promise<void>` in prose is a type, not a slot.
          const generic = m.index > 0 && /\w/.test(line[m.index - 1]!);
          if (inner === '...' || inner === '…' || (!generic && isSlot(inner))) add(i, `<${inner}>`);
        }
        const todo = /\bTODO\b\s*[:(-]|\bTODO\s+fill\b|\bTBD\b|\bFIXME\b|\bfill (this )?in\b/i.exec(line);
        if (todo) add(i, JSON.stringify(todo[0].trim()));
      });
      for (const s of ctx.outline.sections) {
        if (nonBlank(s.body).length === 0 && ctx.template.order.some((n) => headingMatches(s.heading.text, n))) {
          findings.push({ check, section: s.heading.text, message: 'the section is empty' });
        }
      }
      return findings;
    },
  },

  no_em_dashes: {
    describe: 'the text uses " - " instead of em dashes',
    run(ctx, _arg, check) {
      const lines = ctx.prose.map((l, i) => [l, i] as const).filter(([l]) => l.includes('\u2014'));
      if (lines.length === 0) return [];
      const s = sectionAt(ctx.outline, lines[0]![1])?.heading.text;
      return [{ check, ...(s ? { section: s } : {}), message: `${lines.length} line(s) with an em dash; write " - "` }];
    },
  },
};

// HTML a model may legitimately write in markdown; anything else in angle brackets is a slot.
const HTML_TAGS = new Set(['br', 'p', 'div', 'span', 'a', 'b', 'i', 'em', 'strong', 'sup', 'sub', 'details', 'summary', 'img', 'kbd', 'code', 'pre', 'ul', 'ol', 'li', 'table', 'tr', 'td', 'th', 'hr', 'small', 'mark']);

function isSlot(inner: string): boolean {
  if (/^[a-z]+:\/\//i.test(inner) || /^[^\s@]+@[^\s@]+$/.test(inner)) return false; // autolinks
  const tag = /^\/?([A-Za-z][\w-]*)/.exec(inner)?.[1] ?? '';
  if (HTML_TAGS.has(tag.toLowerCase()) && (inner.length === tag.length || /^\/?[A-Za-z][\w-]*(\s+[\w-]+(=("[^"]*"|'[^']*'|\S+))?)*\s*\/?$/.test(inner))) return false;
  // A component like <RecordExpense /> or <SplitPanel> in prose is code left unquoted, not a slot.
  if (/^\/?[A-Z][A-Za-z0-9]*(\s[^>]*)?\/$/.test(inner) || /^\/?[A-Z][a-z0-9]+([A-Z][a-z0-9]*)+$/.test(inner)) return false;
  return true;
}

/** Indices (into `values`) of one longest strictly increasing subsequence. */
function longestIncreasing(values: readonly number[]): number[] {
  const best: number[][] = [];
  values.forEach((v, i) => {
    let chain: number[] = [];
    for (let j = 0; j < i; j++) if (values[j]! < v && best[j]!.length > chain.length) chain = best[j]!;
    best.push([...chain, i]);
  });
  return best.reduce<number[]>((a, b) => (b.length > a.length ? b : a), []);
}
