-- Registry version 1: the devices that may connect and the access rules.
-- On PostgreSQL the registry lives in the store's database, beside the broker's tables.
-- Text that is compared or ordered uses the "C" collation: byte order of UTF-8, as SQLite compares,
-- so the same names are equal (and listed in the same order) on both. Enums are lower-case text,
-- checked.

CREATE TABLE devices (
  client_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  username TEXT COLLATE "C" NOT NULL UNIQUE,
  -- A PHC string ($argon2id$..., $pbkdf2-sha256$...), never a password; NULL when it has none.
  password_hash TEXT COLLATE "C",
  enabled BOOLEAN NOT NULL,
  replace_policy TEXT NOT NULL CHECK (replace_policy IN ('replace', 'reject')),
  strict_client_id BOOLEAN NOT NULL,
  subscriptions_frozen BOOLEAN NOT NULL,
  -- Milliseconds since the epoch.
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- The subscriptions an admin set, in the order given.
CREATE TABLE device_subscriptions (
  client_id TEXT COLLATE "C" NOT NULL REFERENCES devices (client_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  filter TEXT COLLATE "C" NOT NULL,
  qos INTEGER NOT NULL CHECK (qos BETWEEN 0 AND 2),
  no_local BOOLEAN NOT NULL,
  retain_as_published BOOLEAN NOT NULL,
  retain_handling INTEGER NOT NULL CHECK (retain_handling BETWEEN 0 AND 2),
  PRIMARY KEY (client_id, position)
);

-- The address blocks a device may connect from, as address/prefix; none means anywhere.
CREATE TABLE device_sources (
  client_id TEXT COLLATE "C" NOT NULL REFERENCES devices (client_id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  cidr TEXT NOT NULL,
  PRIMARY KEY (client_id, position)
);

-- An identity: the id of a removed rule is never given to a new one.
CREATE TABLE access_rules (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- NULL: a global rule, for every client.
  client_id TEXT COLLATE "C" REFERENCES devices (client_id) ON DELETE CASCADE,
  priority INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('allow', 'deny', 'continue')),
  operation TEXT NOT NULL CHECK (operation IN ('publish', 'subscribe', 'all')),
  filter TEXT COLLATE "C" NOT NULL,
  label TEXT NOT NULL
);

CREATE INDEX access_rules_by_client ON access_rules (client_id, priority, id);

-- One row; its version goes up in the transaction of every change, and the broker polls it.
CREATE TABLE registry_version (
  id INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  version BIGINT NOT NULL
);

INSERT INTO registry_version (id, version) VALUES (1, 0);
