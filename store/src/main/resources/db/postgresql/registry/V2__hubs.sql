-- Registry version 2: hubs (tenants) and their administrators. Every device and rule belongs to one
-- hub; a client id and a user name are unique within their hub. What version 1 held moves into hub
-- 'default': a column 'hub' is added to each table, and the keys that named a client id alone name
-- the hub and the client id.

-- Limits: 0 means none of the hub's own.
CREATE TABLE hubs (
  name TEXT COLLATE "C" NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 32),
  display_name TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
  max_devices INTEGER NOT NULL CHECK (max_devices >= 0),
  max_connections INTEGER NOT NULL CHECK (max_connections >= 0),
  max_message_size INTEGER NOT NULL CHECK (max_message_size >= 0),
  max_retained INTEGER NOT NULL CHECK (max_retained >= 0),
  max_queued_messages INTEGER NOT NULL CHECK (max_queued_messages >= 0),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

INSERT INTO hubs VALUES ('default', 'default', 'active', 0, 0, 0, 0, 0,
  (extract(epoch FROM now()) * 1000)::BIGINT, (extract(epoch FROM now()) * 1000)::BIGINT);

ALTER TABLE device_subscriptions DROP CONSTRAINT device_subscriptions_client_id_fkey;
ALTER TABLE device_sources DROP CONSTRAINT device_sources_client_id_fkey;
ALTER TABLE access_rules DROP CONSTRAINT access_rules_client_id_fkey;

ALTER TABLE devices ADD COLUMN hub TEXT COLLATE "C" NOT NULL DEFAULT 'default'
  REFERENCES hubs (name) ON DELETE CASCADE;
ALTER TABLE devices ALTER COLUMN hub DROP DEFAULT;
ALTER TABLE devices DROP CONSTRAINT devices_pkey;
ALTER TABLE devices DROP CONSTRAINT devices_username_key;
ALTER TABLE devices ADD PRIMARY KEY (hub, client_id);
ALTER TABLE devices ADD UNIQUE (hub, username);
CREATE INDEX devices_by_username ON devices (username);

ALTER TABLE device_subscriptions ADD COLUMN hub TEXT COLLATE "C" NOT NULL DEFAULT 'default';
ALTER TABLE device_subscriptions ALTER COLUMN hub DROP DEFAULT;
ALTER TABLE device_subscriptions DROP CONSTRAINT device_subscriptions_pkey;
ALTER TABLE device_subscriptions ADD PRIMARY KEY (hub, client_id, position);
ALTER TABLE device_subscriptions ADD FOREIGN KEY (hub, client_id)
  REFERENCES devices (hub, client_id) ON DELETE CASCADE;

ALTER TABLE device_sources ADD COLUMN hub TEXT COLLATE "C" NOT NULL DEFAULT 'default';
ALTER TABLE device_sources ALTER COLUMN hub DROP DEFAULT;
ALTER TABLE device_sources DROP CONSTRAINT device_sources_pkey;
ALTER TABLE device_sources ADD PRIMARY KEY (hub, client_id, position);
ALTER TABLE device_sources ADD FOREIGN KEY (hub, client_id)
  REFERENCES devices (hub, client_id) ON DELETE CASCADE;

-- A NULL client_id (a global rule of the hub) leaves the device key unchecked (MATCH SIMPLE).
ALTER TABLE access_rules ADD COLUMN hub TEXT COLLATE "C" NOT NULL DEFAULT 'default'
  REFERENCES hubs (name) ON DELETE CASCADE;
ALTER TABLE access_rules ALTER COLUMN hub DROP DEFAULT;
ALTER TABLE access_rules ADD FOREIGN KEY (hub, client_id)
  REFERENCES devices (hub, client_id) ON DELETE CASCADE;
DROP INDEX access_rules_by_client;
CREATE INDEX access_rules_by_client ON access_rules (hub, client_id, priority, id);

-- Server administrators (hub NULL) and hub administrators. Passwords are PHC strings.
CREATE TABLE administrators (
  name TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  hub TEXT COLLATE "C" REFERENCES hubs (name) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
