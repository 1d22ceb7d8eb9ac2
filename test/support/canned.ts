/**
 * Canned model answers for the fake Ollama: realistic enough in shape (headings, fences,
 * checklists, thinking) that parsers and renderers downstream meet what a 7-8B model produces.
 */
import type { ChatReply, StreamReply } from './fake-ollama.js';

export type CannedMode = 'prd' | 'code' | 'wire' | 'arch' | 'doc' | 'vision';

export interface CannedAnswer {
  thinking?: string;
  content: string;
}

const FENCE = '```';

const PRD = `# PRD: Shared Expenses Between Two Households

## Problem Statement
Co-parents and adult siblings who run two separate households share recurring costs (school fees, medical bills, childcare, a shared car) but settle them through screenshots, bank-transfer references and memory. Each household keeps its own ledger, the ledgers drift, and disputes surface months later when nobody can find the receipt. Existing split apps assume one group of individuals sharing everything equally; they do not model two households, each with its own members, agreeing a fixed ratio per expense category.

## Hypothesis
If two households can record a shared expense in under 30 seconds, with the agreed category ratio applied automatically and a running balance both sides can see, then at least 60% of pilot household pairs will settle through the app at least once a month, and self-reported disputes about shared costs will drop by half within 8 weeks.

## Kill Criteria
- Fewer than 40% of pilot household pairs record 4 or more expenses in their first 4 weeks.
- More than 25% of recorded expenses are edited or deleted by the other household within 7 days, which would mean the ratios do not reflect real agreements.
- Median time to record an expense stays above 60 seconds over the first 6 weeks, after the second iteration of the form.
- Fewer than 3 in 10 users interviewed at the end of the 8-week pilot say they would stop using their current spreadsheet or chat thread.

## Acceptance Criteria
- [ ] A user can create a household pair by inviting one member of the other household by email; the pair is active only after the invite is accepted.
- [ ] Each expense category (e.g. school, medical, childcare) stores a ratio between the two households that sums to 100%.
- [ ] Recording an expense requires amount, currency, category, date and the paying household; the split is computed from the category ratio and shown before saving.
- [ ] Amounts are stored as integer minor units; a split that does not divide evenly assigns the remaining cent to the paying household.
- [ ] Both households see the same running balance, updated within 5 seconds of a change.
- [ ] Marking a settlement records who paid whom and how much, and reduces the balance by exactly that amount.
- [ ] Negative: an expense with an amount of zero or less is rejected with the message "Amount must be greater than zero" and nothing is saved.
- [ ] Negative: a category ratio that does not sum to 100% cannot be saved.
- [ ] Negative: a user who is not a member of either household gets 404 on every expense URL of the pair, never 403, so the pair's existence is not leaked.
- [ ] Negative: a settlement larger than the outstanding balance is rejected rather than flipping the balance to the other side.
- [ ] Negative: editing an expense after it has been included in a settlement is blocked; the user is told to record a correcting expense instead.

## Agent Brief
Build the smallest vertical slice that proves the hypothesis: household pairs, per-category ratios, expense recording and a shared balance. Use the existing Hono app on Cloudflare Workers with D1; add a numbered migration for \`households\`, \`household_members\`, \`categories\` and \`splits\`. Validate every request body with Zod and return \`{ error }\` JSON with a 4xx status on failure. Store money as integer cents and never as floating point. Do not build receipt upload, multi-currency conversion or notifications in this slice. Cover every acceptance criterion above with a test, including each negative case, and stop when the tests pass.
`;

const CODE = `Here is a Hono route handler for \`POST /api/splits\`. It validates the body with Zod, checks that the caller belongs to the household pair, computes the split in integer cents and writes it to D1. The migration after it creates the table the handler expects.

${FENCE}ts
import { Hono } from 'hono';
import { z } from 'zod';

type Bindings = { DB: D1Database };
type Variables = { userId: string };

const SplitInput = z.object({
  pairId: z.string().uuid(),
  categoryId: z.string().uuid(),
  paidByHousehold: z.enum(['a', 'b']),
  amountCents: z.number().int().positive(),
  currency: z.string().length(3),
  spentOn: z.string().regex(/^\\d{4}-\\d{2}-\\d{2}$/),
  note: z.string().max(280).optional(),
});

export const splits = new Hono<{ Bindings: Bindings; Variables: Variables }>();

splits.post('/api/splits', async (c) => {
  const parsed = SplitInput.safeParse(await c.req.json().catch(() => null));
  if (!parsed.success) {
    return c.json({ error: parsed.error.issues[0]?.message ?? 'Invalid request body' }, 400);
  }
  const input = parsed.data;

  const member = await c.env.DB.prepare(
    'SELECT 1 FROM household_members WHERE pair_id = ? AND user_id = ?',
  )
    .bind(input.pairId, c.get('userId'))
    .first();
  if (!member) {
    return c.json({ error: 'Not found' }, 404);
  }

  const category = await c.env.DB.prepare(
    'SELECT ratio_a_bp FROM categories WHERE id = ? AND pair_id = ?',
  )
    .bind(input.categoryId, input.pairId)
    .first<{ ratio_a_bp: number }>();
  if (!category) {
    return c.json({ error: 'Unknown category' }, 422);
  }

  const shareA = Math.floor((input.amountCents * category.ratio_a_bp) / 10_000);
  const shareB = input.amountCents - shareA;
  const id = crypto.randomUUID();

  await c.env.DB.prepare(
    \`INSERT INTO splits (id, pair_id, category_id, paid_by, amount_cents, share_a_cents, share_b_cents, currency, spent_on, note)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)\`,
  )
    .bind(id, input.pairId, input.categoryId, input.paidByHousehold, input.amountCents, shareA, shareB, input.currency, input.spentOn, input.note ?? null)
    .run();

  return c.json({ id, shareACents: shareA, shareBCents: shareB }, 201);
});
${FENCE}

${FENCE}sql
-- migrations/0003_create_splits.sql
CREATE TABLE IF NOT EXISTS splits (
  id            TEXT PRIMARY KEY,
  pair_id       TEXT NOT NULL REFERENCES household_pairs(id) ON DELETE CASCADE,
  category_id   TEXT NOT NULL REFERENCES categories(id),
  paid_by       TEXT NOT NULL CHECK (paid_by IN ('a', 'b')),
  amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
  share_a_cents INTEGER NOT NULL,
  share_b_cents INTEGER NOT NULL,
  currency      TEXT NOT NULL CHECK (length(currency) = 3),
  spent_on      TEXT NOT NULL,
  note          TEXT,
  settled_at    TEXT,
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK (share_a_cents + share_b_cents = amount_cents)
);

CREATE INDEX IF NOT EXISTS idx_splits_pair_spent_on ON splits (pair_id, spent_on);
${FENCE}

Rounding puts any leftover cent on household B's share, so the two shares always add up to the amount, and the \`CHECK\` constraint enforces that in the database too.
`;

const WIRE = `A low-fidelity wireframe for the "record shared expense" screen: one column, the split preview above the save button, and plain Tailwind so it is easy to restyle later.

${FENCE}tsx
import { useState } from 'react';

type Household = 'a' | 'b';

interface Category {
  id: string;
  name: string;
  ratioA: number; // percent paid by household A
}

interface RecordExpenseProps {
  categories: Category[];
  householdNames: Record<Household, string>;
  onSave: (expense: { amountCents: number; categoryId: string; paidBy: Household }) => void;
}

export function RecordExpense({ categories, householdNames, onSave }: RecordExpenseProps) {
  const [amount, setAmount] = useState('');
  const [categoryId, setCategoryId] = useState(categories[0]?.id ?? '');
  const [paidBy, setPaidBy] = useState<Household>('a');

  const cents = Math.round(Number(amount) * 100);
  const category = categories.find((c) => c.id === categoryId);
  const shareA = category ? Math.floor((cents * category.ratioA) / 100) : 0;
  const valid = Number.isFinite(cents) && cents > 0 && category !== undefined;

  return (
    <form
      className="mx-auto flex max-w-sm flex-col gap-4 p-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) onSave({ amountCents: cents, categoryId, paidBy });
      }}
    >
      <h1 className="text-lg font-semibold">Record shared expense</h1>

      <label className="flex flex-col gap-1">
        <span className="text-sm text-gray-600">Amount</span>
        <input inputMode="decimal" className="rounded border p-2" value={amount} onChange={(e) => setAmount(e.target.value)} placeholder="0.00" />
      </label>

      <label className="flex flex-col gap-1">
        <span className="text-sm text-gray-600">Category</span>
        <select className="rounded border p-2" value={categoryId} onChange={(e) => setCategoryId(e.target.value)}>
          {categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name} ({c.ratioA}/{100 - c.ratioA})
            </option>
          ))}
        </select>
      </label>

      <fieldset className="flex gap-4">
        <legend className="text-sm text-gray-600">Paid by</legend>
        {(['a', 'b'] as const).map((h) => (
          <label key={h} className="flex items-center gap-2">
            <input type="radio" name="paidBy" checked={paidBy === h} onChange={() => setPaidBy(h)} />
            {householdNames[h]}
          </label>
        ))}
      </fieldset>

      <div className="rounded bg-gray-100 p-3 text-sm" aria-live="polite">
        {valid ? (
          <p>
            {householdNames.a}: {(shareA / 100).toFixed(2)} · {householdNames.b}: {((cents - shareA) / 100).toFixed(2)}
          </p>
        ) : (
          <p className="text-gray-500">Enter an amount to see the split</p>
        )}
      </div>

      <button type="submit" disabled={!valid} className="rounded bg-black p-2 text-white disabled:opacity-40">
        Save expense
      </button>
    </form>
  );
}
${FENCE}
`;

const ARCH_THINKING = `Okay, the user wants an architecture decision for where the running balance between two households lives. Let me think about what matters here.

The balance is derived data: it is the sum of splits minus settlements. The options are computing it on every read, keeping a materialised balance row updated in the same transaction, or an event log with a projection.

D1 is SQLite, so transactions are per database and batch() gives atomicity. Volume is tiny, maybe a few hundred splits per pair per year, so a SUM on read is cheap. But both households must see the same number, and a cached row can drift if some write path forgets to update it.

An event log is overkill for a pilot. Wait, the kill criteria mention edits and deletes within 7 days, so we need an audit trail anyway. Still, an append-only splits table with settled_at gives most of that.

So: compute on read from the source tables, add an index on (pair_id), and revisit if p95 read latency goes above 50 ms. I should write it as an ADR with context, options, decision and consequences.`;

const ARCH = `# ADR-0004: Compute the household balance on read

## Context
Two households share a running balance: the sum of each household's share of every recorded split, minus settlements. Both sides must always see the same number, and the pilot's kill criteria depend on trusting it. Storage is Cloudflare D1 (SQLite). Expected volume is small: a few hundred splits per household pair per year. Splits can be edited until they are included in a settlement.

## Options
1. **Compute on read.** \`SUM(share_a_cents) - SUM(share_b_cents)\` over unsettled splits, plus settlements, on every balance request.
2. **Materialised balance row.** A \`balances\` table updated in the same \`DB.batch()\` as every split or settlement write.
3. **Event log with projection.** Append-only events (\`split_recorded\`, \`split_edited\`, \`settled\`) and a projector that maintains the balance.

## Decision
Option 1: compute the balance on read, backed by an index on \`splits (pair_id, spent_on)\`. It has a single source of truth, no write path can forget to update it, and at pilot volume the query stays in single-digit milliseconds. We will revisit if the p95 latency of the balance endpoint exceeds 50 ms or a pair passes 10,000 splits.

## Consequences
- Positive: there is no cache that can drift and no backfill job; edits and deletes are reflected immediately.
- Positive: the audit trail stays in the splits table (\`settled_at\`, \`created_at\`), which is enough for the pilot's dispute interviews.
- Negative: every balance read scans the pair's unsettled splits, so the cost grows with history until settlements close splits.
- Negative: moving to option 2 or 3 later needs a migration and a one-off backfill; the balance query should stay behind a single repository function so the switch touches one place.
`;

const DOC = `# Runbook: Restore the splits database after a bad migration

**Owner:** platform on-call · **Applies to:** production D1 database \`field-splits\` · **Time to restore:** about 15 minutes

## When to use
Use this runbook when a migration or a bulk write has corrupted or deleted rows in \`splits\`, \`categories\` or \`household_members\`, and the affected households report wrong balances. Do not use it for a single wrong expense: record a correcting expense instead.

## Prerequisites
- Wrangler 3.60 or later, logged in to the account that owns \`field-splits\`.
- The incident announced in #incidents and the status page set to "Degraded: balances may be wrong".
- The UTC time just before the bad change, from the deploy log or from \`wrangler d1 migrations list field-splits --remote\`.

## Steps
1. Put the Worker into read-only mode, entering the value \`1\` when asked:
   \`\`\`bash
   wrangler secret put READ_ONLY
   \`\`\`
2. Find the bookmark for the moment before the bad change:
   \`\`\`bash
   wrangler d1 time-travel info field-splits --timestamp=2025-06-01T09:14:00Z
   \`\`\`
3. Restore to that bookmark. This overwrites the live database and prints the bookmark of the state it replaced:
   \`\`\`bash
   wrangler d1 time-travel restore field-splits --bookmark=00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683
   \`\`\`
4. Remove read-only mode:
   \`\`\`bash
   wrangler secret delete READ_ONLY
   \`\`\`
5. Revert or fix the migration in a new numbered file; never edit an applied migration.
6. Writes made between the bad change and read-only mode are lost. Export them from the Worker logs (\`wrangler tail --format json\`) and ask the affected households to re-enter them.

## Verification
Run \`wrangler d1 execute field-splits --remote --command "SELECT COUNT(*) FROM splits"\`: the count should match yesterday's metrics dashboard within the writes made since. \`POST /api/splits\` should return 201 again once read-only mode is off, and the balances of two household pairs named in the incident reports should match their own records.

## Rollback
1. If the restore itself goes wrong, restore again with the bookmark printed by step 3 of **Steps**: each restore returns the bookmark of the state it replaced.
2. Write the post-incident review within 2 working days.
`;

const VISION = `The image is a photo of a printed supermarket receipt lying on a wooden table, taken from slightly above and at an angle, so the bottom edge is a little out of focus.

- **Store:** the header reads "GREENLEAF MARKET" with a street address underneath that is partly cut off on the right.
- **Date and time:** 14/05/2025 at 18:42.
- **Items:** about nine lines are readable, including "Whole milk 2L 2.49", "School snack packs x3 7.50", "Children's paracetamol 4.99" and "Printer paper A4 5.25". Two lines near the fold are too creased to read reliably.
- **Totals:** the subtotal appears to be 38.17, there is a line for "Loyalty discount -2.00", and the total is circled in blue pen: **36.17**.
- **Payment:** card payment, the last four digits ending in 4411.
- **Handwriting:** someone has written "split 60/40?" next to the total in the same blue pen.

The receipt is legible enough to record the total, date and store. The individual item prices near the crease should be checked against the paper original before they are split by category.
`;

export const cannedAnswers: Record<CannedMode, CannedAnswer> = {
  prd: { content: PRD },
  code: { content: CODE },
  wire: { content: WIRE },
  arch: { thinking: ARCH_THINKING, content: ARCH },
  doc: { content: DOC },
  vision: { content: VISION },
};

/**
 * Splits text into token-sized pieces: word-ish runs (a leading space kept with the word, as
 * BPE tokenizers do) cut to at most `size` code points, so a surrogate pair never straddles two
 * chunks and `chunks.join('')` always equals the input.
 */
export function chunkText(text: string, size = 4): string[] {
  const limit = Math.max(1, Math.floor(size));
  const runs = text.match(/ ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu) ?? [];
  return runs.flatMap((run) => splitByCodePoints(run, limit));
}

function splitByCodePoints(run: string, limit: number): string[] {
  const points = Array.from(run);
  const pieces: string[] = [];
  for (let i = 0; i < points.length; i += limit) pieces.push(points.slice(i, i + limit).join(''));
  return pieces;
}

export function cannedReply(mode: CannedMode, overrides: Partial<Omit<StreamReply, 'type' | 'content' | 'thinking'>> = {}): ChatReply {
  const answer = cannedAnswers[mode];
  return {
    type: 'stream',
    content: chunkText(answer.content),
    ...(answer.thinking ? { thinking: chunkText(answer.thinking) } : {}),
    ...overrides,
  };
}

export function isCannedMode(value: string): value is CannedMode {
  return Object.hasOwn(cannedAnswers, value);
}
