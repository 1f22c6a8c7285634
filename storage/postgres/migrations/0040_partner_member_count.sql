-- Each partner's number of members, kept by the store in the transaction
-- that adds or removes a membership, so that a partner's user list gets
-- its exact total from one row instead of counting the members (issue 9).
-- Existing partners are counted once here.

ALTER TABLE partners ADD COLUMN member_count bigint NOT NULL DEFAULT 0;

UPDATE partners p SET member_count = (SELECT count(*) FROM partner_members pm WHERE pm.partner_id = p.id);
