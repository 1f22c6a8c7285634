-- userkit schema for SQLite. STRICT tables; UUIDs are 16-byte BLOBs (byte
-- order is UUIDv7 creation order); times are UTC text
-- 'YYYY-MM-DD HH:MM:SS.ffffff', which sorts as time; booleans are 0/1.
-- Text compares with SQLite's default BINARY collation, which is byte order
-- and Go's string order. Users, partners and teams are keyed by their Num
-- (INTEGER PRIMARY KEY AUTOINCREMENT, never reused) with a unique index on
-- the UUID, which keyset paging walks.

CREATE TABLE users (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id BLOB NOT NULL UNIQUE,
    email TEXT NOT NULL,
    email_norm TEXT NOT NULL UNIQUE,
    first_name TEXT NOT NULL,
    first_name_norm TEXT NOT NULL,
    last_name TEXT NOT NULL,
    last_name_norm TEXT NOT NULL,
    login_name TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    role TEXT NOT NULL,
    provider TEXT NOT NULL,
    locale TEXT NOT NULL,
    timezone TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    department TEXT NOT NULL,
    phone_land TEXT NOT NULL,
    phone_mobile TEXT NOT NULL,
    date_of_birth TEXT,
    must_reset_password INTEGER NOT NULL,
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL,
    last_login_at TEXT,
    token_version INTEGER NOT NULL,
    api_token_created_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
) STRICT;

CREATE INDEX users_status_id_idx ON users (status, id);

CREATE TABLE partners (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id BLOB NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
) STRICT;

-- seq is the rowid: it grows with every insert, so it orders joins that
-- share a created_at.
CREATE TABLE partner_members (
    seq INTEGER PRIMARY KEY,
    partner_id BLOB NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    UNIQUE (partner_id, user_id)
) STRICT;

CREATE INDEX partner_members_user_idx ON partner_members (user_id, partner_id);

CREATE TABLE teams (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id BLOB NOT NULL UNIQUE,
    partner_id BLOB NOT NULL REFERENCES partners (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    is_default INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
) STRICT;

CREATE INDEX teams_partner_idx ON teams (partner_id, id);

CREATE TABLE team_members (
    seq INTEGER PRIMARY KEY,
    team_id BLOB NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    UNIQUE (team_id, user_id)
) STRICT;

CREATE INDEX team_members_user_idx ON team_members (user_id, team_id);

CREATE TABLE portals (
    id BLOB NOT NULL PRIMARY KEY,
    partner_id BLOB REFERENCES partners (id) ON DELETE SET NULL,
    name TEXT NOT NULL,
    technical_name TEXT NOT NULL UNIQUE,
    default_locale TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
) STRICT;

CREATE INDEX portals_partner_idx ON portals (partner_id, id);

CREATE TABLE portal_roles (
    id BLOB NOT NULL PRIMARY KEY,
    portal_id BLOB NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    is_system INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (portal_id, name),
    UNIQUE (portal_id, id)
) STRICT;

CREATE TABLE attributes (
    id BLOB NOT NULL PRIMARY KEY,
    portal_id BLOB NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    label TEXT NOT NULL,
    type TEXT NOT NULL,
    allow_multiple_values INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (portal_id, name),
    UNIQUE (portal_id, id)
) STRICT;

CREATE TABLE portal_members (
    id BLOB NOT NULL PRIMARY KEY,
    portal_id BLOB NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    locale TEXT NOT NULL,
    last_login_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    UNIQUE (portal_id, user_id)
) STRICT;

CREATE INDEX portal_members_portal_idx ON portal_members (portal_id, id);
CREATE INDEX portal_members_user_idx ON portal_members (user_id, id);

-- A member's roles in the order given. The composite foreign key keeps them
-- to the member's own portal and drops them with the role.
CREATE TABLE portal_member_roles (
    member_id BLOB NOT NULL REFERENCES portal_members (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    portal_id BLOB NOT NULL,
    role_id BLOB NOT NULL,
    PRIMARY KEY (member_id, position),
    FOREIGN KEY (portal_id, role_id) REFERENCES portal_roles (portal_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX portal_member_roles_role_idx ON portal_member_roles (portal_id, role_id);

CREATE TABLE portal_member_attrs (
    member_id BLOB NOT NULL REFERENCES portal_members (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    portal_id BLOB NOT NULL,
    attribute_id BLOB NOT NULL,
    PRIMARY KEY (member_id, position),
    FOREIGN KEY (portal_id, attribute_id) REFERENCES attributes (portal_id, id) ON DELETE CASCADE
) STRICT;

CREATE INDEX portal_member_attrs_attr_idx ON portal_member_attrs (portal_id, attribute_id);

CREATE TABLE portal_member_values (
    member_id BLOB NOT NULL,
    position INTEGER NOT NULL,
    value_pos INTEGER NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (member_id, position, value_pos),
    FOREIGN KEY (member_id, position) REFERENCES portal_member_attrs (member_id, position) ON DELETE CASCADE
) STRICT;

CREATE TABLE resources (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
) STRICT;

CREATE TABLE resource_roles (
    user_id BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    resource_id TEXT NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, resource_id)
) STRICT;

CREATE INDEX resource_roles_resource_idx ON resource_roles (resource_id, user_id);

CREATE TABLE service_accounts (
    id BLOB NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
) STRICT;

-- A principal is a user or a service account, so it has no foreign key;
-- the store deletes grants with their principal. scope_id is the zero UUID
-- for "*" grants, so the unique key covers them.
CREATE TABLE grants (
    id BLOB NOT NULL PRIMARY KEY,
    principal_id BLOB NOT NULL,
    action TEXT NOT NULL,
    scope_kind TEXT NOT NULL,
    scope_id BLOB NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (principal_id, action, scope_kind, scope_id)
) STRICT;

CREATE INDEX grants_principal_idx ON grants (principal_id, id);

CREATE TABLE api_keys (
    id BLOB NOT NULL PRIMARY KEY,
    service_account_id BLOB NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
    prefix TEXT NOT NULL,
    hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT,
    revoked_at TEXT
) STRICT;

CREATE INDEX api_keys_account_idx ON api_keys (service_account_id, id);

CREATE TABLE events (
    id BLOB NOT NULL PRIMARY KEY,
    time TEXT NOT NULL,
    principal_kind TEXT NOT NULL,
    principal_id BLOB NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    partner_id BLOB
) STRICT;

CREATE INDEX events_partner_idx ON events (partner_id, id);
CREATE INDEX events_target_idx ON events (target_id, id);

CREATE TABLE settings (
    name TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
