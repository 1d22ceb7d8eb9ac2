/** The part of the answer still streaming: a waiting line, the thinking counter and the unfinished line. */
import { Box, Text } from 'ink';
import { MODE_SPECS } from '../../core/models/index.js';
import type { LiveTurn } from '../state/reducer.js';
import { BlockView } from './block-view.js';
import { classifyLine } from '../state/markdown-lines.js';
import { useTheme } from '../theme.js';

/** The unfinished line is cut to its last few rows: a line with no break must not fill the screen. */
const MAX_LIVE_CHARS_PER_COLUMN = 3;

export function LiveView({ live, columns }: { live: LiveTurn; columns: number }) {
  const theme = useTheme();
  const model = MODE_SPECS[live.turn.mode].model;
  const limit = Math.max(20, columns - 4) * MAX_LIVE_CHARS_PER_COLUMN;
  const partial = live.partial.length > limit ? `…${live.partial.slice(-limit)}` : live.partial;
  const words = live.thinking ? live.thinking.trim().split(/\s+/).length : 0;
  return (
    <Box flexDirection="column">
      {!live.answer && !live.thinking ? (
        <Text color={theme.muted} dimColor>
          {live.canceling ? `${model}: canceling…` : `${model}: ${live.started ? 'waiting for the first token' : 'preparing the request'} (Ctrl+C cancels)`}
        </Text>
      ) : null}
      {live.thinking && !live.thinkingShown ? <Text dimColor italic>{`▸ reasoning… ${words} words (collapsed)`}</Text> : null}
      {partial.trim() ? <BlockView block={{ id: 0, kind: classifyLine(live.partial, live.inCode).kind, text: partial, ...(live.blanks ? { gap: live.blanks } : {}) }} /> : null}
    </Box>
  );
}
