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
  spentOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
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
    `INSERT INTO splits (id, pair_id, category_id, paid_by, amount_cents, share_a_cents, share_b_cents, currency, spent_on, note)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
    .bind(id, input.pairId, input.categoryId, input.paidByHousehold, input.amountCents, shareA, shareB, input.currency, input.spentOn, input.note ?? null)
    .run();

  return c.json({ id, shareACents: shareA, shareBCents: shareB }, 201);
});
