-- The outbox read (storage.EventLog): events get a sequence number when
-- EventsAfter first reads them after they commit, in the order of one
-- counter row that numbering transactions lock (SELECT ... FOR UPDATE).
-- AUTO_INCREMENT would not do: its values are taken at insert time and
-- transactions commit in any order. Writers leave seq NULL.
ALTER TABLE events ADD COLUMN seq BIGINT NULL, ADD UNIQUE KEY events_seq_idx (seq);
CREATE TABLE IF NOT EXISTS event_log (
    id INT NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
INSERT INTO event_log (id, last_seq) VALUES (1, 0);
