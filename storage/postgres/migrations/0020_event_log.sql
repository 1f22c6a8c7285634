-- The outbox read (storage.EventLog): events get a sequence number when
-- EventsAfter first reads them after they commit, in the order of one
-- counter row that numbering transactions lock (SELECT ... FOR UPDATE), so
-- numbers are handed out in commit order of the numbering transactions.
-- A bigserial would not do: its values are taken at insert time and
-- transactions commit in any order. Writers leave seq NULL.
ALTER TABLE events ADD COLUMN seq bigint;
CREATE UNIQUE INDEX events_seq_idx ON events (seq);
CREATE INDEX events_unnumbered_idx ON events (id) WHERE seq IS NULL;
CREATE TABLE event_log (
    id integer PRIMARY KEY,
    last_seq bigint NOT NULL
);
INSERT INTO event_log (id, last_seq) VALUES (1, 0);
