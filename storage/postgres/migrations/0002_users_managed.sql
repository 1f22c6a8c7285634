-- Every user has a managing scope (membership is not ownership): the
-- partner or portal that controls the user's identity and credentials, or
-- everything ('*', managed_id the nil UUID). Existing users are managed by
-- the only partner they belong to, else by everything.

ALTER TABLE users
    ADD COLUMN managed_kind text COLLATE "C" NOT NULL DEFAULT '*',
    ADD COLUMN managed_id uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000';

UPDATE users u SET managed_kind = 'partner', managed_id = one.partner_id
FROM (SELECT user_id, min(partner_id::text)::uuid AS partner_id FROM partner_members
      GROUP BY user_id HAVING count(*) = 1) one
WHERE one.user_id = u.id;
