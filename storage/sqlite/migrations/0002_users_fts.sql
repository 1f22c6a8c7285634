-- Substring search over users at scale: an FTS5 index with the trigram
-- tokenizer over the lower-cased columns that search reads. It is an
-- external-content table (content='users'), so it stores only the index,
-- not a second copy of the text; the triggers below keep it in step with
-- users. case_sensitive 1 indexes the stored bytes as they are: the
-- columns are already lower-cased in Go, so a phrase query for a term of
-- three or more characters is the same exact substring test as instr().
-- Shorter terms have no trigram and keep the instr() scan (see sqlite.go).

-- +statement
CREATE VIRTUAL TABLE users_fts USING fts5 (
    first_name_norm, last_name_norm, email_norm,
    content = 'users', content_rowid = 'num',
    tokenize = 'trigram case_sensitive 1'
);

-- +statement
CREATE TRIGGER users_fts_insert AFTER INSERT ON users BEGIN
    INSERT INTO users_fts (rowid, first_name_norm, last_name_norm, email_norm)
    VALUES (new.num, new.first_name_norm, new.last_name_norm, new.email_norm);
END;

-- An external-content index forgets a row by being told its old values.
-- +statement
CREATE TRIGGER users_fts_delete AFTER DELETE ON users BEGIN
    INSERT INTO users_fts (users_fts, rowid, first_name_norm, last_name_norm, email_norm)
    VALUES ('delete', old.num, old.first_name_norm, old.last_name_norm, old.email_norm);
END;

-- Only a change of a searched column re-indexes the row, so logins (which
-- update last_login_at and failed_logins) leave the index alone.
-- +statement
CREATE TRIGGER users_fts_update AFTER UPDATE OF first_name_norm, last_name_norm, email_norm ON users
WHEN old.first_name_norm IS NOT new.first_name_norm
    OR old.last_name_norm IS NOT new.last_name_norm
    OR old.email_norm IS NOT new.email_norm
BEGIN
    INSERT INTO users_fts (users_fts, rowid, first_name_norm, last_name_norm, email_norm)
    VALUES ('delete', old.num, old.first_name_norm, old.last_name_norm, old.email_norm);
    INSERT INTO users_fts (rowid, first_name_norm, last_name_norm, email_norm)
    VALUES (new.num, new.first_name_norm, new.last_name_norm, new.email_norm);
END;

-- Index the users that exist already.
-- +statement
INSERT INTO users_fts (users_fts) VALUES ('rebuild');
