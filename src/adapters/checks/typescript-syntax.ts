/**
 * TypeScript syntax errors through the compiler API. The compiler is large (about a second to load
 * on a cold disk), so it is imported only when an answer has a ts/tsx block to check.
 */
import type { ParseTs, SyntaxDiagnostic } from '../../core/checks/index.js';

let loaded: Promise<ParseTs> | null = null;

export function loadTypeScriptSyntax(): Promise<ParseTs> {
  loaded ??= import('typescript').then(({ default: ts }) => {
    const parse: ParseTs = (code, lang) => {
      // transpileModule reports syntactic diagnostics only: no type checking, no imports resolved,
      // which is what a draft whose imports are assumed needs.
      const out = ts.transpileModule(code, {
        fileName: lang === 'tsx' ? 'answer.tsx' : 'answer.ts',
        reportDiagnostics: true,
        compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, jsx: ts.JsxEmit.Preserve, noEmit: false },
      });
      return (out.diagnostics ?? []).map((d): SyntaxDiagnostic => {
        const pos = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
        return { line: pos.line + 1, column: pos.character + 1, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') };
      });
    };
    return parse;
  });
  return loaded;
}
