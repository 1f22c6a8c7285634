-- Every user has a managing scope (membership is not ownership): the
-- partner or portal that controls the user's identity and credentials, or
-- everything ('*', managed_id all zero). Existing users are managed by the
-- only partner they belong to, else by everything.

ALTER TABLE users ADD COLUMN managed_kind TEXT NOT NULL DEFAULT '*';

ALTER TABLE users ADD COLUMN managed_id BLOB NOT NULL DEFAULT x'00000000000000000000000000000000';

UPDATE users SET managed_kind = 'partner',
    managed_id = (SELECT pm.partner_id FROM partner_members pm WHERE pm.user_id = users.id)
WHERE (SELECT count(*) FROM partner_members pm WHERE pm.user_id = users.id) = 1;
