-- Registry version 4: the browser dashboard's dashboards kept on the server, per hub, so that a
-- class shares one. The tiles are MQTT Dash's JSON as the browser sent it. They go with their hub.

CREATE TABLE dashboards (
  hub TEXT NOT NULL REFERENCES hubs (name) ON DELETE CASCADE,
  name TEXT NOT NULL,
  metrics TEXT NOT NULL,
  scripts_allowed BOOLEAN NOT NULL,
  updated_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (hub, name)
);
