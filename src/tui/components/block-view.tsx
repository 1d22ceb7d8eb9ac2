/**
 * One transcript entry, styled by kind. Structure shows through bold, symbols and indentation even
 * without colour; long lines are wrapped here, with continuation rows indented under their line.
 */
import { useContext } from 'react';
import { Box, Text } from 'ink';
import type { Block, BlockKind } from '../state/reducer.js';
import { wrapText } from '../state/wrap.js';
import { WidthContext, useTheme } from '../theme.js';
import type { Theme } from '../theme.js';

interface Look {
  prefix: string;
  /** Prefix of continuation rows; defaults to spaces as wide as the prefix. */
  next?: string;
  color?: string | undefined;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
}

function look(kind: BlockKind, text: string, theme: Theme): Look {
  switch (kind) {
    case 'banner':
    case 'divider':
      return { prefix: '── ', color: theme.accent, bold: true };
    case 'user':
      return { prefix: '› ', color: theme.user, bold: true };
    case 'heading':
      return { prefix: '', color: theme.heading, bold: true };
    case 'list': {
      const indent = /^\s*(?:[-*+]|\d+[.)])\s(?:\[[ xX]\]\s)?/.exec(text)?.[0].length ?? 2;
      return { prefix: '', next: ' '.repeat(indent) };
    }
    case 'fence':
      return { prefix: '  ', color: theme.muted, dim: true };
    case 'code':
      return { prefix: '  │ ', color: theme.code };
    case 'quote':
      return { prefix: '', next: '> ', italic: true };
    case 'text':
    case 'blank':
    case 'info':
      return { prefix: '' };
    case 'thinking':
      return { prefix: '', dim: true, italic: true };
    case 'notice':
      return { prefix: '· ', color: theme.muted, dim: true };
    case 'warning':
      return { prefix: '! ', color: theme.warn };
    case 'error':
      return { prefix: '✗ ', color: theme.bad, bold: true };
    case 'saved':
      return { prefix: '✓ ', color: theme.ok };
  }
}

export function BlockView({ block }: { block: Block }) {
  const theme = useTheme();
  const columns = useContext(WidthContext);
  const style = look(block.kind, block.text, theme);
  const body = block.kind === 'list' ? block.text.replace(/^(\s*)[-*+](\s)/, '$1•$2') : block.kind === 'fence' ? block.text.trim() : block.text;
  const next = style.next ?? ' '.repeat(style.prefix.length);
  const suffix = block.kind === 'banner' || block.kind === 'divider' ? ' ──' : '';
  const rows = wrapText(`${body}${suffix}`, columns - Math.max(style.prefix.length, next.length));
  const text = rows.map((row, i) => `${i === 0 ? style.prefix : next}${row}`).join('\n') || ' ';
  const needsGap = (block.gap ?? 0) > 0 || block.kind === 'user' || block.kind === 'divider';
  return (
    <Box marginTop={needsGap ? Math.max(block.gap ?? 0, 1) : 0}>
      <Text color={style.color} bold={style.bold ?? false} dimColor={style.dim ?? false} italic={style.italic ?? false}>
        {text}
      </Text>
    </Box>
  );
}
