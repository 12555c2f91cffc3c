-- How many events were applied to each meeting: the scale test compares it
-- with the processed webhooks to prove no event was applied twice.
ALTER TABLE meetings ADD COLUMN events_applied INTEGER NOT NULL DEFAULT 0;
