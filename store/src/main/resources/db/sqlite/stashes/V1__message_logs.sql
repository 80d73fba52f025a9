-- Stash schema version 1: message logs (what the hub calls stashes), in a file of their own
-- (stashes.db) that the broker attaches to its state connection with normal locking, so that
-- `switchboard stashes` can read and clear them while the broker runs.
--
-- One row per log: its counters. Entries of a log are numbered without gaps from
-- next_seq - entries to next_seq - 1: they are only ever dropped oldest first.

CREATE TABLE message_logs (
  hub TEXT NOT NULL,
  name TEXT NOT NULL,
  next_seq INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  bytes INTEGER NOT NULL,
  dropped INTEGER NOT NULL,
  PRIMARY KEY (hub, name)
);

CREATE TABLE log_entries (
  hub TEXT NOT NULL,
  log TEXT NOT NULL,
  seq INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  client_id TEXT NOT NULL,
  username TEXT,
  address TEXT,
  topic TEXT NOT NULL,
  qos INTEGER NOT NULL,
  retain BOOLEAN NOT NULL,
  properties BLOB,
  payload BLOB NOT NULL,
  PRIMARY KEY (hub, log, seq)
);

CREATE INDEX log_entries_received ON log_entries (hub, log, received_at);
