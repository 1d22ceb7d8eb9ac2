/** The one event stream a generation produces; the one-shot CLI prints it, the TUI renders it. */
import type { BudgetPlan, FitAction, TemplateMessage } from '../budget/index.js';
import type { ArtifactStatus, ArtifactFrontmatter } from '../artifacts/index.js';
import type { FieldError } from '../errors.js';
import type { Finding } from '../checks/index.js';

export interface GenerationMetrics {
  doneReason: string;
  promptTokens: number;
  outputTokens: number;
  tokPerSec: number;
  loadMs: number;
  firstTokenMs: number | null;
  totalMs: number;
}

export type GenerationEvent =
  /**
   * `fit` lists what --fit trimmed; `notice` says how the history was fitted (interactive sessions), and
   * `history` is the history as sent when fitting changed it, so the next turn builds on the summary.
   */
  | { type: 'budget'; plan: BudgetPlan; fit: FitAction[]; notice: string | null; history?: TemplateMessage[] }
  | { type: 'started'; model: string; recordPath: string | null }
  | { type: 'thinking'; text: string }
  | { type: 'token'; text: string }
  | { type: 'done'; metrics: GenerationMetrics }
  /** A repair turn starts: the template's required checks failed; the tokens that follow are its reply. */
  | { type: 'repair'; template: string; targets: string[]; findings: Finding[]; plan: BudgetPlan }
  | { type: 'artifact'; recordPath: string; files: string[]; status: ArtifactStatus; frontmatter: ArtifactFrontmatter; answer: string; code: Record<string, string> }
  | { type: 'error'; error: FieldError; recordPath: string | null };

export type GenerationEventType = GenerationEvent['type'];
