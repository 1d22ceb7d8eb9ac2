/** The models a fake Ollama needs for field: the four library bases and the field-* models. */
import { readFileSync } from 'node:fs';
import { MODES, parseModelfile, toCreateRequest } from '../../src/core/models/index.js';
import type { FakeModel } from './fake-ollama.js';

export const BASE_MODELS: Array<Partial<FakeModel> & { name: string }> = [
  { name: 'qwen3:8b' },
  { name: 'qwen2.5-coder:7b' },
  { name: 'deepseek-r1:8b' },
  { name: 'llava:7b' },
];

/** The field-* models as `field setup` would create them from the shipped Modelfiles. */
function fieldModels(): Array<Partial<FakeModel> & { name: string }> {
  return MODES.map((mode) => {
    const text = readFileSync(new URL(`../../modelfiles/${mode}.Modelfile`, import.meta.url), 'utf8');
    const request = toCreateRequest(`field-${mode}:latest`, parseModelfile(text, `${mode}.Modelfile`));
    return { name: request.model, from: request.from, system: request.system ?? '', parameters: request.parameters ?? {} };
  });
}


/** Bases first: derived models inherit capabilities and metadata from an installed base. */
export function allFieldModels(): Array<Partial<FakeModel> & { name: string }> {
  return [...BASE_MODELS, ...fieldModels()];
}
