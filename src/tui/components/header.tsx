/** One line above the input: project, mode and model, always current (the banner above scrolls away). */
import { memo } from 'react';
import { Box, Text } from 'ink';
import { MODE_SPECS } from '../../core/models/index.js';
import type { Mode } from '../../core/models/index.js';
import { useTheme } from '../theme.js';

export const Header = memo(function Header({ project, mode, columns }: { project: string; mode: Mode; columns: number }) {
  const theme = useTheme();
  const spec = MODE_SPECS[mode];
  const left = ` ${project} · ${mode} · ${spec.model} (${spec.base}) `;
  const right = columns >= 72 ? ' Shift+Tab mode · /help ' : ' /help ';
  const rule = Math.max(0, columns - left.length - right.length - 2);
  return (
    <Box width={columns}>
      <Text wrap="truncate-end">
        <Text color={theme.muted}>{'─'}</Text>
        <Text color={theme.accent} bold>{left}</Text>
        <Text color={theme.muted}>{'─'.repeat(rule)}</Text>
        <Text color={theme.muted} dimColor>{right}</Text>
        <Text color={theme.muted}>{'─'}</Text>
      </Text>
    </Box>
  );
});
