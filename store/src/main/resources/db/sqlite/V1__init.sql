-- Version 1: the broker's durable state (the DurableStore SPI in broker's persist package).
-- No foreign keys: the broker may write a session's messages before (or without) its session row,
-- and deleting a session deletes by client_id in every table.

CREATE TABLE sessions (
  client_id TEXT NOT NULL PRIMARY KEY,
  expiry_seconds INTEGER NOT NULL,
  disconnected_at INTEGER NOT NULL,
  -- The will: all will_* columns are NULL when the session has none.
  will_topic TEXT,
  will_payload BLOB,
  will_qos INTEGER,
  will_retain BOOLEAN,
  will_properties BLOB,
  will_publisher_id TEXT,
  will_expires_at INTEGER,
  will_delay_seconds INTEGER,
  will_message_expiry_seconds INTEGER
);

CREATE TABLE subscriptions (
  client_id TEXT NOT NULL,
  filter_key TEXT NOT NULL,
  qos INTEGER NOT NULL,
  no_local BOOLEAN NOT NULL,
  retain_as_published BOOLEAN NOT NULL,
  retain_handling INTEGER NOT NULL,
  subscription_id INTEGER NOT NULL,
  PRIMARY KEY (client_id, filter_key)
);

CREATE TABLE messages (
  client_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  topic TEXT NOT NULL,
  payload BLOB NOT NULL,
  qos INTEGER NOT NULL,
  retain BOOLEAN NOT NULL,
  properties BLOB,
  publisher_id TEXT,
  expires_at INTEGER NOT NULL,
  -- The matched filters, each as a 4-byte big-endian length and its UTF-8 bytes.
  filter_keys BLOB NOT NULL,
  shared BOOLEAN NOT NULL,
  packet_id INTEGER NOT NULL,
  phase INTEGER NOT NULL,
  PRIMARY KEY (client_id, seq)
);

CREATE TABLE awaiting_pubrel (
  client_id TEXT NOT NULL,
  packet_id INTEGER NOT NULL,
  PRIMARY KEY (client_id, packet_id)
);

CREATE TABLE retained (
  topic TEXT NOT NULL PRIMARY KEY,
  payload BLOB NOT NULL,
  qos INTEGER NOT NULL,
  retain BOOLEAN NOT NULL,
  properties BLOB,
  publisher_id TEXT,
  expires_at INTEGER NOT NULL
);
