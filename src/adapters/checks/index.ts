/** The TypeScript parser for code checks, loaded on first need. */
export { loadTypeScriptSyntax } from './typescript-syntax.js';
