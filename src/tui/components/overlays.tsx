/** Questions that take the keyboard for a moment: rating the session's artifacts, resuming after a crash. */
import { Box, Text } from 'ink';
import type { Overlay } from '../state/reducer.js';
import { useTheme } from '../theme.js';

export function OverlayView({ overlay }: { overlay: Overlay }) {
  const theme = useTheme();
  if (overlay.kind === 'rating') {
    const path = overlay.queue[overlay.index] ?? '';
    return (
      <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={1}>
        <Text bold>{`Rate artifact ${overlay.index + 1} of ${overlay.queue.length}: ${path}`}</Text>
        <Text>
          <Text color={theme.ok} bold>k</Text>{' keep  '}
          <Text color={theme.warn} bold>r</Text>{' rework  '}
          <Text color={theme.bad} bold>d</Text>{' discard  '}
          <Text bold>s</Text>{' skip  '}
          <Text bold>Esc</Text>{overlay.then?.type === 'quit' ? ' skip all and quit' : ' skip all'}
        </Text>
      </Box>
    );
  }
  const turns = `${overlay.turns} turn${overlay.turns === 1 ? '' : 's'}${overlay.mode ? `, mode ${overlay.mode}` : ''}`;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.warn} paddingX={1}>
      <Text bold>{`The last session (${overlay.id}, ${turns}) was not closed: field stopped in the middle.`}</Text>
      {overlay.lastPrompt ? <Text dimColor wrap="truncate-end">{`last prompt: ${overlay.lastPrompt.replace(/\s+/g, ' ')}`}</Text> : null}
      <Text>
        {'Resume it with its history? '}
        <Text bold>y</Text>{' resume  '}
        <Text bold>n</Text>{' start a new session'}
      </Text>
    </Box>
  );
}
