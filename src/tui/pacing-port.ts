/**
 * The TUI's pacing, on the same policy, history file and sensors as the one-shot gate
 * (cli/pacing-gate.ts): `check` reads the history and the sensors (cached, with a deadline) and says
 * how hot the laptop is; `gate` runs before each prompt, records what it did in the session log and
 * gives the snapshot that goes into the prompt event and the artifact; `record` adds the finished run.
 * The TUI never asks on stderr: holding and insisting are its own keys and commands.
 */
import { savePacingState } from '../adapters/config/index.js';
import type { PacingDecision, PacingSnapshot } from '../core/pacing/index.js';
import { toSnapshot, thermalError } from '../core/pacing/index.js';
import type { PacedAction } from '../core/sessions/index.js';
import { currentPacing, pacingRuntime, recordPacingRun } from '../cli/pacing-gate.js';
import type { GateResult, PacingRuntime, RunResult } from '../cli/pacing-gate.js';
import type { Environment } from '../deps.js';
import type { PacingPort, PacingView } from './state/pacing-view.js';
import { UNKNOWN_PACING } from './state/pacing-view.js';

export function viewOf(d: PacingDecision): PacingView {
  return {
    level: d.level,
    promptsInWindow: d.promptsInWindow,
    hotAt: d.hotAt,
    tokPerSec: d.tokPerSec,
    baselineTokPerSec: d.baseline,
    cooldownRemainingMs: d.cooldownRemainingMs > 0 ? d.cooldownRemainingMs : null,
    reasons: d.reasons,
  };
}

export interface PolicyPacing {
  port: PacingPort;
  /** Before a prompt: throws FieldError('thermal') when it must wait and the user did not insist. */
  gate(model: string, forced: boolean, log: (action: PacedAction, decision: PacingDecision, snapshot: PacingSnapshot) => Promise<void>): Promise<GateResult>;
  record(gate: GateResult, run: RunResult): Promise<void>;
}

export function policyPacing(env: Environment, runtime: PacingRuntime = pacingRuntime(env)): PolicyPacing {
  const check = async (model: string | null): Promise<PacingView> => {
    try {
      const current = await currentPacing(runtime, model);
      // A cooldown started or ended, or fresh sensor readings: saved as the one-shot gate saves them.
      await savePacingState(runtime.statePath, current.state).catch(() => undefined);
      return viewOf(current.decision);
    } catch {
      // Pacing advises; an unreadable history or a missing sensor must not stop the session.
      return UNKNOWN_PACING;
    }
  };
  return {
    port: { check, record: (run) => check(run.model) },
    async gate(model, forced, log) {
      const current = await currentPacing(runtime, model);
      const { decision } = current;
      const saved = savePacingState(runtime.statePath, current.state).catch(() => undefined);
      if (decision.level === 'cool') return { decision, snapshot: toSnapshot(decision), saved };
      if (decision.level === 'warm') {
        const snapshot = toSnapshot(decision);
        await log('warned', decision, snapshot);
        return { decision, snapshot, saved };
      }
      if (forced) {
        const snapshot = toSnapshot(decision, true);
        await log('forced', decision, snapshot);
        return { decision, snapshot, saved };
      }
      await log('refused', decision, toSnapshot(decision));
      await saved;
      throw thermalError(decision);
    },
    record: (gate, run) => recordPacingRun(runtime, gate, run),
  };
}
