-- Stash schema version 1: message logs (what the hub calls stashes), in the store's database.
--
-- One row per log: its counters. Entries of a log are numbered without gaps from
-- next_seq - entries to next_seq - 1: they are only ever dropped oldest first.

CREATE TABLE message_logs (
  hub TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  next_seq BIGINT NOT NULL,
  entries BIGINT NOT NULL,
  bytes BIGINT NOT NULL,
  dropped BIGINT NOT NULL,
  PRIMARY KEY (hub, name)
);

CREATE TABLE log_entries (
  hub TEXT COLLATE "C" NOT NULL,
  log TEXT COLLATE "C" NOT NULL,
  seq BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  client_id TEXT COLLATE "C" NOT NULL,
  username TEXT COLLATE "C",
  address TEXT,
  topic TEXT COLLATE "C" NOT NULL,
  qos INTEGER NOT NULL,
  retain BOOLEAN NOT NULL,
  properties BYTEA,
  payload BYTEA NOT NULL,
  PRIMARY KEY (hub, log, seq)
);

CREATE INDEX log_entries_received ON log_entries (hub, log, received_at);
