/** Artifact records: the frontmatter format, names and slugs, code extraction, ratings, lab marks and recovery of partials. */
export { CODE_TARGETS, extractCode, findCodeBlocks, normaliseLang } from './code-fences.js';
export { applyMark, isMarkOutcome, parseMinutes, parseOutcome, readLab, updateLab } from './lab-mark.js';
export type { MarkOutcome } from './lab-mark.js';
export { isProjectName, slugify, validateProjectName } from './names.js';
export type { ArtifactDraft, ArtifactStore } from './ports.js';
export { rateRecord, ratingOf, withRating } from './rating.js';
export { ARTIFACT_STATUSES, REQUIRED_FRONTMATTER_KEYS, decideStatus, parseRecord, renderRecord, titleFrom } from './record.js';
export type { ArtifactFrontmatter, ArtifactQuality, ArtifactStatus, Rating, RepairState } from './record.js';
export { classifyPartial, parsePartial, recoveredRecord, renderPartialHeader, writerAlive } from './recovery.js';
export type { PartialMeta, PartialProvenance, PartialState } from './recovery.js';
