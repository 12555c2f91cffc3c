-- Who joined and left each meeting's call, one row per participant session
-- (a user who joins twice has two), from Stream's participant webhooks. Either
-- event may arrive first; each fills in its own column.
CREATE TABLE meeting_participants (
  meeting_id      TEXT NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
  user_session_id TEXT NOT NULL,
  user_id         TEXT NOT NULL,
  joined_at       TEXT,
  left_at         TEXT,
  PRIMARY KEY (meeting_id, user_session_id)
);
