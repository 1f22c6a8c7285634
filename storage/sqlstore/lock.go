package sqlstore

import (
	"context"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/storage"
)

// lockTables maps each kind of record Lock can lock to its table; every
// one is keyed by its id column.
var lockTables = map[storage.RecordKind]string{
	storage.KindUser:           "users",
	storage.KindPartner:        "partners",
	storage.KindTeam:           "teams",
	storage.KindPortal:         "portals",
	storage.KindPortalRole:     "portal_roles",
	storage.KindAttribute:      "attributes",
	storage.KindResource:       "resources",
	storage.KindServiceAccount: "service_accounts",
}

// Lock implements storage.Store: a SELECT of the record's row with the
// dialect's RowLock (" FOR UPDATE" on PostgreSQL and MySQL). SQLite has
// none: its BEGIN IMMEDIATE transactions already hold the database's
// write lock, so there Lock only checks that the row exists.
func (s *Store) Lock(ctx context.Context, kind storage.RecordKind, id string) error {
	table, ok := lockTables[kind]
	if !ok {
		return userkit.Errorf(userkit.Internal, "%s storage: no lock for records of kind %q", s.d.Name, kind)
	}
	var key any = id
	if kind == storage.KindResource {
		if s.unstorable(id) {
			return notFound(string(kind)) // no stored ID can hold it
		}
	} else {
		u, err := uuid.Parse(id)
		if err != nil {
			return notFound(string(kind))
		}
		key = s.id(u)
	}
	var one int
	err := s.queryRow(ctx, "SELECT 1 FROM "+table+" WHERE id = ?"+s.d.RowLock, key).Scan(&one)
	return s.wrap(err, string(kind), "")
}
