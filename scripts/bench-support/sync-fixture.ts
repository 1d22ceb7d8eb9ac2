/**
 * A pilot-and-beyond workspace for the sync and report benchmarks: artifacts (PRDs, code with .ts and
 * .sql, components with .tsx) written as the CLI writes them, and session logs of a given size.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderRecord } from '../../src/core/artifacts/index.js';
import type { ArtifactFrontmatter } from '../../src/core/artifacts/index.js';

function code(i: number, lines: number): string {
  const out = [`import { Hono } from 'hono';`, `import { z } from 'zod';`, '', `export const route${i} = new Hono<{ Bindings: { DB: D1Database } }>();`, ''];
  for (let l = 0; l < lines; l++) out.push(`route${i}.get('/api/r${i}/${l}', async (c) => c.json(await c.env.DB.prepare('SELECT ${l} AS n').first()));`);
  return `${out.join('\n')}\n`;
}

function frontmatter(project: string, i: number, type: ArtifactFrontmatter['type'], files: string[]): ArtifactFrontmatter {
  return {
    id: `art_01BENCH${String(i).padStart(18, '0')}`, type, project, title: `Bench ${type} ${i}`, status: i % 25 === 0 ? 'truncated' : 'complete',
    created: new Date(Date.now() - (i % 10) * 3_600_000).toISOString(), session: `sess_01BENCH${String(i % 50).padStart(15, '0')}`,
    model: `field-${type}`, base_model: 'qwen3:8b', model_digest: null, modelfile_sha256: null,
    params: { temperature: 0.5, num_ctx: 8192, num_predict: 2048 }, prompt_sha256: 'x', inputs: [],
    tokens: { prompt: 500, output: 1200, thinking: 0, budget: 8192, counter: 'estimate' },
    timing: { load_ms: 0, first_token_ms: 300, total_ms: 50_000, tok_per_s: 24 },
    thermal: { level: 'cool', prompts_in_window: 3, on_battery: true, pressure: 0, celsius: null, baseline_tok_per_s: 24, ratio: 1, recent_ratio: 1, forced: false }, files, content_sha256: 'x', review: [], quality: null, lab: null,
  };
}

/** `count` artifacts in `<work>/<project>`; every 25th is truncated (so sync skips it). */
export function makeWorkspace(dir: string, project: string, count: number): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const write = (rel: string, text: string): void => {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
    files++;
    bytes += Buffer.byteLength(text);
  };
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    if (kind === 0) {
      write(`prds/prd-${i}-v1.md`, renderRecord(frontmatter(project, i, 'prd', []), `# PRD ${i}\n\n## Problem Statement\n${'Households share costs. '.repeat(40)}\n\n## Kill Criteria\n- fewer than 40% record 4 expenses\n`));
    } else if (kind === 1) {
      const ts = code(i, 40);
      const sql = `CREATE TABLE t${i} (\n  id TEXT PRIMARY KEY,\n  amount_cents INTEGER NOT NULL\n);\n`;
      write(`code/route-${i}-v1.ts`, ts);
      write(`migrations/route-${i}-v1.sql`, sql);
      write(`code/route-${i}-v1.md`, renderRecord(frontmatter(project, i, 'code', [`code/route-${i}-v1.ts`, `migrations/route-${i}-v1.sql`]), `\`\`\`ts\n${ts}\`\`\`\n\n\`\`\`sql\n${sql}\`\`\`\n`));
    } else {
      const tsx = `export function View${i}() {\n${'  return <div className="p-4">hello</div>;\n'.repeat(20)}}\n`;
      write(`wireframes/view-${i}-v1.tsx`, tsx);
      write(`wireframes/view-${i}-v1.md`, renderRecord(frontmatter(project, i, 'wire', [`wireframes/view-${i}-v1.tsx`]), `\`\`\`tsx\n${tsx}\`\`\`\n`));
    }
  }
  return { files, bytes };
}

/** `count` events in sessions of ~200: prompt, generation_end, artifact triples, as the CLI writes them. */
export function makeSessions(dir: string, project: string, count: number): number {
  mkdirSync(join(dir, 'sessions'), { recursive: true });
  let n = 0;
  const budget = { numCtx: 8192, items: [{ kind: 'system', label: 'system prompt', tokens: 467 }], input: 495, reserveOutput: 2048, free: 5649, fits: true, counter: 'estimate' };
  for (let s = 0; n < count; s++) {
    const id = `sess_01BENCH${String(s).padStart(15, '0')}`;
    const t = (k: number): string => new Date(Date.now() - 86_400_000 + s * 600_000 + k * 1000).toISOString();
    const lines = [JSON.stringify({ t: t(0), type: 'session_start', session: id, project, agent: 'field@bench', pid: 1 })];
    n++;
    for (let k = 1; k < 200 && n < count; k += 3) {
      lines.push(JSON.stringify({ t: t(k), type: 'prompt', mode: 'code', model: 'field-code', text: 'Write a route', sha256: 'x', inputs: [], budget }));
      lines.push(JSON.stringify({ t: t(k + 1), type: 'generation_end', mode: 'code', model: 'field-code', done_reason: 'stop', prompt_eval_count: 500, eval_count: 1200, tok_per_s: 20 + (k % 7), total_ms: 50_000, first_token_ms: 300 }));
      lines.push(JSON.stringify({ t: t(k + 2), type: 'artifact', mode: 'code', path: `code/route-${k}-v1.md`, files: [], status: 'complete', id: `art_${s}_${k}`, content_sha256: 'x' }));
      n += 3;
    }
    writeFileSync(join(dir, 'sessions', `${id}.jsonl`), `${lines.join('\n')}\n`);
  }
  return n;
}
