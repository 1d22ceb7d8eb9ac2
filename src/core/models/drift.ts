/**
 * Whether an installed field model still matches its Modelfile. A model whose system prompt,
 * parameters or base changed is "drifted": it would silently answer with yesterday's prompt.
 */
import type { Modelfile } from './modelfile.js';

export type ModelState = 'installed' | 'missing' | 'drifted';

export interface InstalledDetails {
  system: string;
  parameters: Record<string, string | string[]>;
  /** The base it was created from, when the server reports it. */
  parentModel: string | null;
}

export interface ModelStatus {
  state: ModelState;
  reasons: string[];
}

const withTag = (name: string): string => (name.includes(':') ? name : `${name}:latest`);

export function modelStatus(wanted: Modelfile, installed: InstalledDetails | null): ModelStatus {
  if (!installed) return { state: 'missing', reasons: ['not installed'] };
  const reasons: string[] = [];
  if ((wanted.system ?? '').trim() !== installed.system.trim()) reasons.push('system prompt differs');
  for (const [key, value] of Object.entries(wanted.parameters)) {
    const want = (Array.isArray(value) ? value : [value]).map(String);
    const raw = installed.parameters[key];
    const have = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).map(String);
    if (want.length !== have.length || want.some((v, i) => !sameValue(v, have[i]))) {
      reasons.push(`${key} is ${have.join(', ') || 'unset'}, Modelfile says ${want.join(', ')}`);
    }
  }
  if (installed.parentModel && withTag(installed.parentModel) !== withTag(wanted.from)) {
    reasons.push(`base is ${installed.parentModel}, Modelfile says ${wanted.from}`);
  }
  return reasons.length ? { state: 'drifted', reasons } : { state: 'installed', reasons: [] };
}

function sameValue(want: string, have: string | undefined): boolean {
  if (have === undefined) return false;
  if (want === have) return true;
  const a = Number(want);
  const b = Number(have);
  // float32 round trips (0.7 -> 0.699999988) must not read as drift.
  return Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a));
}
