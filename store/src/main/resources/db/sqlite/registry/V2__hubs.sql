-- Registry version 2: hubs (tenants) and their administrators. Every device and rule belongs to one
-- hub; a client id and a user name are unique within their hub. What version 1 held moves into hub
-- 'default'. SQLite cannot change a primary key in place, so the device tables are built anew,
-- filled from the old ones, and take their names (renaming a table rewrites the foreign keys that
-- name it). Children are dropped before their parents: with foreign keys on, dropping a parent
-- first would cascade into them.

-- Limits: 0 means none of the hub's own.
CREATE TABLE hubs (
  name TEXT NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 32),
  display_name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
  max_devices INTEGER NOT NULL CHECK (max_devices >= 0),
  max_connections INTEGER NOT NULL CHECK (max_connections >= 0),
  max_message_size INTEGER NOT NULL CHECK (max_message_size >= 0),
  max_retained INTEGER NOT NULL CHECK (max_retained >= 0),
  max_queued_messages INTEGER NOT NULL CHECK (max_queued_messages >= 0),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

INSERT INTO hubs VALUES ('default', 'default', 'active', 0, 0, 0, 0, 0,
  CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);

CREATE TABLE hub_devices (
  hub TEXT NOT NULL REFERENCES hubs (name) ON DELETE CASCADE,
  client_id TEXT NOT NULL,
  username TEXT NOT NULL,
  password_hash TEXT,
  enabled BOOLEAN NOT NULL,
  replace_policy TEXT NOT NULL CHECK (replace_policy IN ('replace', 'reject')),
  strict_client_id BOOLEAN NOT NULL,
  subscriptions_frozen BOOLEAN NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (hub, client_id),
  UNIQUE (hub, username)
);

CREATE TABLE hub_device_subscriptions (
  hub TEXT NOT NULL,
  client_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  filter TEXT NOT NULL,
  qos INTEGER NOT NULL CHECK (qos BETWEEN 0 AND 2),
  no_local BOOLEAN NOT NULL,
  retain_as_published BOOLEAN NOT NULL,
  retain_handling INTEGER NOT NULL CHECK (retain_handling BETWEEN 0 AND 2),
  PRIMARY KEY (hub, client_id, position),
  FOREIGN KEY (hub, client_id) REFERENCES hub_devices (hub, client_id) ON DELETE CASCADE
);

CREATE TABLE hub_device_sources (
  hub TEXT NOT NULL,
  client_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  cidr TEXT NOT NULL,
  PRIMARY KEY (hub, client_id, position),
  FOREIGN KEY (hub, client_id) REFERENCES hub_devices (hub, client_id) ON DELETE CASCADE
);

-- A NULL client_id (a global rule of the hub) leaves the device key unchecked, as SQL does.
CREATE TABLE hub_access_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  hub TEXT NOT NULL REFERENCES hubs (name) ON DELETE CASCADE,
  client_id TEXT,
  priority INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('allow', 'deny', 'continue')),
  operation TEXT NOT NULL CHECK (operation IN ('publish', 'subscribe', 'all')),
  filter TEXT NOT NULL,
  label TEXT NOT NULL,
  FOREIGN KEY (hub, client_id) REFERENCES hub_devices (hub, client_id) ON DELETE CASCADE
);

INSERT INTO hub_devices
  SELECT 'default', client_id, username, password_hash, enabled, replace_policy, strict_client_id,
    subscriptions_frozen, created_at, updated_at FROM devices;
INSERT INTO hub_device_subscriptions
  SELECT 'default', client_id, position, filter, qos, no_local, retain_as_published,
    retain_handling FROM device_subscriptions;
INSERT INTO hub_device_sources SELECT 'default', client_id, position, cidr FROM device_sources;
INSERT INTO hub_access_rules
  SELECT id, 'default', client_id, priority, action, operation, filter, label FROM access_rules;

-- Ids of removed rules are never given again: the new table goes on from where the old one was.
DELETE FROM sqlite_sequence WHERE name = 'hub_access_rules';
INSERT INTO sqlite_sequence (name, seq)
  SELECT 'hub_access_rules', seq FROM sqlite_sequence WHERE name = 'access_rules';

DROP INDEX access_rules_by_client;
DROP TABLE access_rules;
DROP TABLE device_sources;
DROP TABLE device_subscriptions;
DROP TABLE devices;

ALTER TABLE hub_devices RENAME TO devices;
ALTER TABLE hub_device_subscriptions RENAME TO device_subscriptions;
ALTER TABLE hub_device_sources RENAME TO device_sources;
ALTER TABLE hub_access_rules RENAME TO access_rules;

CREATE INDEX access_rules_by_client ON access_rules (hub, client_id, priority, id);
CREATE INDEX devices_by_username ON devices (username);

-- Server administrators (hub NULL) and hub administrators. Passwords are PHC strings.
CREATE TABLE administrators (
  name TEXT NOT NULL PRIMARY KEY,
  hub TEXT REFERENCES hubs (name) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
  password_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
