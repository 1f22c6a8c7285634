-- The audit log's action filter (storage.EventFilter.Action): an exact
-- action or a family ("users.") is a range of this index; action is
-- COLLATE "C", so the range is by bytes.
CREATE INDEX events_action_idx ON events (action, id);
