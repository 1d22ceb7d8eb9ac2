/** What the next prompt carries besides its text, with what each costs in the budget. */
import { memo } from 'react';
import { Text } from 'ink';
import type { Attached } from '../ports.js';
import { useTheme } from '../theme.js';

export const AttachmentsLine = memo(function AttachmentsLine({ attachments }: { attachments: readonly Attached[] }) {
  const theme = useTheme();
  if (attachments.length === 0) return null;
  const total = attachments.reduce((sum, a) => sum + a.tokens, 0);
  const items = attachments.map((a) => `${a.kind === 'image' ? '▣' : '▤'} ${a.label} (${a.tokens.toLocaleString('en-US')})`).join('  ');
  return (
    <Text wrap="truncate-middle" color={theme.accent}>
      {` + ${items}  = ${total.toLocaleString('en-US')} tokens · /detach drops them`}
    </Text>
  );
});
