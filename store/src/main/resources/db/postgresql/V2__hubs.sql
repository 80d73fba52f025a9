-- Version 2: hubs. A session is keyed by its hub and client id (device_1 in two hubs are two
-- sessions), a retained message by its hub and topic. What version 1 held belongs to hub 'default'.

ALTER TABLE sessions ADD COLUMN hub TEXT COLLATE "C" NOT NULL DEFAULT 'default';
ALTER TABLE sessions DROP CONSTRAINT sessions_pkey;
ALTER TABLE sessions ADD PRIMARY KEY (hub, client_id);

ALTER TABLE subscriptions ADD COLUMN hub TEXT COLLATE "C" NOT NULL DEFAULT 'default';
ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_pkey;
ALTER TABLE subscriptions ADD PRIMARY KEY (hub, client_id, filter_key);

ALTER TABLE messages ADD COLUMN hub TEXT COLLATE "C" NOT NULL DEFAULT 'default';
ALTER TABLE messages DROP CONSTRAINT messages_pkey;
ALTER TABLE messages ADD PRIMARY KEY (hub, client_id, seq);

ALTER TABLE awaiting_pubrel ADD COLUMN hub TEXT COLLATE "C" NOT NULL DEFAULT 'default';
ALTER TABLE awaiting_pubrel DROP CONSTRAINT awaiting_pubrel_pkey;
ALTER TABLE awaiting_pubrel ADD PRIMARY KEY (hub, client_id, packet_id);

ALTER TABLE retained ADD COLUMN hub TEXT COLLATE "C" NOT NULL DEFAULT 'default';
ALTER TABLE retained DROP CONSTRAINT retained_pkey;
ALTER TABLE retained ADD PRIMARY KEY (hub, topic);
