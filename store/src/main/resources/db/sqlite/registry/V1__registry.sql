-- Registry version 1: the devices that may connect and the access rules.
-- The registry is a file of its own (registry.db) beside the broker's state file, which the broker
-- locks exclusively: 'switchboard devices' edits this one while the broker runs.
-- Text compares byte for byte (SQLite's BINARY collation); enums are lower-case text, checked.

CREATE TABLE devices (
  client_id TEXT NOT NULL PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  -- A PHC string ($argon2id$..., $pbkdf2-sha256$...), never a password; NULL when it has none.
  password_hash TEXT,
  enabled BOOLEAN NOT NULL,
  replace_policy TEXT NOT NULL CHECK (replace_policy IN ('replace', 'reject')),
  strict_client_id BOOLEAN NOT NULL,
  subscriptions_frozen BOOLEAN NOT NULL,
  -- Milliseconds since the epoch.
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

-- The subscriptions an admin set, in the order given.
CREATE TABLE device_subscriptions (
  client_id TEXT NOT NULL REFERENCES devices (client_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  filter TEXT NOT NULL,
  qos INTEGER NOT NULL CHECK (qos BETWEEN 0 AND 2),
  no_local BOOLEAN NOT NULL,
  retain_as_published BOOLEAN NOT NULL,
  retain_handling INTEGER NOT NULL CHECK (retain_handling BETWEEN 0 AND 2),
  PRIMARY KEY (client_id, position)
);

-- The address blocks a device may connect from, as address/prefix; none means anywhere.
CREATE TABLE device_sources (
  client_id TEXT NOT NULL REFERENCES devices (client_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  cidr TEXT NOT NULL,
  PRIMARY KEY (client_id, position)
);

-- AUTOINCREMENT: the id of a removed rule is never given to a new one.
CREATE TABLE access_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  -- NULL: a global rule, for every client.
  client_id TEXT REFERENCES devices (client_id) ON DELETE CASCADE,
  priority INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('allow', 'deny', 'continue')),
  operation TEXT NOT NULL CHECK (operation IN ('publish', 'subscribe', 'all')),
  filter TEXT NOT NULL,
  label TEXT NOT NULL
);

CREATE INDEX access_rules_by_client ON access_rules (client_id, priority, id);

-- One row; its version goes up in the transaction of every change, and the broker polls it.
CREATE TABLE registry_version (
  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);

INSERT INTO registry_version (id, version) VALUES (1, 0);
