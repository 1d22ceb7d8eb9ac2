/**
 * Bundles the CLI into dist/bundle with esbuild. Node 20 has no compile cache, and resolving and
 * reading ~150 small ESM files costs more than the code itself: one bundle with lazy chunks
 * (commands still load only when they run) starts the one-shot path ~30 ms sooner.
 * Native and heavy optional packages (sharp, typescript, conf) stay external and load from
 * node_modules when needed.
 */
import { build } from 'esbuild';
import type { Plugin } from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const outdir = `${root}dist/bundle`;

rmSync(outdir, { recursive: true, force: true });
// js-yaml 3 (under gray-matter) loads esprima, 280 KB, for its !!js/function type at start-up. field
// parses frontmatter with the safe schema, where that type can never apply: it is replaced by one
// that matches nothing.
const noJsFunctions: Plugin = {
  name: 'no-js-yaml-functions',
  setup(b) {
    b.onLoad({ filter: /js-yaml[\\/]lib[\\/]js-yaml[\\/]type[\\/]js[\\/]function\.js$/ }, () => ({
      contents: "var Type = require('../../type'); module.exports = new Type('tag:yaml.org,2002:js/function', { kind: 'scalar', resolve: function () { return false; } });",
      loader: 'js',
    }));
  },
};

const result = await build({
  entryPoints: [`${root}src/cli/main.ts`],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Stack traces in bug reports should still name our functions.
  keepNames: true,
  // Ink and React are bundled too: the TUI's first frame comes ~300 ms sooner and it idles ~20 MB
  // lighter. React's production build is chosen here, once (its development build validates and
  // times every render). react-devtools-core is Ink's optional DEV=true companion, never installed.
  external: ['sharp', 'typescript', 'conf', 'react-devtools-core'],
  define: { 'process.env.NODE_ENV': '"production"' },
  metafile: true,
  plugins: [noJsFunctions],
  // ollama's browser build imports a fetch polyfill that installs nothing on Node (fetch is global)
  // but reads globalThis.fetch at load, which makes Node compile its whole undici bundle up front.
  alias: { 'whatwg-fetch': `${root}scripts/bundle-empty.js` },
  // Bundled CommonJS packages (commander, gray-matter) call require() for Node's own modules.
  banner: { js: "import { createRequire as __fieldRequire } from 'node:module'; const require = __fieldRequire(import.meta.url);" },
  logLevel: 'warning',
});
// Which output holds which sources: tests use it to prove one-shot commands never load the TUI chunks.
writeFileSync(`${outdir}/meta.json`, JSON.stringify(result.metafile));
