/** Shown while the laptop is hot or cooling: the countdown, why, and what happens to held prompts. */
import { Box, Text } from 'ink';
import type { HeldTurn } from '../state/reducer.js';
import { formatCountdown, remainingMs } from '../state/pacing-view.js';
import type { PacingView } from '../state/pacing-view.js';
import { useTheme } from '../theme.js';

export function CooldownView({ pacing, receivedAt, now, held }: { pacing: PacingView; receivedAt: number; now: number; held: readonly HeldTurn[] }) {
  const theme = useTheme();
  const left = remainingMs(pacing, receivedAt, now);
  const countdown = left === null ? 'until it is cool again' : left > 0 ? `${formatCountdown(left)} left` : 'checking again…';
  const n = held.length;
  return (
    <Box flexDirection="column" borderStyle="single" borderColor={theme.bad} paddingX={1}>
      <Text color={theme.bad} bold>{`${pacing.level === 'hot' ? 'Hot' : 'Cooling down'}: ${countdown}`}</Text>
      {pacing.reasons.length ? <Text wrap="truncate-end">{pacing.reasons.join('; ')}</Text> : null}
      <Text dimColor wrap="truncate-end">
        {n ? `${n} prompt${n === 1 ? '' : 's'} held: they run one by one when cool · /now runs the next one anyway` : 'new prompts are held and run when cool · /now runs one anyway'}
      </Text>
    </Box>
  );
}
