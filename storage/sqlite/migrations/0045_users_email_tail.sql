-- A search for a whole (or partial) email address finds its candidates
-- through these two indexes instead of FTS5 (storage/sqlite searchIndex).
-- An address holding a term that has an '@' holds it across its own '@'
-- (when it has only one), so its local part ends with the term's local
-- part and its domain starts with the term's domain. users_email_tail_idx
-- keys each address by its last six bytes before the first '@' and
-- everything after, as a BLOB (bytes, so that invalid UTF-8 and NULs
-- count the same way as in the term); a term with at least six bytes
-- before its '@' is a prefix range of it. users_search_at_idx holds the
-- users the key cannot speak for: an '@' in a name, or a second '@' in
-- the address. It is empty in practice.

CREATE INDEX users_email_tail_idx ON users (substr(CAST(email_norm AS BLOB), max(instr(CAST(email_norm AS BLOB), x'40') - 6, 1)));

CREATE INDEX users_search_at_idx ON users (num) WHERE instr(first_name_norm, '@') > 0 OR instr(last_name_norm, '@') > 0 OR instr(substr(CAST(email_norm AS BLOB), instr(CAST(email_norm AS BLOB), x'40') + 1), x'40') > 0;
