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
