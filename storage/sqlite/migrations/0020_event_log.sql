-- The outbox read (storage.EventLog): events get a sequence number when
-- EventsAfter first reads them after they commit, in the order of one
-- counter row that numbering transactions lock. Writers leave seq NULL.
ALTER TABLE events ADD COLUMN seq INTEGER;
CREATE UNIQUE INDEX events_seq_idx ON events (seq);
CREATE TABLE event_log (
    id INTEGER NOT NULL PRIMARY KEY,
    last_seq INTEGER NOT NULL
) STRICT;
INSERT INTO event_log (id, last_seq) VALUES (1, 0);
