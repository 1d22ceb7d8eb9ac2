/**
 * What Ollama renders around the messages for each shipped base model, so the template's own tokens
 * are counted too. The shapes follow the library templates: ChatML for Qwen (qwen3 adds the
 * think switch and an empty think block when thinking is off), DeepSeek's role markers for
 * deepseek-r1 0528 (a Qwen3 tokenizer with its own special tokens), `[INST]` for llava on Mistral.
 * Where our rendering differs from the server's, it errs by a few tokens high, and calibration
 * from `prompt_eval_count` covers the rest.
 */
export type TokenizerId = 'qwen' | 'none';
export type TemplateFamily = 'qwen3' | 'qwen2' | 'deepseek-r1' | 'llava' | 'chatml';

export interface TemplateMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatTemplate {
  readonly family: TemplateFamily;
  /** The bundled exact tokenizer for this model, or 'none' (estimate + margin + calibration). */
  readonly tokenizer: TokenizerId;
  /** Strings the model's tokenizer treats as one token each. */
  readonly specials: readonly string[];
  render(messages: readonly TemplateMessage[], think: boolean): string;
}

const QWEN_SPECIALS = ['<|im_start|>', '<|im_end|>', '<|endoftext|>', '<think>', '</think>'];
const DEEPSEEK_SPECIALS = ['<｜begin▁of▁sentence｜>', '<｜User｜>', '<｜Assistant｜>', '<｜end▁of▁sentence｜>', '<think>', '</think>'];

const chatml = (family: TemplateFamily, tokenizer: TokenizerId, thinkSwitch: boolean): ChatTemplate => ({
  family,
  tokenizer,
  specials: QWEN_SPECIALS,
  render(messages, think) {
    const lastUser = messages.map((m) => m.role).lastIndexOf('user');
    let out = '';
    messages.forEach((m, i) => {
      const suffix = thinkSwitch && i === lastUser ? (think ? ' /think' : ' /no_think') : '';
      out += `<|im_start|>${m.role}\n${m.content}${suffix}<|im_end|>\n`;
    });
    return `${out}<|im_start|>assistant\n${thinkSwitch && !think ? '<think>\n\n</think>\n\n' : ''}`;
  },
});

const deepseek: ChatTemplate = {
  family: 'deepseek-r1',
  tokenizer: 'qwen',
  specials: DEEPSEEK_SPECIALS,
  render(messages, think) {
    let out = '<｜begin▁of▁sentence｜>';
    for (const m of messages) {
      if (m.role === 'system') out += m.content;
      else if (m.role === 'user') out += `<｜User｜>${m.content}`;
      else out += `<｜Assistant｜>${m.content}<｜end▁of▁sentence｜>`;
    }
    return `${out}<｜Assistant｜>${think ? '' : '<think>\n\n</think>\n\n'}`;
  },
};

const llava: ChatTemplate = {
  family: 'llava',
  tokenizer: 'none',
  specials: ['<s>', '</s>', '[INST]', '[/INST]'],
  render(messages) {
    const system = messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n');
    let out = '<s>';
    let first = true;
    for (const m of messages) {
      if (m.role === 'user') {
        out += `[INST] ${first && system ? `${system}\n\n` : ''}${m.content} [/INST]`;
        first = false;
      } else if (m.role === 'assistant') out += ` ${m.content}</s>`;
    }
    return out;
  },
};

/** Picks the template from the base model name (`models.<mode>.base` may override the default). */
export function templateFor(base: string): ChatTemplate {
  const name = base.toLowerCase().replace(/^.*\//, '');
  if (name.startsWith('qwen3')) return chatml('qwen3', 'qwen', true);
  if (name.startsWith('qwen2')) return chatml('qwen2', 'qwen', false);
  // The 8b tag is the 0528 Qwen3 distill; the llama distills use another vocabulary entirely.
  if (name.startsWith('deepseek-r1')) return name.includes('llama') ? chatml('chatml', 'none', false) : deepseek;
  if (name.startsWith('llava')) return llava;
  return chatml('chatml', 'none', false);
}
