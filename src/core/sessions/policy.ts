/**
 * Which session a new run joins. Staleness is checked on read (no background job): an open session
 * idle past the gap is closed as abandoned/stale and never resumed, as the lab's session records do.
 */
export interface SessionSummary {
  id: string;
  lastEventAt: Date;
  ended: boolean;
}

export interface SessionDecision {
  reuse: string | null;
  close: string[];
}

export function decideSession(sessions: readonly SessionSummary[], now: Date, gapMs: number): SessionDecision {
  const open = sessions.filter((s) => !s.ended).sort((a, b) => b.lastEventAt.getTime() - a.lastEventAt.getTime());
  const fresh = open.find((s) => now.getTime() - s.lastEventAt.getTime() <= gapMs);
  return {
    reuse: fresh?.id ?? null,
    close: open.filter((s) => s.id !== fresh?.id).map((s) => s.id),
  };
}
