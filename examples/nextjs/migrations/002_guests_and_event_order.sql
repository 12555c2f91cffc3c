-- Guests a host invited, and the time of the event behind each media URL, so
-- the newest recording or transcript wins whatever order webhooks arrive in.
CREATE TABLE meeting_guests (
  meeting_id TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
  user_id    TEXT NOT NULL,
  name       TEXT,
  added_at   TEXT NOT NULL,
  PRIMARY KEY (meeting_id, user_id)
);

CREATE INDEX meeting_guests_by_user ON meeting_guests (user_id);
CREATE INDEX meetings_by_host ON meetings (host_user_id);

ALTER TABLE meetings ADD COLUMN transcription_at TEXT;
ALTER TABLE meetings ADD COLUMN recording_at TEXT;
