/** Slash-command candidates under the input; Tab takes the common part. */
import { memo } from 'react';
import { Box, Text } from 'ink';
import type { Completion } from '../commands/slash.js';
import { useTheme } from '../theme.js';

const MAX_ITEMS = 6;

export const CompletionList = memo(function CompletionList({ completion, columns }: { completion: Completion; columns: number }) {
  const theme = useTheme();
  if (completion.items.length === 0) return null;
  const shown = completion.items.slice(0, MAX_ITEMS);
  const width = Math.max(...shown.map((i) => i.label.length));
  return (
    <Box flexDirection="column" paddingX={2} width={columns}>
      {shown.map((item, i) => (
        <Text key={item.label} wrap="truncate-end">
          <Text color={i === 0 ? theme.accent : undefined} bold={i === 0}>{item.label.padEnd(width)}</Text>
          <Text dimColor>{item.summary ? `  ${item.summary}` : ''}</Text>
        </Text>
      ))}
      {completion.items.length > MAX_ITEMS ? <Text dimColor>{`… ${completion.items.length - MAX_ITEMS} more`}</Text> : null}
    </Box>
  );
});
