import { it } from 'vitest';
import { render } from 'ink-testing-library';
import { Transcript } from '../../src/tui/components/transcript.js';

it('probe', () => {
  const blocks = [
    { id: 1, kind: 'text' as const, text: 'a' },
    { id: 2, kind: 'blank' as const, text: '' },
    { id: 3, kind: 'heading' as const, text: '## b' },
  ];
  const r = render(<Transcript blocks={blocks} />);
  console.log(JSON.stringify(r.lastFrame()));
});
