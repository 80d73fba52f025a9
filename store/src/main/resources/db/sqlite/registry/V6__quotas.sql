-- Registry version 6: quotas (issue 16). A hub's measurer size and the limits its devices have by
-- default; a device's own limits (NULL: its hub's); and the day and month counts the server saves
-- every few seconds so that they survive a restart (saving them does not move registry_version).
-- 0 means no limit.

CREATE TABLE hub_quotas (
  hub TEXT NOT NULL PRIMARY KEY REFERENCES hubs (name) ON DELETE CASCADE,
  measurer_size INTEGER NOT NULL CHECK (measurer_size >= 0),
  max_message_size INTEGER NOT NULL CHECK (max_message_size >= 0),
  per_minute INTEGER NOT NULL CHECK (per_minute >= 0),
  per_hour INTEGER NOT NULL CHECK (per_hour >= 0),
  per_day INTEGER NOT NULL CHECK (per_day >= 0),
  per_month INTEGER NOT NULL CHECK (per_month >= 0),
  disconnect BOOLEAN NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE device_quotas (
  hub TEXT NOT NULL,
  client_id TEXT NOT NULL,
  max_message_size INTEGER CHECK (max_message_size >= 0),
  per_minute INTEGER CHECK (per_minute >= 0),
  per_hour INTEGER CHECK (per_hour >= 0),
  per_day INTEGER CHECK (per_day >= 0),
  per_month INTEGER CHECK (per_month >= 0),
  disconnect BOOLEAN,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (hub, client_id),
  FOREIGN KEY (hub, client_id) REFERENCES devices (hub, client_id) ON DELETE CASCADE
);

CREATE TABLE quota_counters (
  hub TEXT NOT NULL,
  client_id TEXT NOT NULL,
  span TEXT NOT NULL CHECK (span IN ('day', 'month')),
  window_start INTEGER NOT NULL,
  used INTEGER NOT NULL CHECK (used >= 0),
  PRIMARY KEY (hub, client_id, span),
  FOREIGN KEY (hub, client_id) REFERENCES devices (hub, client_id) ON DELETE CASCADE
);
