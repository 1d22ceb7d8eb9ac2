/**
 * Two lines under the input. First: model, budget gauge, pacing (level, tok/s, prompts in window),
 * Ollama when it is not up, and its host when it is not this machine. Second: session, last saved artifact, and the transient hint.
 */
import { Box, Text } from 'ink';
import { MODE_SPECS } from '../../core/models/index.js';
import { gaugeReading } from '../state/reducer.js';
import type { UiState } from '../state/reducer.js';
import { pacingLabel, shortSession } from '../state/status-line.js';
import { BudgetGauge } from './budget-gauge.js';
import { useTheme } from '../theme.js';

export function StatusBar({ state, columns, now, remoteHost = null }: { state: UiState; columns: number; now: number; remoteHost?: string | null }) {
  const theme = useTheme();
  const level = state.pacing.level;
  const pacingColor = level === 'cool' ? theme.ok : level === 'warm' ? theme.warn : level === 'hot' || level === 'cooling' ? theme.bad : theme.muted;
  const ollama = state.ollama.state === 'down' ? 'Ollama down · retrying' : state.ollama.state === 'checking' ? 'Ollama…' : null;
  const gaugeWidth = columns >= 110 ? 16 : columns >= 90 ? 10 : 6;
  const sep = <Text color={theme.muted}>{' │ '}</Text>;
  const second = [
    state.session ? shortSession(state.session.id) : 'no session yet',
    state.lastArtifact ? `saved ${state.lastArtifact}` : 'nothing saved yet',
  ].join(' · ');
  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate-end">
        <Text bold>{MODE_SPECS[state.mode].model}</Text>
        {sep}
        <BudgetGauge reading={gaugeReading(state)} width={gaugeWidth} />
        {sep}
        <Text color={pacingColor}>{pacingLabel(state, now)}</Text>
        {ollama ? sep : null}
        {ollama ? <Text color={state.ollama.state === 'down' ? theme.bad : theme.muted} bold={state.ollama.state === 'down'}>{ollama}</Text> : null}
        {remoteHost ? sep : null}
        {remoteHost ? <Text color={theme.warn} bold>{`Ollama at ${remoteHost}: prompts leave this machine`}</Text> : null}
      </Text>
      <Text wrap="truncate-middle">
        <Text dimColor>{second}</Text>
        {state.hint ? <Text color={theme.warn}>{`  ${state.hint}`}</Text> : null}
      </Text>
    </Box>
  );
}
