/** Structure checks: templates, markdown sections, SQL statements and the checks a draft must pass. */
export { blockLang } from './code-checks.js';
export type { CheckLang } from './code-checks.js';
export { fencedBlocks, headingMatches, outline, reviewKey, sectionAt } from './markdown-sections.js';
export { splitSql } from './sql-split.js';
export { CHECKS, checkStructure, formatFinding, needsTypeScript, validateCheckName } from './structure.js';
export type { StructureResult } from './structure.js';
export { DEFAULT_TEMPLATES, parseTemplate, pickTemplate, templateFitsMode, templateInstruction, validateTemplateName } from './template.js';
export type { Finding, ParseTs, SyntaxDiagnostic, Template } from './types.js';
