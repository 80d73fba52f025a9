-- Version 3: which cluster node holds each persistent session (its node-name): a node restores
-- only its own at start, and a takeover moves a session from one node to another. NULL on a single
-- broker, and for the sessions it stored before it joined a cluster.

ALTER TABLE sessions ADD COLUMN node TEXT;
CREATE INDEX sessions_by_node ON sessions (node);
