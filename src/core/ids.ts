/**
 * Prefixed ULIDs (`art_01J...`, `sess_01J...`): sortable by time, as the lab's records are.
 * Time and randomness come in as arguments so ids are testable.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function ulid(timeMs: number, randomBytes: Uint8Array): string {
  let time = '';
  let t = timeMs;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32]! + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[(randomBytes[i] ?? 0) % 32]!;
  return time + rand;
}

export function prefixedId(prefix: string, timeMs: number, randomBytes: Uint8Array): string {
  return `${prefix}_${ulid(timeMs, randomBytes)}`;
}
