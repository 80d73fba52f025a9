-- Version 2: hubs. A session is keyed by its hub and client id (device_1 in two hubs are two
-- sessions), a retained message by its hub and topic. What version 1 held belongs to hub 'default'.
-- SQLite cannot change a primary key in place: each table is built anew with the column, filled
-- from the old one, and takes its name.

CREATE TABLE sessions_v2 (
  hub TEXT NOT NULL DEFAULT 'default',
  client_id TEXT NOT NULL,
  expiry_seconds INTEGER NOT NULL,
  disconnected_at INTEGER NOT NULL,
  will_topic TEXT,
  will_payload BLOB,
  will_qos INTEGER,
  will_retain BOOLEAN,
  will_properties BLOB,
  will_publisher_id TEXT,
  will_expires_at INTEGER,
  will_delay_seconds INTEGER,
  will_message_expiry_seconds INTEGER,
  PRIMARY KEY (hub, client_id)
);
INSERT INTO sessions_v2 (client_id, expiry_seconds, disconnected_at, will_topic, will_payload,
    will_qos, will_retain, will_properties, will_publisher_id, will_expires_at, will_delay_seconds,
    will_message_expiry_seconds)
  SELECT client_id, expiry_seconds, disconnected_at, will_topic, will_payload, will_qos,
    will_retain, will_properties, will_publisher_id, will_expires_at, will_delay_seconds,
    will_message_expiry_seconds FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_v2 RENAME TO sessions;

CREATE TABLE subscriptions_v2 (
  hub TEXT NOT NULL DEFAULT 'default',
  client_id TEXT NOT NULL,
  filter_key TEXT NOT NULL,
  qos INTEGER NOT NULL,
  no_local BOOLEAN NOT NULL,
  retain_as_published BOOLEAN NOT NULL,
  retain_handling INTEGER NOT NULL,
  subscription_id INTEGER NOT NULL,
  PRIMARY KEY (hub, client_id, filter_key)
);
INSERT INTO subscriptions_v2 (client_id, filter_key, qos, no_local, retain_as_published,
    retain_handling, subscription_id)
  SELECT client_id, filter_key, qos, no_local, retain_as_published, retain_handling,
    subscription_id FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_v2 RENAME TO subscriptions;

CREATE TABLE messages_v2 (
  hub TEXT NOT NULL DEFAULT 'default',
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
  PRIMARY KEY (hub, client_id, seq)
);
INSERT INTO messages_v2 (client_id, seq, topic, payload, qos, retain, properties, publisher_id,
    expires_at, filter_keys, shared, packet_id, phase)
  SELECT client_id, seq, topic, payload, qos, retain, properties, publisher_id, expires_at,
    filter_keys, shared, packet_id, phase FROM messages;
DROP TABLE messages;
ALTER TABLE messages_v2 RENAME TO messages;

CREATE TABLE awaiting_pubrel_v2 (
  hub TEXT NOT NULL DEFAULT 'default',
  client_id TEXT NOT NULL,
  packet_id INTEGER NOT NULL,
  PRIMARY KEY (hub, client_id, packet_id)
);
INSERT INTO awaiting_pubrel_v2 (client_id, packet_id)
  SELECT client_id, packet_id FROM awaiting_pubrel;
DROP TABLE awaiting_pubrel;
ALTER TABLE awaiting_pubrel_v2 RENAME TO awaiting_pubrel;

CREATE TABLE retained_v2 (
  hub TEXT NOT NULL DEFAULT 'default',
  topic TEXT NOT NULL,
  payload BLOB NOT NULL,
  qos INTEGER NOT NULL,
  retain BOOLEAN NOT NULL,
  properties BLOB,
  publisher_id TEXT,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (hub, topic)
);
INSERT INTO retained_v2 (topic, payload, qos, retain, properties, publisher_id, expires_at)
  SELECT topic, payload, qos, retain, properties, publisher_id, expires_at FROM retained;
DROP TABLE retained;
ALTER TABLE retained_v2 RENAME TO retained;
