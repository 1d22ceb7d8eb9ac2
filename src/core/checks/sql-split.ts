/**
 * SQL statement splitting with basic sanity for migrations (SQLite/D1 dialect). Not a parser: it
 * respects quotes, identifiers and comments, keeps trigger bodies whole, and flags what a reviewer
 * would catch at a glance (an unclosed string, unbalanced parentheses, a statement that starts with
 * something no SQL statement starts with).
 */

export interface SqlStatement {
  text: string;
  /** 1-based line of the statement's first character in the input. */
  line: number;
}

export interface SqlProblem {
  line: number;
  message: string;
}

export interface SqlSplit {
  statements: SqlStatement[];
  problems: SqlProblem[];
}

const STATEMENT_KEYWORDS = new Set([
  'ALTER', 'ANALYZE', 'ATTACH', 'BEGIN', 'COMMIT', 'CREATE', 'DELETE', 'DETACH', 'DROP', 'END', 'EXPLAIN',
  'INSERT', 'PRAGMA', 'REINDEX', 'RELEASE', 'REPLACE', 'ROLLBACK', 'SAVEPOINT', 'SELECT', 'UPDATE', 'UPSERT',
  'VACUUM', 'VALUES', 'WITH',
]);

type State = 'code' | 'single' | 'double' | 'backtick' | 'bracket' | 'line-comment' | 'block-comment';

export function splitSql(sql: string): SqlSplit {
  const statements: SqlStatement[] = [];
  const problems: SqlProblem[] = [];
  let state: State = 'code';
  let current = '';
  let startLine = 1;
  let line = 1;
  let stateLine = 1;
  let word = '';
  // BEGIN inside CREATE TRIGGER opens a body whose `;`s do not end the statement; CASE shares END.
  const blocks: Array<'begin' | 'case'> = [];
  let depth = 0;
  let depthProblem = false;

  const endWord = (): void => {
    if (!word) return;
    const upper = word.toUpperCase();
    if (upper === 'CASE') blocks.push('case');
    else if (upper === 'BEGIN' && isTrigger(current)) blocks.push('begin');
    else if (upper === 'END' && blocks.length > 0) blocks.pop();
    word = '';
  };
  const finish = (): void => {
    const text = stripComments(current).trim();
    if (text) {
      statements.push({ text, line: startLine });
      if (depth !== 0 && !depthProblem) problems.push({ line: startLine, message: 'unbalanced parentheses' });
    }
    current = '';
    depth = 0;
    depthProblem = false;
  };

  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    const next = sql[i + 1] ?? '';
    if (!current.trim() && state === 'code' && !/\s/.test(c)) startLine = line;
    current += c;
    if (c === '\n') line++;
    switch (state) {
      case 'code':
        if (/[A-Za-z_]/.test(c)) {
          word += c;
          continue;
        }
        endWord();
        if (c === "'") [state, stateLine] = ['single', line];
        else if (c === '"') [state, stateLine] = ['double', line];
        else if (c === '`') [state, stateLine] = ['backtick', line];
        else if (c === '[') [state, stateLine] = ['bracket', line];
        else if (c === '-' && next === '-') state = 'line-comment';
        else if (c === '/' && next === '*') {
          [state, stateLine] = ['block-comment', line];
          current += next;
          i++;
        } else if (c === '(') depth++;
        else if (c === ')') {
          depth--;
          if (depth < 0 && !depthProblem) {
            problems.push({ line, message: 'unbalanced parentheses: ")" without "("' });
            depthProblem = true;
          }
        } else if (c === ';' && !blocks.includes('begin')) {
          current = current.slice(0, -1);
          finish();
          blocks.length = 0;
        }
        break;
      case 'single':
      case 'double':
      case 'backtick': {
        const quote = state === 'single' ? "'" : state === 'double' ? '"' : '`';
        if (c === quote) {
          if (next === quote) {
            current += next;
            i++;
          } else {
            state = 'code';
          }
        }
        break;
      }
      case 'bracket':
        if (c === ']') state = 'code';
        break;
      case 'line-comment':
        if (c === '\n') state = 'code';
        break;
      case 'block-comment':
        if (c === '*' && next === '/') {
          current += next;
          i++;
          state = 'code';
        }
        break;
    }
  }
  endWord();
  if (state === 'single' || state === 'double' || state === 'backtick' || state === 'bracket') {
    problems.push({ line: stateLine, message: 'unterminated quoted string or identifier' });
  } else if (state === 'block-comment') {
    problems.push({ line: stateLine, message: 'unterminated /* comment' });
  }
  if (blocks.includes('begin')) problems.push({ line: startLine, message: 'trigger body without END' });
  finish();

  for (const s of statements) {
    const first = /^[A-Za-z]+/.exec(s.text)?.[0]?.toUpperCase();
    if (!first || !STATEMENT_KEYWORDS.has(first)) {
      problems.push({ line: s.line, message: `statement starts with ${JSON.stringify(s.text.slice(0, 24))}, not an SQL keyword` });
    }
  }
  problems.sort((a, b) => a.line - b.line);
  return { statements, problems };
}

function isTrigger(statement: string): boolean {
  return /^\s*CREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(stripComments(statement));
}

/** Comments removed (outside quotes), for the keyword test and the statement text. */
function stripComments(sql: string): string {
  return sql.replace(/('(?:[^']|'')*'?)|("(?:[^"]|"")*"?)|--[^\n]*|\/\*[\s\S]*?(\*\/|$)/g, (m, single: string | undefined, double: string | undefined) => single ?? double ?? ' ');
}
