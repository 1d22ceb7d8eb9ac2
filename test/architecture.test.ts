/**
 * The shape DESIGN.md promises: core and adapters grouped by domain, each entered through one index,
 * no import circle, no file too long to read at once, and a lint rule that keeps it that way.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { importCircles, importGraph, sourceFiles } from './support/import-graph.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');
const MAX_LINES = 400;

const domains = (layer: string): string[] =>
  readdirSync(join(SRC, layer)).filter((name) => statSync(join(SRC, layer, name)).isDirectory()).map((name) => `${layer}/${name}`);

describe('the source tree', () => {
  const files = sourceFiles(SRC);

  it('has no import circle, type imports and dynamic imports included', () => {
    const graph = importGraph(ROOT, files);
    expect(graph.size).toBe(files.length);
    expect(importCircles(graph)).toEqual([]);
  });

  it('the circle finder finds circles (two files, three files, a self-import) and passes a chain', () => {
    const g = (edges: Record<string, string[]>) => new Map(Object.entries(edges));
    expect(importCircles(g({ a: ['b'], b: ['a'], c: ['a'] }))).toEqual([['a', 'b']]);
    expect(importCircles(g({ a: ['b'], b: ['c'], c: ['a'] }))).toEqual([['a', 'b', 'c']]);
    expect(importCircles(g({ a: ['a'] }))).toEqual([['a']]);
    expect(importCircles(g({ a: ['b'], b: ['c'], c: [] }))).toEqual([]);
  });

  it(`has no file over ${MAX_LINES} lines`, () => {
    const long = files
      .map((f) => ({ file: relative(ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('src/core holds a handful of kernel files; everything else sits in a domain folder', () => {
    const loose = readdirSync(join(SRC, 'core')).filter((name) => /\.tsx?$/.test(name));
    expect(loose.length).toBeLessThanOrEqual(6);
    expect(domains('core').length).toBeGreaterThanOrEqual(10);
    expect(readdirSync(join(SRC, 'adapters')).filter((name) => /\.tsx?$/.test(name))).toEqual([]);
  });

  it('every domain has an index that opens with one line saying what the domain owns', () => {
    for (const domain of [...domains('core'), ...domains('adapters')]) {
      const index = readFileSync(join(SRC, domain, 'index.ts'), 'utf8');
      expect(index, domain).toMatch(/^\/\*\* [^\n]{20,} \*\/\n/);
      // The index is a public face, not a place for logic: re-exports only.
      const body = index.split('\n').slice(1).filter((line) => line.trim() !== '');
      expect(body.every((line) => /^export (type )?\{ [^}]+ \} from '\.\/[a-z0-9-]+\.js';$/.test(line)), domain).toBe(true);
    }
  });
});

describe('the domain-boundaries lint rule', () => {
  const eslint = new ESLint({ cwd: ROOT });
  const ruleErrors = async (filePath: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath: join(ROOT, filePath) });
    return result!.messages.filter((m) => m.ruleId === 'field/domain-boundaries').map((m) => m.message);
  };

  it("fails a test that reaches into a domain's internals, and names the entry to use", async () => {
    const errors = await ruleErrors('test/reach-in.test.ts', "import { createBpeCounter } from '../src/core/budget/bpe.js';\nexport const x = createBpeCounter;\n");
    expect(errors).toEqual([expect.stringContaining("import it from '../src/core/budget/index.js'")]);
    expect(await ruleErrors('test/reach-in.test.ts', "import { createBpeCounter } from '../src/core/budget/index.js';\nexport const x = createBpeCounter;\n")).toEqual([]);
  });

  it('fails a reach-in between domains, by re-export and by dynamic import too', async () => {
    expect(await ruleErrors('src/core/sync/x.ts', "import { scanText } from '../secrets/scan.js';\nexport const y = scanText;\n")).toHaveLength(1);
    expect(await ruleErrors('src/core/sync/x.ts', "export { scanText } from '../secrets/scan.js';\n")).toHaveLength(1);
    expect(await ruleErrors('src/cli/x.ts', "export const load = () => import('../adapters/images/intake.js');\n")).toHaveLength(1);
    expect(await ruleErrors('src/cli/x.ts', "export const load = () => import('../adapters/images/index.js');\n")).toEqual([]);
  });

  it("fails a domain importing its own index, and lets siblings and kernel files through", async () => {
    expect(await ruleErrors('src/core/budget/x.ts', "import { planBudget } from './index.js';\nexport const y = planBudget;\n")).toEqual([expect.stringContaining('own index')]);
    expect(await ruleErrors('src/core/budget/x.ts', "import { planBudget } from './plan.js';\nimport { FieldError } from '../errors.js';\nexport const y = [planBudget, FieldError];\n")).toEqual([]);
  });

  it('fails imports that point up the layers', async () => {
    expect(await ruleErrors('src/core/budget/x.ts', "import { createCounters } from '../../adapters/budget/index.js';\nexport const y = createCounters;\n")).toEqual([expect.stringContaining('core must not import adapters')]);
    expect(await ruleErrors('src/adapters/lab/x.ts', "import { fail } from '../../cli/fail.js';\nexport const y = fail;\n")).toEqual([expect.stringContaining('adapters must not import cli')]);
  });
});

describe('the map in src/core/README.md', () => {
  it('lists every core domain, and a domain imports only domains listed before it', () => {
    const readme = readFileSync(join(SRC, 'core', 'README.md'), 'utf8');
    const order = [...readme.matchAll(/^\| `([a-z-]+)\/` \|/gm)].map((m) => m[1]!);
    expect([...order].sort()).toEqual(domains('core').map((d) => d.slice('core/'.length)).sort());
    const graph = importGraph(ROOT, sourceFiles(join(SRC, 'core')));
    const domainOf = (file: string): string | null => /^src\/core\/([a-z-]+)\//.exec(file)?.[1] ?? null;
    const upward: string[] = [];
    for (const [file, targets] of graph) {
      const from = domainOf(file);
      for (const target of targets) {
        const to = domainOf(target);
        if (from && to && from !== to && order.indexOf(to) > order.indexOf(from)) upward.push(`${file} -> ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
