/**
 * The layering rule of DESIGN.md, checked on every relative import (static, re-export or dynamic):
 * - layers point down: core imports no adapters, cli or tui; adapters import no cli or tui;
 * - a domain (a folder under src/core or src/adapters) is entered only through its `index.ts`,
 *   from anywhere else in src, test or scripts;
 * - inside a domain, files import their siblings directly, never their own index (that would be a
 *   circle through the index).
 * Kernel files directly in src/core (errors, clock, ...) belong to no domain and are imported as they are.
 */
import { dirname, relative, resolve, sep } from 'node:path';

const LAYERS = ['core', 'adapters', 'cli', 'tui'];
const FORBIDDEN = { core: ['adapters', 'cli', 'tui'], adapters: ['cli', 'tui'] };

/** Where a file sits: its layer under src, and its domain when it is inside a domain folder. */
function place(srcRelative) {
  const parts = srcRelative.split(sep);
  if (parts[0] === '..' || parts.length < 2 || !LAYERS.includes(parts[0])) return { layer: null, domain: null, isIndex: false };
  const inDomain = (parts[0] === 'core' || parts[0] === 'adapters') && parts.length >= 3;
  return {
    layer: parts[0],
    domain: inDomain ? `${parts[0]}/${parts[1]}` : null,
    isIndex: inDomain && parts.length === 3 && /^index\.[jt]sx?$/.test(parts[2]),
  };
}

export const domainBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'imports point down the layers and enter a domain only through its index' },
    schema: [],
    messages: {
      layer: '{{from}} must not import {{to}}: {{fix}}',
      internal: "'{{spec}}' reaches into {{domain}}: import it from '{{entry}}', the domain's public entry (export it there if it is missing)",
      ownIndex: "'{{spec}}' is {{domain}}'s own index: inside a domain, import the sibling file directly",
    },
  },
  create(context) {
    const file = context.filename;
    const src = resolve(context.cwd, 'src');
    const from = place(relative(src, file));
    const check = (node, spec) => {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = resolve(dirname(file), spec);
      const to = place(relative(src, target));
      if (!to.layer) return;
      if (from.layer && FORBIDDEN[from.layer]?.includes(to.layer)) {
        const fix = from.layer === 'core' ? 'core is pure; take what it needs through a port' : 'adapters sit below the cli and the tui';
        context.report({ node, messageId: 'layer', data: { from: from.layer, to: to.layer, fix } });
        return;
      }
      if (!to.domain) return;
      if (from.domain === to.domain) {
        if (to.isIndex) context.report({ node, messageId: 'ownIndex', data: { spec, domain: to.domain } });
        return;
      }
      if (!to.isIndex) {
        const entry = relative(dirname(file), resolve(src, to.domain, 'index.js')).split(sep).join('/');
        context.report({ node, messageId: 'internal', data: { spec, domain: to.domain, entry: entry.startsWith('.') ? entry : `./${entry}` } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};
