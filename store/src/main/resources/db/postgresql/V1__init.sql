-- Version 1: the broker's durable state (the DurableStore SPI in broker's persist package).
-- No foreign keys: the broker may write a session's messages before (or without) its session row,
-- and deleting a session deletes by client_id in every table.
-- Text keys use the "C" collation: byte order of UTF-8, the order SQLite uses, so both stores load
-- (and export) rows in the same order whatever the database's locale.

CREATE TABLE sessions (
  client_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  expiry_seconds BIGINT NOT NULL,
  disconnected_at BIGINT NOT NULL,
  -- The will: all will_* columns are NULL when the session has none.
  will_topic TEXT,
  will_payload BYTEA,
  will_qos INTEGER,
  will_retain BOOLEAN,
  will_properties BYTEA,
  will_publisher_id TEXT,
  will_expires_at BIGINT,
  will_delay_seconds BIGINT,
  will_message_expiry_seconds BIGINT
);

CREATE TABLE subscriptions (
  client_id TEXT COLLATE "C" NOT NULL,
  filter_key TEXT COLLATE "C" NOT NULL,
  qos INTEGER NOT NULL,
  no_local BOOLEAN NOT NULL,
  retain_as_published BOOLEAN NOT NULL,
  retain_handling INTEGER NOT NULL,
  subscription_id INTEGER NOT NULL,
  PRIMARY KEY (client_id, filter_key)
);

CREATE TABLE messages (
  client_id TEXT COLLATE "C" NOT NULL,
  seq BIGINT NOT NULL,
  topic TEXT NOT NULL,
  payload BYTEA NOT NULL,
  qos INTEGER NOT NULL,
  retain BOOLEAN NOT NULL,
  properties BYTEA,
  publisher_id TEXT,
  expires_at BIGINT NOT NULL,
  -- The matched filters, each as a 4-byte big-endian length and its UTF-8 bytes.
  filter_keys BYTEA NOT NULL,
  shared BOOLEAN NOT NULL,
  packet_id INTEGER NOT NULL,
  phase INTEGER NOT NULL,
  PRIMARY KEY (client_id, seq)
);

CREATE TABLE awaiting_pubrel (
  client_id TEXT COLLATE "C" NOT NULL,
  packet_id INTEGER NOT NULL,
  PRIMARY KEY (client_id, packet_id)
);

CREATE TABLE retained (
  topic TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  payload BYTEA NOT NULL,
  qos INTEGER NOT NULL,
  retain BOOLEAN NOT NULL,
  properties BYTEA,
  publisher_id TEXT,
  expires_at BIGINT NOT NULL
);
