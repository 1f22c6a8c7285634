package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

const resourceCols = "id, name, kind, created_at, updated_at, version"

func (s *Store) scanResource(sc scanner) (storage.ResourceRecord, error) {
	var r storage.ResourceRecord
	err := sc.Scan(&r.ID, &r.Name, &r.Kind, s.tc(&r.CreatedAt), s.tc(&r.UpdatedAt), &r.Version)
	return r, err
}

// CreateResource implements storage.PermissionStore.
func (s *Store) CreateResource(ctx context.Context, rec *storage.ResourceRecord) error {
	_, err := s.exec(ctx, "INSERT INTO resources (id, name, kind, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?)",
		rec.ID, rec.Name, rec.Kind, s.time(rec.CreatedAt), s.time(rec.UpdatedAt), rec.Version)
	return s.wrap(err, "resource", "ID")
}

// GetResource implements storage.PermissionStore.
func (s *Store) GetResource(ctx context.Context, id string) (storage.ResourceRecord, error) {
	r, err := s.scanResource(s.queryRow(ctx, "SELECT "+resourceCols+" FROM resources WHERE id = ?", id))
	return r, s.wrap(err, "resource", "")
}

// UpdateResource implements storage.PermissionStore.
func (s *Store) UpdateResource(ctx context.Context, rec storage.ResourceRecord, expectVersion int64) error {
	return s.casUpdate(ctx, "resource", "SELECT 1 FROM resources WHERE id = ?", []any{rec.ID},
		"UPDATE resources SET name = ?, kind = ?, created_at = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?",
		rec.Name, rec.Kind, s.time(rec.CreatedAt), s.time(rec.UpdatedAt), rec.Version, rec.ID, expectVersion)
}

// DeleteResource implements storage.PermissionStore; roles on it cascade.
func (s *Store) DeleteResource(ctx context.Context, id string) error {
	return s.execOne(ctx, "resource", "", nil, "DELETE FROM resources WHERE id = ?", id)
}

// ListResources implements storage.PermissionStore. IDs compare as bytes in
// every dialect (COLLATE "C", VARBINARY, SQLite's BINARY), which is Go's
// string order.
func (s *Store) ListResources(ctx context.Context, p userkit.PageRequest) (userkit.Page[storage.ResourceRecord], error) {
	spec := listSpec{what: "resource", cols: resourceCols, from: "resources", key: "id"}
	if p.After != "" {
		spec.after = p.After
	}
	return list(ctx, s, spec, p, s.scanResource, func(r storage.ResourceRecord) string { return r.ID })
}

const resRoleCols = "user_id, resource_id, role, created_at, updated_at"

func (s *Store) scanResRole(sc scanner) (storage.ResourceRoleRecord, error) {
	var r storage.ResourceRoleRecord
	err := sc.Scan(s.resRoleDst(&r)...)
	return r, err
}

// resRoleDst are the destinations of resRoleCols in r.
func (s *Store) resRoleDst(r *storage.ResourceRoleRecord) []any {
	return []any{idCol{&r.UserID}, &r.ResourceID, &r.Role, s.tc(&r.CreatedAt), s.tc(&r.UpdatedAt)}
}

// PutResourceRole implements storage.PermissionStore. A replaced role keeps
// its CreatedAt.
func (s *Store) PutResourceRole(ctx context.Context, rec storage.ResourceRoleRecord) error {
	_, err := s.exec(ctx, "INSERT INTO resource_roles (user_id, resource_id, role, created_at, updated_at) VALUES (?, ?, ?, ?, ?) "+
		s.d.Upsert([]string{"user_id", "resource_id"}, []string{"role", "updated_at"}),
		s.id(rec.UserID), rec.ResourceID, rec.Role, s.time(rec.CreatedAt), s.time(rec.UpdatedAt))
	return s.wrap(err, "resource role", "")
}

// GetResourceRole implements storage.PermissionStore.
func (s *Store) GetResourceRole(ctx context.Context, userID uuid.UUID, resourceID string) (storage.ResourceRoleRecord, error) {
	r, err := s.scanResRole(s.queryRow(ctx, "SELECT "+resRoleCols+" FROM resource_roles WHERE user_id = ? AND resource_id = ?",
		s.id(userID), resourceID))
	return r, s.wrap(err, "resource role", "")
}

// DeleteResourceRole implements storage.PermissionStore.
func (s *Store) DeleteResourceRole(ctx context.Context, userID uuid.UUID, resourceID string) error {
	return s.execOne(ctx, "resource role", "", nil,
		"DELETE FROM resource_roles WHERE user_id = ? AND resource_id = ?", s.id(userID), resourceID)
}

// ResourceRolesOfUser implements storage.PermissionStore.
func (s *Store) ResourceRolesOfUser(ctx context.Context, userID uuid.UUID) ([]storage.ResourceRoleRecord, error) {
	return collect(ctx, s, "resource role", s.scanResRole,
		"SELECT "+resRoleCols+" FROM resource_roles WHERE user_id = ? ORDER BY resource_id", s.id(userID))
}

// ResourceRolesOfResource implements storage.PermissionStore.
func (s *Store) ResourceRolesOfResource(ctx context.Context, resourceID string) ([]storage.ResourceRoleRecord, error) {
	return collect(ctx, s, "resource role", s.scanResRole,
		"SELECT "+resRoleCols+" FROM resource_roles WHERE resource_id = ? ORDER BY user_id", resourceID)
}

const accountCols = "id, name, created_at, updated_at, version"

func (s *Store) scanAccount(sc scanner) (storage.ServiceAccountRecord, error) {
	var r storage.ServiceAccountRecord
	err := sc.Scan(idCol{&r.ID}, &r.Name, s.tc(&r.CreatedAt), s.tc(&r.UpdatedAt), &r.Version)
	return r, err
}

// CreateServiceAccount implements storage.PermissionStore.
func (s *Store) CreateServiceAccount(ctx context.Context, rec *storage.ServiceAccountRecord) error {
	_, err := s.exec(ctx, "INSERT INTO service_accounts (id, name, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?)",
		s.id(rec.ID), rec.Name, s.time(rec.CreatedAt), s.time(rec.UpdatedAt), rec.Version)
	return s.wrap(err, "service account", "ID")
}

// GetServiceAccount implements storage.PermissionStore.
func (s *Store) GetServiceAccount(ctx context.Context, id uuid.UUID) (storage.ServiceAccountRecord, error) {
	r, err := s.scanAccount(s.queryRow(ctx, "SELECT "+accountCols+" FROM service_accounts WHERE id = ?", s.id(id)))
	return r, s.wrap(err, "service account", "")
}

// UpdateServiceAccount implements storage.PermissionStore.
func (s *Store) UpdateServiceAccount(ctx context.Context, rec storage.ServiceAccountRecord, expectVersion int64) error {
	return s.casUpdate(ctx, "service account", "SELECT 1 FROM service_accounts WHERE id = ?", []any{s.id(rec.ID)},
		"UPDATE service_accounts SET name = ?, created_at = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?",
		rec.Name, s.time(rec.CreatedAt), s.time(rec.UpdatedAt), rec.Version, s.id(rec.ID), expectVersion)
}

// DeleteServiceAccount implements storage.PermissionStore: its keys cascade,
// its grants are deleted here (a grant's principal has no foreign key, as
// it may be a user or a service account).
func (s *Store) DeleteServiceAccount(ctx context.Context, id uuid.UUID) error {
	return s.atomic(ctx, func(s *Store) error {
		if err := s.execOne(ctx, "service account", "", nil, "DELETE FROM service_accounts WHERE id = ?", s.id(id)); err != nil {
			return err
		}
		return s.deleteGrantsOf(ctx, id)
	})
}

func (s *Store) deleteGrantsOf(ctx context.Context, principalID uuid.UUID) error {
	_, err := s.exec(ctx, "DELETE FROM grants WHERE principal_id = ?", s.id(principalID))
	return s.wrap(err, "grant", "")
}

// ListServiceAccounts implements storage.PermissionStore.
func (s *Store) ListServiceAccounts(ctx context.Context, p userkit.PageRequest) (userkit.Page[storage.ServiceAccountRecord], error) {
	spec := listSpec{what: "service account", cols: accountCols, from: "service_accounts", key: "id"}
	var err error
	if spec.after, err = s.afterID(p.After); err != nil {
		return emptyPage[storage.ServiceAccountRecord](p), err
	}
	return list(ctx, s, spec, p, s.scanAccount, func(r storage.ServiceAccountRecord) string { return r.ID.String() })
}

const grantCols = "id, principal_id, action, scope_kind, scope_id, created_at"

func (s *Store) scanGrant(sc scanner) (storage.GrantRecord, error) {
	var r storage.GrantRecord
	err := sc.Scan(idCol{&r.ID}, idCol{&r.PrincipalID}, &r.Action, &r.ScopeKind, idCol{&r.ScopeID}, s.tc(&r.CreatedAt))
	return r, err
}

// AddGrant implements storage.PermissionStore. ScopeID is stored as the
// zero UUID, not NULL, for "*" grants so that the unique key covers them.
func (s *Store) AddGrant(ctx context.Context, rec *storage.GrantRecord) error {
	_, err := s.exec(ctx, "INSERT INTO grants (id, principal_id, action, scope_kind, scope_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		s.id(rec.ID), s.id(rec.PrincipalID), rec.Action, rec.ScopeKind, s.id(rec.ScopeID), s.time(rec.CreatedAt))
	return s.wrap(err, "grant", "ID")
}

// RemoveGrant implements storage.PermissionStore.
func (s *Store) RemoveGrant(ctx context.Context, id uuid.UUID) error {
	return s.execOne(ctx, "grant", "", nil, "DELETE FROM grants WHERE id = ?", s.id(id))
}

// GrantsOf implements storage.PermissionStore.
func (s *Store) GrantsOf(ctx context.Context, principalID uuid.UUID) ([]storage.GrantRecord, error) {
	return collect(ctx, s, "grant", s.scanGrant,
		"SELECT "+grantCols+" FROM grants WHERE principal_id = ? ORDER BY id", s.id(principalID))
}

const keyCols = "id, service_account_id, prefix, hash, created_at, expires_at, last_used_at, revoked_at"

func (s *Store) scanKey(sc scanner) (storage.APIKeyRecord, error) {
	var r storage.APIKeyRecord
	err := sc.Scan(idCol{&r.ID}, idCol{&r.ServiceAccountID}, &r.Prefix, bytesCol{&r.Hash}, s.tc(&r.CreatedAt),
		s.ntc(&r.ExpiresAt), s.ntc(&r.LastUsedAt), s.ntc(&r.RevokedAt))
	return r, err
}

// CreateAPIKey implements storage.PermissionStore.
func (s *Store) CreateAPIKey(ctx context.Context, rec *storage.APIKeyRecord) error {
	_, err := s.exec(ctx, "INSERT INTO api_keys (id, service_account_id, prefix, hash, created_at, expires_at, last_used_at, revoked_at) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		s.id(rec.ID), s.id(rec.ServiceAccountID), rec.Prefix, rec.Hash, s.time(rec.CreatedAt),
		s.nullTime(rec.ExpiresAt), s.nullTime(rec.LastUsedAt), s.nullTime(rec.RevokedAt))
	return s.wrap(err, "API key", "ID")
}

// GetAPIKey implements storage.PermissionStore.
func (s *Store) GetAPIKey(ctx context.Context, id uuid.UUID) (storage.APIKeyRecord, error) {
	r, err := s.scanKey(s.queryRow(ctx, "SELECT "+keyCols+" FROM api_keys WHERE id = ?", s.id(id)))
	return r, s.wrap(err, "API key", "")
}

// GetAPIKeyByHash implements storage.PermissionStore.
func (s *Store) GetAPIKeyByHash(ctx context.Context, hash []byte) (storage.APIKeyRecord, error) {
	r, err := s.scanKey(s.queryRow(ctx, "SELECT "+keyCols+" FROM api_keys WHERE hash = ?", hash))
	return r, s.wrap(err, "API key", "")
}

// ListAPIKeys implements storage.PermissionStore.
func (s *Store) ListAPIKeys(ctx context.Context, serviceAccountID uuid.UUID) ([]storage.APIKeyRecord, error) {
	return collect(ctx, s, "API key", s.scanKey,
		"SELECT "+keyCols+" FROM api_keys WHERE service_account_id = ? ORDER BY id", s.id(serviceAccountID))
}

// UpdateAPIKey implements storage.PermissionStore.
func (s *Store) UpdateAPIKey(ctx context.Context, rec storage.APIKeyRecord) error {
	return s.execOne(ctx, "API key", "SELECT 1 FROM api_keys WHERE id = ?", []any{s.id(rec.ID)},
		"UPDATE api_keys SET last_used_at = ?, revoked_at = ?, expires_at = ? WHERE id = ?",
		s.nullTime(rec.LastUsedAt), s.nullTime(rec.RevokedAt), s.nullTime(rec.ExpiresAt), s.id(rec.ID))
}

const eventCols = "id, time, principal_kind, principal_id, action, target_kind, target_id, partner_id"

func (s *Store) scanEvent(sc scanner) (storage.EventRecord, error) {
	var r storage.EventRecord
	err := sc.Scan(idCol{&r.ID}, s.tc(&r.Time), &r.PrincipalKind, idCol{&r.PrincipalID}, &r.Action,
		&r.TargetKind, &r.TargetID, idCol{&r.PartnerID})
	return r, err
}

// AppendEvent implements storage.EventStore.
func (s *Store) AppendEvent(ctx context.Context, rec storage.EventRecord) error {
	_, err := s.exec(ctx, "INSERT INTO events (id, time, principal_kind, principal_id, action, target_kind, target_id, partner_id) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		s.id(rec.ID), s.time(rec.Time), rec.PrincipalKind, s.id(rec.PrincipalID), rec.Action, rec.TargetKind,
		rec.TargetID, s.nullID(rec.PartnerID))
	return s.wrap(err, "event", "ID")
}

// ListEvents implements storage.EventStore: newest first.
func (s *Store) ListEvents(ctx context.Context, f storage.EventFilter, p userkit.PageRequest) (userkit.Page[storage.EventRecord], error) {
	spec := listSpec{what: "event", cols: eventCols, from: "events", key: "id", desc: true}
	if f.PartnerID != uuid.Nil {
		spec.where = append(spec.where, "partner_id = ?")
		spec.args = append(spec.args, s.id(f.PartnerID))
	}
	if f.TargetID != "" {
		spec.where = append(spec.where, "target_id = ?")
		spec.args = append(spec.args, f.TargetID)
	}
	if f.Action != "" {
		if s.unstorable(f.Action) {
			return emptyPage[storage.EventRecord](p), nil
		}
		// A family ("users.") is the range [prefix, successor) of the
		// action index, which every dialect orders by bytes: no LIKE
		// pattern to escape.
		if strings.HasSuffix(f.Action, ".") {
			end, _ := PrefixEnd(f.Action) // a prefix ending in "." always has one
			spec.where = append(spec.where, "action >= ?", "action < ?")
			spec.args = append(spec.args, f.Action, end)
		} else {
			spec.where = append(spec.where, "action = ?")
			spec.args = append(spec.args, f.Action)
		}
	}
	var err error
	if spec.after, err = s.afterID(p.After); err != nil {
		return emptyPage[storage.EventRecord](p), err
	}
	return list(ctx, s, spec, p, s.scanEvent, func(r storage.EventRecord) string { return r.ID.String() })
}

// GetSetting implements storage.SettingStore.
func (s *Store) GetSetting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.queryRow(ctx, "SELECT value FROM settings WHERE name = ?", key).Scan(&v)
	return v, s.wrap(err, "setting", "")
}

// PutSetting implements storage.SettingStore.
func (s *Store) PutSetting(ctx context.Context, key, value string) error {
	_, err := s.exec(ctx, "INSERT INTO settings (name, value) VALUES (?, ?) "+s.d.Upsert([]string{"name"}, []string{"value"}), key, value)
	return s.wrap(err, "setting", "")
}

// grantJoinCols are grantCols of a LEFT JOIN (NULL when the principal has
// no grant).
const grantJoinCols = "g.id, g.principal_id, g.action, g.scope_kind, g.scope_id, g.created_at"

// scanJoinedGrant scans the grant columns of a LEFT JOIN row into dst,
// and reports whether the row had a grant.
func (s *Store) joinedGrant() (dst []any, get func() (storage.GrantRecord, bool)) {
	var (
		r       storage.GrantRecord
		created *time.Time
	)
	dst = []any{idCol{&r.ID}, idCol{&r.PrincipalID}, textCol{&r.Action}, textCol{&r.ScopeKind}, idCol{&r.ScopeID}, s.ntc(&created)}
	return dst, func() (storage.GrantRecord, bool) {
		if created == nil {
			return storage.GrantRecord{}, false
		}
		g := r
		g.CreatedAt = *created
		return g, true
	}
}

// withExtra scans a row into a record's columns followed by extra ones.
type withExtra struct {
	rows  scanner
	extra []any
}

func (w withExtra) Scan(dst ...any) error { return w.rows.Scan(append(dst, w.extra...)...) }

// withGrants runs query, whose rows are one record (scanned by scan)
// LEFT JOINed with the grants of its principal, and returns the record
// and the grants; NotFound when there is no row.
func withGrants[T any](ctx context.Context, s *Store, what string, scan func(scanner) (T, error), query string, args ...any) (T, []storage.GrantRecord, error) {
	var zero T
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return zero, nil, s.wrap(err, what, "")
	}
	defer rows.Close()
	var (
		rec    T
		grants []storage.GrantRecord
		found  bool
	)
	gdst, get := s.joinedGrant()
	for rows.Next() {
		r, err := scan(withExtra{rows, gdst})
		if err != nil {
			return zero, nil, s.wrap(err, what, "")
		}
		rec, found = r, true
		if g, ok := get(); ok {
			grants = append(grants, g)
		}
	}
	if err := rows.Err(); err != nil {
		return zero, nil, s.wrap(err, what, "")
	}
	if !found {
		return zero, nil, s.wrap(sql.ErrNoRows, what, "")
	}
	return rec, grants, nil
}

// APIKeyWithGrants implements storage.CredentialReader: the key by its
// unique hash, LEFT JOINed with its account's grants through
// grants_principal_idx, in one statement.
func (s *Store) APIKeyWithGrants(ctx context.Context, hash []byte) (storage.APIKeyRecord, []storage.GrantRecord, error) {
	return withGrants(ctx, s, "API key", s.scanKey,
		"SELECT k.id, k.service_account_id, k.prefix, k.hash, k.created_at, k.expires_at, k.last_used_at, k.revoked_at, "+
			grantJoinCols+" FROM api_keys k LEFT JOIN grants g ON g.principal_id = k.service_account_id WHERE k.hash = ? ORDER BY g.id", hash)
}

// UserWithGrants implements storage.CredentialReader: the user by id,
// LEFT JOINed with their grants, in one statement.
func (s *Store) UserWithGrants(ctx context.Context, id uuid.UUID) (storage.UserRecord, []storage.GrantRecord, error) {
	return withGrants(ctx, s, "user", s.scanUser,
		"SELECT "+userCols+", "+grantJoinCols+" FROM users u LEFT JOIN grants g ON g.principal_id = u.id WHERE u.id = ? ORDER BY g.id", s.id(id))
}
