-- A search for a term with an '@' and at least six characters before it
-- (a whole email address, typically) finds its candidates through these
-- two indexes (storage/postgres searchIndex). An address holding such a
-- term holds it across its own '@' (when it has only one), so its local
-- part ends with the term's and its domain starts with the term's:
-- users_email_tail_idx keys each address by its last six characters
-- before the first '@' and everything after (COLLATE "C", as the column:
-- by bytes), and the term is a prefix range of it. users_search_at_idx
-- holds the users the key cannot speak for: an '@' in a name, or a
-- second '@' in the address. It is empty in practice.

CREATE INDEX users_email_tail_idx ON users ((substr(email_norm, greatest(strpos(email_norm, '@') - 6, 1))));

CREATE INDEX users_search_at_idx ON users (id) WHERE strpos(first_name_norm, '@') > 0 OR strpos(last_name_norm, '@') > 0 OR strpos(substr(email_norm, strpos(email_norm, '@') + 1), '@') > 0;
