/**
 * What a sync tells the lab: a markdown handoff in the guide's handoff shape (templates/handoff.md:
 * Status with Accomplished / In progress / Blocked, Files to review, Key decisions, Open questions,
 * Verification run, Immediate next step, How to resume), and the commit message of `--branch`.
 * Everything here is drawn from the plan, the records and the session logs; text that came from a
 * prompt or a model is redacted and kept to one line, and the house style has no em dashes.
 */
import { redact } from '../secrets/index.js';
import { SYNC_TRAILER } from './lab-target.js';
import type { SessionEvent, SessionStats } from '../sessions/index.js';
import type { PlannedArtifact, PlannedFile } from './types.js';

export interface HandoffInput {
  project: string;
  syncId: string;
  at: Date;
  /** The import folder, relative to the lab repo root. */
  importDir: string;
  artifacts: readonly PlannedArtifact[];
  /** Paths (inside the import folder) this sync wrote. */
  written: ReadonlySet<string>;
  sessions: readonly SessionStats[];
  /** Record path -> the prompt that produced it (from the session logs). */
  prompts: ReadonlyMap<string, string>;
  branch: string | null;
  scanned: number;
  allowSecrets: readonly string[];
  /** The command that ran, for the verification section. */
  command: string;
}

const REVIEW_WORDS: Record<string, string> = {
  kill_criteria: 'Kill Criteria',
  acceptance_criteria: 'Acceptance Criteria',
  imports: 'imports',
  error_handling: 'error handling',
  state_logic: 'state logic',
  decision: 'the decision',
  layout: 'layout',
};

export const reviewWords = (key: string): string => REVIEW_WORDS[key] ?? key.replace(/_/g, ' ');

/** One line of text that came from a prompt or a model: secrets redacted, no em dashes, bounded length. */
export function oneLine(text: string, max = 140): string {
  const flat = redact(text).text.replace(/[\u2014\u2013]/g, '-').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}

/** The prompt of each artifact: the last `prompt` event before its `artifact` event. */
export function promptsByRecord(events: readonly SessionEvent[]): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | null = null;
  for (const e of events) {
    if (e.type === 'prompt') last = e.text;
    else if (e.type === 'artifact' && last !== null) out.set(e.path, last);
  }
  return out;
}

export function handoffPath(syncId: string, at: Date): string {
  return `handoffs/${at.toISOString().slice(0, 10)}-${syncId}.md`;
}

const imported = (input: HandoffInput): PlannedArtifact[] => input.artifacts.filter((a) => a.files.some((f) => input.written.has(f.path)));
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function renderHandoff(input: HandoffInput): string {
  const lab = (path: string): string => `\`${input.importDir}/${path}\``;
  const done = imported(input);
  const blockedFiles = input.artifacts.flatMap((a) => a.files.filter((f) => f.action === 'blocked'));
  const conflicts = input.artifacts.flatMap((a) => a.files.filter((f) => f.action === 'conflict'));
  const skipped = input.artifacts.filter((a) => a.action === 'skipped');
  const incomplete = done.filter((a) => a.meta.status !== 'complete');
  const date = input.at.toISOString().slice(0, 16).replace('T', ' ');

  const out: string[] = [
    `# Handoff: ${input.project} - ${input.syncId}`,
    '',
    `Field import of ${date} UTC into \`${input.importDir}/\`${input.branch ? ` on branch \`${input.branch}\`` : ''}. Drafted offline by local 7-8B models: a head start for lab refinement, not finished work.`,
    '',
    '## Status',
    '',
    `in_progress: ${plural(done.length, 'draft')} imported for lab refinement${blockedFiles.length + conflicts.length > 0 ? `; ${plural(blockedFiles.length, 'file')} blocked by the secret scan, ${plural(conflicts.length, 'conflict')}` : ''}.`,
    '',
    '### Accomplished',
    '',
  ];
  if (done.length === 0) out.push('- None.');
  for (const a of done) {
    const m = a.meta;
    const files = a.files.filter((f) => input.written.has(f.path)).map((f) => lab(f.path)).join(', ');
    const model = m.model ? `${m.model}${m.baseModel ? ` on ${m.baseModel}` : ''}` : 'unknown model';
    const speed = m.outputTokens !== null ? `, ${m.outputTokens} output tokens${m.tokPerSec ? ` at ${m.tokPerSec} tok/s` : ''}` : '';
    const prompt = input.prompts.get(a.recordPath);
    out.push(`- ${m.type} (${m.status}): ${oneLine(m.title)}. ${files}. ${model}${speed}${m.session ? `, session ${m.session}` : ''}.${prompt ? ` Prompt: "${oneLine(prompt, 160)}"` : ''}`);
  }
  out.push('', '### In progress', '');
  if (incomplete.length === 0 && skipped.length === 0) out.push('- None: every imported draft is complete.');
  for (const a of incomplete) out.push(`- ${lab(a.recordPath)} is ${a.meta.status}${a.meta.statusReason ? ` (${oneLine(a.meta.statusReason)})` : ''}: imported on request, check where it stops.`);
  for (const a of skipped) out.push(`- Left in the field workspace: \`${input.project}/${a.recordPath}\`, ${oneLine(a.reason ?? 'skipped')}.`);
  out.push('', '### Blocked', '');
  if (blockedFiles.length === 0 && conflicts.length === 0) out.push('- None.');
  for (const f of blockedFiles) {
    const rules = [...new Set(f.findings.map((x) => x.rule))];
    const where = f.findings.map((x) => `${x.rule} at line ${x.line}`).join(', ');
    out.push(`- BLOCKED: \`${f.path}\` was not exported: ${where}. TRIED: the secret scan before export. NEED: remove it in the field workspace, or rerun with ${rules.map((r) => `\`--allow-secret ${r}\``).join(' ')} if it is not a secret.`);
  }
  for (const f of conflicts) {
    out.push(`- BLOCKED: ${lab(f.path)} was not overwritten: ${f.note ?? 'conflict'}. TRIED: a conflict-safe sync (lab edits always win). NEED: merge the newer field version from \`${input.project}/${f.path}\` by hand.`);
  }

  out.push('', '## Files to review', '');
  if (done.length === 0) out.push('- None.');
  for (const a of done) {
    const checks = a.meta.review.map(reviewWords);
    const cut = a.meta.status !== 'complete' ? ` It is ${a.meta.status}: read to the end before relying on it.` : '';
    out.push(`- ${lab(a.recordPath)}: ${checks.length > 0 ? `check ${checks.join(', ')}.` : 'read it through.'}${cut}`);
    for (const f of a.files.filter((x) => x.role === 'code' && input.written.has(x.path))) {
      out.push(isSql(f.path)
        ? `- ${lab(f.path)}: the schema fits the lab's data model (8K of context cannot hold all of it) and the migration number is free.`
        : `- ${lab(f.path)}: imports and APIs exist in this repo, error handling is complete, it matches the reference patterns.`);
    }
  }

  out.push('', '## Key decisions', '');
  out.push(`- Imported into \`${input.importDir}/\`, not the source tree: move each file where it belongs while refining it; \`field report\` follows git renames to measure how much of it survives.`);
  for (const [model, group] of byModel(done)) {
    const a = group[0]!.meta;
    const temp = a.temperature !== null ? `, temperature ${a.temperature}` : '';
    out.push(`- Drafted with ${model}${a.baseModel ? ` (${a.baseModel}${temp})` : ''} for ${plural(group.length, `${a.type} draft`)}: ${MODE_RATIONALE[a.type] ?? 'the field mode for this kind of output'}.`);
  }
  if (skipped.length > 0) out.push(`- Left out ${plural(skipped.length, 'artifact')}: incomplete drafts are imported only with \`--include-partial\`, and records with broken links never.`);
  if (input.allowSecrets.length > 0) out.push(`- Secret rules allowed for this export: ${input.allowSecrets.map((r) => `\`${r}\``).join(', ')}: declared not secrets by the person who ran the sync.`);

  out.push('', '## Open questions', '');
  const questions = openQuestions(done, input, lab);
  if (questions.length === 0) out.push('- [ ] Does every imported draft still match what the lab needs now?');
  out.push(...questions);

  out.push('', '## Verification run', '');
  out.push(`- \`${input.command}\` scanned every exported file for secrets`);
  out.push('- Expected: no finding in an exported file');
  out.push(`- Result: ${plural(input.scanned, 'file')} scanned, ${blockedFiles.length} blocked${blockedFiles.length > 0 ? ` (${blockedFiles.map((f) => f.note).join('; ')})` : ''}`);

  out.push('', '## Immediate next step', '');
  const first = [...done].sort((x, y) => priority(x) - priority(y))[0];
  if (first) {
    const checks = first.meta.review.map(reviewWords);
    out.push(`Open ${lab(first.recordPath)}${checks.length > 0 ? ` and check ${checks.join(' and ')}` : ''}; when it is refined, record the outcome: \`field mark ${first.meta.id} kept|reworked|rewritten|dropped --minutes N\`.`);
  } else {
    out.push(`Resolve the blocked items above, then run \`field sync -p ${input.project}\` again.`);
  }

  out.push('', '## How to resume', '');
  const sessionIds = [...new Set(done.map((a) => a.meta.session).filter((s): s is string => Boolean(s)))];
  out.push('1. Load the files listed under Files to review.');
  out.push(`2. Load this handoff and the field session log${sessionIds.length === 1 ? '' : 's'}${sessionIds.length > 0 ? `: ${sessionIds.map((s) => `\`field sessions show ${s}\``).join(', ')}` : ''}.`);
  out.push('3. Continue from the last timeline entry; after refining each file, record it with `field mark <artifact id> kept|reworked|rewritten|dropped --minutes N`.');
  return `${out.join('\n')}\n`;
}

function openQuestions(done: readonly PlannedArtifact[], input: HandoffInput, lab: (p: string) => string): string[] {
  const q: string[] = [];
  for (const a of done) {
    const rec = lab(a.recordPath);
    const written = a.files.filter((f: PlannedFile) => f.role === 'code' && input.written.has(f.path));
    const code = written.filter((f) => !isSql(f.path));
    for (const r of a.meta.review) {
      if (r === 'kill_criteria') q.push(`- [ ] Kill Criteria in ${rec}: would these signals really stop the project?`);
      else if (r === 'acceptance_criteria') q.push(`- [ ] Acceptance Criteria in ${rec}: is every item testable as written?`);
      else if (r === 'imports') for (const f of code) q.push(`- [ ] Imports in ${lab(f.path)}: do these modules and APIs exist in this repo?`);
      else if (r === 'error_handling') for (const f of code) q.push(`- [ ] Error handling in ${lab(f.path)}: is every failure path answered?`);
      else if (r === 'decision') q.push(`- [ ] The decision in ${rec}: does it hold against constraints the 8K context could not see?`);
      else q.push(`- [ ] ${capitalise(reviewWords(r))} in ${rec}: checked?`);
    }
    for (const f of written.filter((x) => isSql(x.path))) q.push(`- [ ] Schema in ${lab(f.path)}: does it fit the lab's data model, and is its migration number free?`);
    if (a.meta.status !== 'complete') q.push(`- [ ] ${rec} is ${a.meta.status}: is the missing part needed, or should it be regenerated?`);
  }
  return q;
}

function byModel(done: readonly PlannedArtifact[]): Map<string, PlannedArtifact[]> {
  const m = new Map<string, PlannedArtifact[]>();
  for (const a of done) {
    const key = a.meta.model ?? 'unknown model';
    m.set(key, [...(m.get(key) ?? []), a]);
  }
  return m;
}

/** PRDs first: the lab decides what to build from them. */
function priority(a: PlannedArtifact): number {
  return ['prd', 'arch', 'code', 'wire', 'doc', 'vision'].indexOf(a.meta.type) + (a.meta.status === 'complete' ? 0 : 10);
}

const isSql = (path: string): boolean => path.endsWith('.sql');

/** Why each mode's model drafted what it drafted, and what that means for review (from the field article). */
const MODE_RATIONALE: Record<string, string> = {
  prd: 'structured documents are what 8B models do best; the kill and acceptance criteria still need human judgment',
  code: 'runs cold for convention-following TypeScript; import paths and cross-file dependencies are what it gets wrong',
  wire: 'a React and Tailwind starting point from a screen description; the state logic needs a second look',
  arch: 'reasons before deciding; its reasoning is kept beside the record in the .thinking.md file',
  doc: 'ADRs, runbooks and API docs in the lab conventions',
  vision: 'a description of a photo or sketch; check it against the original',
};

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The `--branch` commit message: a subject, what came in (from the records and session logs), the trailer. */
export function commitMessage(input: HandoffInput & { handoff: string }): string {
  const done = imported(input);
  const lines = [`field: import ${plural(done.length, 'draft')} for ${input.project}`, ''];
  for (const a of done) {
    const files = a.files.filter((f) => input.written.has(f.path)).map((f) => f.path).join(', ');
    lines.push(`- ${a.meta.type}: ${oneLine(a.meta.title, 90)} (${files})`);
  }
  const sessions = input.sessions.filter((s) => done.some((a) => a.meta.session === s.id));
  if (sessions.length > 0) lines.push('');
  for (const s of sessions) {
    const span = [s.started, s.ended].filter((t): t is string => Boolean(t)).map((t) => t.slice(0, 16).replace('T', ' '));
    const when = span.length > 0 ? `${span.join(' to ')} UTC, ` : '';
    lines.push(`Session ${s.id} (${when}${plural(s.prompts, 'prompt')}${s.models.length > 0 ? `; ${s.models.join(', ')}` : ''})`);
  }
  const blocked = input.artifacts.flatMap((a) => a.files).filter((f) => f.action === 'blocked').length;
  const conflicts = input.artifacts.flatMap((a) => a.files).filter((f) => f.action === 'conflict').length;
  const skipped = input.artifacts.filter((a) => a.action === 'skipped').length;
  lines.push('', `Handoff: ${input.importDir}/${input.handoff}`);
  const left = [blocked ? `${blocked} blocked by the secret scan` : '', conflicts ? plural(conflicts, 'conflict') : '', skipped ? `${skipped} skipped` : ''].filter(Boolean);
  if (left.length > 0) lines.push(`Not imported: ${left.join(', ')} (see the handoff)`);
  lines.push('', `${SYNC_TRAILER}: ${input.syncId}`);
  return `${lines.join('\n')}\n`;
}
