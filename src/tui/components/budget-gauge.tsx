/**
 * used / num_ctx with a bar: tokens in use, the rest of the reserved output (▒), free room (·).
 * Green under 70% committed, yellow under 90%, red above or over; the label says "over by" in words.
 */
import { Text } from 'ink';
import { formatBreakdown } from '../../core/budget/index.js';
import type { BudgetPlan } from '../../core/budget/index.js';
import type { GaugeReading } from '../state/reducer.js';
import { gaugeCells, gaugeLabel, gaugeLevel } from '../state/status-line.js';
import { useTheme } from '../theme.js';

export function BudgetGauge({ reading, width }: { reading: GaugeReading | null; width: number }) {
  const theme = useTheme();
  if (!reading) return <Text dimColor>{`budget ${'·'.repeat(width)} -/-`}</Text>;
  const cells = gaugeCells(reading, width);
  const level = gaugeLevel(reading);
  const color = level === 'ok' ? theme.ok : level === 'warn' ? theme.warn : theme.bad;
  return (
    <Text>
      {'budget '}
      <Text color={color}>{'█'.repeat(cells.used)}</Text>
      <Text color={color} dimColor>{'▒'.repeat(cells.reserved)}</Text>
      <Text dimColor>{'·'.repeat(cells.free)}</Text>
      <Text color={color} bold={level !== 'ok'}>{` ${gaugeLabel(reading)}`}</Text>
    </Text>
  );
}

export function BreakdownPanel({ plan }: { plan: BudgetPlan | null }) {
  const theme = useTheme();
  return (
    <Text color={theme.muted}>
      {plan ? `Budget of the next prompt (${plan.counter}; Ctrl+B hides)\n${formatBreakdown(plan).join('\n')}` : 'Budget: not known yet (the mode\'s Modelfile could not be read)'}
    </Text>
  );
}
