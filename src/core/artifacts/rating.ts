/**
 * A person's keep / rework / discard verdict on an artifact, stored in its frontmatter as
 * `quality.rating`. `quality` may already be an object other features fill (checks, lab outcome):
 * the rating is merged into it, and every other key of the record is left as it was.
 */
import matter from 'gray-matter';
import { parseRecord } from './record.js';
import type { Rating } from './record.js';

export function withRating(quality: unknown, rating: Rating): Record<string, unknown> {
  const base = typeof quality === 'object' && quality !== null && !Array.isArray(quality) ? (quality as Record<string, unknown>) : {};
  return { ...base, rating };
}

/** The record text with the rating set; the body is kept byte for byte. */
export function rateRecord(text: string, rating: Rating): string {
  const { data, body } = parseRecord(text);
  const rated = { ...data, quality: withRating(data.quality, rating) };
  return matter.stringify(body, rated);
}

export function ratingOf(data: Record<string, unknown>): Rating | null {
  const quality = data.quality;
  if (typeof quality !== 'object' || quality === null) return null;
  const rating = (quality as Record<string, unknown>).rating;
  return rating === 'keep' || rating === 'rework' || rating === 'discard' ? rating : null;
}
