/**
 * The prompt being typed. Only a window of lines around the cursor is drawn, so a pasted file of
 * thousands of lines costs a handful of rows; the cursor is an inverse cell, visible without colour.
 */
import { memo } from 'react';
import { Box, Text } from 'ink';
import { visibleLines } from '../state/editor.js';
import type { Editor } from '../state/editor.js';
import { useTheme } from '../theme.js';

export const InputBox = memo(function InputBox({ editor, columns, maxLines, busy }: { editor: Editor; columns: number; maxLines: number; busy: boolean }) {
  const theme = useTheme();
  const view = visibleLines(editor, maxLines);
  const empty = editor.text.length === 0;
  const lineCount = editor.text.split('\n').length;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.muted} width={columns} paddingX={1}>
      {view.hiddenAbove > 0 ? <Text dimColor>{`… ${view.hiddenAbove} line${view.hiddenAbove === 1 ? '' : 's'} above (${lineCount} in all)`}</Text> : null}
      {empty ? (
        <Text>
          <Text color={theme.user} bold>{'› '}</Text>
          <Text inverse>{' '}</Text>
          <Text dimColor>{busy ? ' type the next prompt: it runs after this one' : ' type a prompt, /help for commands'}</Text>
        </Text>
      ) : (
        view.lines.map((line, i) => (
          <Text key={view.hiddenAbove + i} wrap="wrap">
            <Text color={theme.user} bold>{i === 0 && view.hiddenAbove === 0 ? '› ' : '  '}</Text>
            {line.cursorAt === null ? display(line.text) || ' ' : <CursorLine text={line.text} at={line.cursorAt} />}
          </Text>
        ))
      )}
      {view.hiddenBelow > 0 ? <Text dimColor>{`… ${view.hiddenBelow} more line${view.hiddenBelow === 1 ? '' : 's'}`}</Text> : null}
    </Box>
  );
});

/** Tabs are shown as two spaces (the text keeps them): terminals disagree on their width. */
function display(text: string): string {
  return text.replace(/\t/g, '  ');
}

function CursorLine({ text, at }: { text: string; at: number }) {
  const ch = text.slice(at, at + 1);
  return (
    <>
      {display(text.slice(0, at))}
      <Text inverse>{ch && ch !== '\t' ? ch : ' '}</Text>
      {display(text.slice(at + 1))}
    </>
  );
}
