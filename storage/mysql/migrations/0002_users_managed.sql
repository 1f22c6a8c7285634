-- Every user has a managing scope (membership is not ownership): the
-- partner or portal that controls the user's identity and credentials, or
-- everything ('*', managed_id all zero bytes). Existing users are managed
-- by the only partner they belong to, else by everything. Both columns are
-- added by one ALTER (DDL commits implicitly here); the backfill is
-- idempotent.

ALTER TABLE users
    ADD COLUMN managed_kind VARBINARY(64) NOT NULL DEFAULT '*',
    ADD COLUMN managed_id BINARY(16) NOT NULL DEFAULT 0x00000000000000000000000000000000;

UPDATE users u
JOIN (SELECT user_id, MIN(partner_id) AS partner_id FROM partner_members
      GROUP BY user_id HAVING COUNT(*) = 1) one ON one.user_id = u.id
SET u.managed_kind = 'partner', u.managed_id = one.partner_id;
