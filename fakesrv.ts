import { startFakeOllama } from '/work/wt-tui/test/support/fake-ollama.ts';
import { allFieldModels } from '/work/wt-tui/test/support/field-models.ts';
const fake = await startFakeOllama({ models: allFieldModels(), port: 47999 });
const words = 'the split is stored per household pair and the balance updates for both sides '.split(' ');
const content = Array.from({ length: 2000 }, (_, i) => `${i % 40 === 39 ? '\n' : ' '}${words[i % words.length]}`);
fake.setDefaultChat({ type: 'stream', content, chunkDelayMs: 10, firstChunkDelayMs: 50, evalCount: 2000, tokPerSec: 100 });
console.error('ready');
