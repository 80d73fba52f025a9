-- Registry version 3: what the HTTP API keeps beside the registry. API keys (only a hash of each
-- secret) belong to a hub, or to the whole server when hub is NULL, and go with their hub. The
-- audit log outlives what it names: its hub is no foreign key.

CREATE TABLE api_keys (
  id TEXT NOT NULL PRIMARY KEY,
  hub TEXT REFERENCES hubs (name) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'viewer')),
  label TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);

CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  source TEXT NOT NULL,
  hub TEXT,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL
);

CREATE INDEX audit_log_by_hub ON audit_log (hub, id);
