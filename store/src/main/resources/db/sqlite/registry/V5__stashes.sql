-- Registry version 5: stash definitions (issue 16). Their entries are not here: the broker appends
-- them in its own transactions, to stashes.db (SQLite) or the store's tables (PostgreSQL). Kept in
-- the registry so that `switchboard stashes` changes reach a running server (it polls the version).

CREATE TABLE stashes (
  hub TEXT NOT NULL REFERENCES hubs (name) ON DELETE CASCADE,
  name TEXT NOT NULL,
  filter TEXT NOT NULL,
  max_entries INTEGER NOT NULL,
  max_bytes INTEGER NOT NULL,
  max_age_seconds INTEGER NOT NULL,
  enabled BOOLEAN NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (hub, name)
);

-- The client ids a stash is narrowed to, in the order given; none: every publisher.
CREATE TABLE stash_client_ids (
  hub TEXT NOT NULL,
  stash TEXT NOT NULL,
  position INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  PRIMARY KEY (hub, stash, position),
  FOREIGN KEY (hub, stash) REFERENCES stashes (hub, name) ON DELETE CASCADE
);
