-- Meetings and the Stream webhooks already applied to them.
CREATE TABLE meetings (
  id                TEXT PRIMARY KEY,
  call_id           TEXT NOT NULL UNIQUE,
  host_user_id      TEXT NOT NULL,
  agent_id          TEXT NOT NULL,
  agent_name        TEXT NOT NULL,
  status            TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'active', 'processing')),
  created_at        TEXT NOT NULL,
  started_at        TEXT,
  ended_at          TEXT,
  duration_seconds  INTEGER CHECK (duration_seconds >= 0),
  transcription_url TEXT,
  recording_url     TEXT
);

CREATE TABLE processed_webhooks (
  webhook_id   TEXT PRIMARY KEY,
  event_type   TEXT NOT NULL,
  call_id      TEXT,
  processed_at TEXT NOT NULL
);
