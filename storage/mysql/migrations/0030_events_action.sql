-- The audit log's action filter (storage.EventFilter.Action): an exact
-- action or a family ("users.") is a range of this index (utf8mb4_bin: by
-- bytes). action is TEXT, so the index keeps its first 100 characters.
ALTER TABLE events ADD KEY events_action_idx (action(100), id);
