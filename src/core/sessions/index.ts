/** Session logs: the event union, which session a run joins, resuming, and the markdown rendering. */
export { parseSessionLog, stamp } from './events.js';
export type { EndReason, PacedAction, SessionEvent, SessionEventBody } from './events.js';
export { renderSessionMarkdown, summariseSession } from './markdown.js';
export type { SessionStats } from './markdown.js';
export { decideSession } from './policy.js';
export type { SessionSummary } from './policy.js';
export type { SessionSink } from './ports.js';
export { historyOf, looksCrashed, outlineSession } from './resume.js';
export type { SessionOutline } from './resume.js';
