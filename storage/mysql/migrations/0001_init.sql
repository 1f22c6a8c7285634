-- userkit schema for MySQL 8 and MariaDB 10.11. UUIDs are BINARY(16)
-- (byte order is UUIDv7 creation order); times are DATETIME(6) holding UTC.
-- Every column that is compared, ordered or unique is VARBINARY: byte
-- equality and byte order (Go's string order) with no collation, no
-- PAD SPACE and no case or accent folding, on both servers. Display-only
-- text is utf8mb4 TEXT. The *_norm columns hold lower-cased text for
-- search. DDL commits implicitly here, so every statement is idempotent
-- (IF NOT EXISTS) and indexes are declared inside CREATE TABLE.

CREATE TABLE IF NOT EXISTS users (
    id BINARY(16) NOT NULL,
    num BIGINT NOT NULL AUTO_INCREMENT,
    email TEXT NOT NULL,
    email_norm VARBINARY(1020) NOT NULL,
    first_name TEXT NOT NULL,
    first_name_norm BLOB NOT NULL,
    last_name TEXT NOT NULL,
    last_name_norm BLOB NOT NULL,
    login_name VARBINARY(1020) NOT NULL,
    status VARBINARY(64) NOT NULL,
    role TEXT NOT NULL,
    provider TEXT NOT NULL,
    locale TEXT NOT NULL,
    timezone TEXT NOT NULL,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    department TEXT NOT NULL,
    phone_land TEXT NOT NULL,
    phone_mobile TEXT NOT NULL,
    date_of_birth DATETIME(6) NULL,
    must_reset_password BOOLEAN NOT NULL,
    password_hash TEXT NOT NULL,
    failed_logins INT NOT NULL,
    last_login_at DATETIME(6) NULL,
    token_version BIGINT NOT NULL,
    api_token_created_at DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY users_num_key (num),
    UNIQUE KEY users_email_norm_key (email_norm),
    UNIQUE KEY users_login_name_key (login_name),
    KEY users_status_id_idx (status, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS partners (
    id BINARY(16) NOT NULL,
    num BIGINT NOT NULL AUTO_INCREMENT,
    name TEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY partners_num_key (num)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- seq orders joins that share a created_at.
CREATE TABLE IF NOT EXISTS partner_members (
    partner_id BINARY(16) NOT NULL,
    user_id BINARY(16) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    seq BIGINT NOT NULL AUTO_INCREMENT,
    PRIMARY KEY (partner_id, user_id),
    UNIQUE KEY partner_members_seq_key (seq),
    KEY partner_members_user_idx (user_id, partner_id),
    CONSTRAINT partner_members_partner_fk FOREIGN KEY (partner_id) REFERENCES partners (id) ON DELETE CASCADE,
    CONSTRAINT partner_members_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS teams (
    id BINARY(16) NOT NULL,
    num BIGINT NOT NULL AUTO_INCREMENT,
    partner_id BINARY(16) NOT NULL,
    name TEXT NOT NULL,
    is_default BOOLEAN NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY teams_num_key (num),
    KEY teams_partner_idx (partner_id, id),
    CONSTRAINT teams_partner_fk FOREIGN KEY (partner_id) REFERENCES partners (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS team_members (
    team_id BINARY(16) NOT NULL,
    user_id BINARY(16) NOT NULL,
    seq BIGINT NOT NULL AUTO_INCREMENT,
    PRIMARY KEY (team_id, user_id),
    UNIQUE KEY team_members_seq_key (seq),
    KEY team_members_user_idx (user_id, team_id),
    CONSTRAINT team_members_team_fk FOREIGN KEY (team_id) REFERENCES teams (id) ON DELETE CASCADE,
    CONSTRAINT team_members_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS portals (
    id BINARY(16) NOT NULL,
    partner_id BINARY(16) NULL,
    name TEXT NOT NULL,
    technical_name VARBINARY(1020) NOT NULL,
    default_locale TEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY portals_technical_name_key (technical_name),
    KEY portals_partner_idx (partner_id, id),
    CONSTRAINT portals_partner_fk FOREIGN KEY (partner_id) REFERENCES partners (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS portal_roles (
    id BINARY(16) NOT NULL,
    portal_id BINARY(16) NOT NULL,
    name VARBINARY(1020) NOT NULL,
    is_system BOOLEAN NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY portal_roles_portal_id_name_key (portal_id, name),
    UNIQUE KEY portal_roles_portal_id_id_key (portal_id, id),
    CONSTRAINT portal_roles_portal_fk FOREIGN KEY (portal_id) REFERENCES portals (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS attributes (
    id BINARY(16) NOT NULL,
    portal_id BINARY(16) NOT NULL,
    name VARBINARY(1020) NOT NULL,
    label TEXT NOT NULL,
    type TEXT NOT NULL,
    allow_multiple_values BOOLEAN NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY attributes_portal_id_name_key (portal_id, name),
    UNIQUE KEY attributes_portal_id_id_key (portal_id, id),
    CONSTRAINT attributes_portal_fk FOREIGN KEY (portal_id) REFERENCES portals (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS portal_members (
    id BINARY(16) NOT NULL,
    portal_id BINARY(16) NOT NULL,
    user_id BINARY(16) NOT NULL,
    locale TEXT NOT NULL,
    last_login_at DATETIME(6) NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY portal_members_portal_id_user_id_key (portal_id, user_id),
    KEY portal_members_portal_idx (portal_id, id),
    KEY portal_members_user_idx (user_id, id),
    CONSTRAINT portal_members_portal_fk FOREIGN KEY (portal_id) REFERENCES portals (id) ON DELETE CASCADE,
    CONSTRAINT portal_members_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- A member's roles in the order given. The composite foreign key keeps them
-- to the member's own portal and drops them with the role.
CREATE TABLE IF NOT EXISTS portal_member_roles (
    member_id BINARY(16) NOT NULL,
    position INT NOT NULL,
    portal_id BINARY(16) NOT NULL,
    role_id BINARY(16) NOT NULL,
    PRIMARY KEY (member_id, position),
    KEY portal_member_roles_role_idx (portal_id, role_id),
    CONSTRAINT portal_member_roles_member_fk FOREIGN KEY (member_id) REFERENCES portal_members (id) ON DELETE CASCADE,
    CONSTRAINT portal_member_roles_role_fk FOREIGN KEY (portal_id, role_id) REFERENCES portal_roles (portal_id, id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS portal_member_attrs (
    member_id BINARY(16) NOT NULL,
    position INT NOT NULL,
    portal_id BINARY(16) NOT NULL,
    attribute_id BINARY(16) NOT NULL,
    PRIMARY KEY (member_id, position),
    KEY portal_member_attrs_attr_idx (portal_id, attribute_id),
    CONSTRAINT portal_member_attrs_member_fk FOREIGN KEY (member_id) REFERENCES portal_members (id) ON DELETE CASCADE,
    CONSTRAINT portal_member_attrs_attr_fk FOREIGN KEY (portal_id, attribute_id) REFERENCES attributes (portal_id, id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS portal_member_values (
    member_id BINARY(16) NOT NULL,
    position INT NOT NULL,
    value_pos INT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (member_id, position, value_pos),
    CONSTRAINT portal_member_values_attr_fk FOREIGN KEY (member_id, position) REFERENCES portal_member_attrs (member_id, position) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS resources (
    id VARBINARY(400) NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS resource_roles (
    user_id BINARY(16) NOT NULL,
    resource_id VARBINARY(400) NOT NULL,
    role TEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    PRIMARY KEY (user_id, resource_id),
    KEY resource_roles_resource_idx (resource_id, user_id),
    CONSTRAINT resource_roles_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT resource_roles_resource_fk FOREIGN KEY (resource_id) REFERENCES resources (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS service_accounts (
    id BINARY(16) NOT NULL,
    name TEXT NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- A principal is a user or a service account, so it has no foreign key;
-- the store deletes grants with their principal. scope_id is the zero UUID
-- for "*" grants, so the unique key covers them.
CREATE TABLE IF NOT EXISTS grants (
    id BINARY(16) NOT NULL,
    principal_id BINARY(16) NOT NULL,
    action VARBINARY(255) NOT NULL,
    scope_kind VARBINARY(32) NOT NULL,
    scope_id BINARY(16) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY grants_principal_action_scope_key (principal_id, action, scope_kind, scope_id),
    KEY grants_principal_idx (principal_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS api_keys (
    id BINARY(16) NOT NULL,
    service_account_id BINARY(16) NOT NULL,
    prefix TEXT NOT NULL,
    hash VARBINARY(64) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NULL,
    last_used_at DATETIME(6) NULL,
    revoked_at DATETIME(6) NULL,
    PRIMARY KEY (id),
    UNIQUE KEY api_keys_hash_key (hash),
    KEY api_keys_account_idx (service_account_id, id),
    CONSTRAINT api_keys_account_fk FOREIGN KEY (service_account_id) REFERENCES service_accounts (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS events (
    id BINARY(16) NOT NULL,
    time DATETIME(6) NOT NULL,
    principal_kind TEXT NOT NULL,
    principal_id BINARY(16) NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id VARBINARY(400) NOT NULL,
    partner_id BINARY(16) NULL,
    PRIMARY KEY (id),
    KEY events_partner_idx (partner_id, id),
    KEY events_target_idx (target_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS settings (
    name VARBINARY(767) NOT NULL,
    value MEDIUMTEXT NOT NULL,
    PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
