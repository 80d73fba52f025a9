-- Registry version 5: stash definitions (issue 16). Their entries are not here: the broker appends
-- them in its own transactions, to the store's message log tables. Kept in the registry so that
-- `switchboard stashes` changes reach a running server (it polls the version).

CREATE TABLE stashes (
  hub TEXT COLLATE "C" NOT NULL REFERENCES hubs (name) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  filter TEXT COLLATE "C" NOT NULL,
  max_entries BIGINT NOT NULL,
  max_bytes BIGINT NOT NULL,
  max_age_seconds BIGINT NOT NULL,
  enabled BOOLEAN NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (hub, name)
);

-- The client ids a stash is narrowed to, in the order given; none: every publisher.
CREATE TABLE stash_client_ids (
  hub TEXT COLLATE "C" NOT NULL,
  stash TEXT COLLATE "C" NOT NULL,
  position INTEGER NOT NULL,
  client_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (hub, stash, position),
  FOREIGN KEY (hub, stash) REFERENCES stashes (hub, name) ON DELETE CASCADE
);
