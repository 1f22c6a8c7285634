package memory

import (
	"slices"
	"strings"
	"time"
	"unique"

	"github.com/google/uuid"
	"github.com/userkit/userkit/storage"
)

// data is every table and index. Records in it are private copies: they
// go in and come out through the clone functions below.
type data struct {
	users       map[uuid.UUID]*userRow // rows are never changed in place
	userIDs     []uuid.UUID            // sorted, for keyset paging
	userByNum   column[*userRow]       // Num n is at n-1; nil once deleted
	userByEmail map[string]*userRow    // keyed by the row's own EmailNorm
	userByLogin loginIndex

	partners       map[uuid.UUID]storage.PartnerRecord
	partnerIDs     []uuid.UUID
	partnerByNum   map[int64]uuid.UUID
	partnerSeq     int64
	partnerMembers map[pair]joined // {partner, user}
	membersOf      index[uuid.UUID, uuid.UUID]
	partnersOf     index[uuid.UUID, uuid.UUID]
	joinSeq        int64 // orders joins that share a time

	teams        map[uuid.UUID]storage.TeamRecord
	teamByNum    map[int64]uuid.UUID
	teamSeq      int64
	teamsOf      index[uuid.UUID, uuid.UUID] // partner -> teams
	teamMembers  map[pair]int64              // {team, user} -> join sequence
	teamMembersX index[uuid.UUID, uuid.UUID] // team -> users
	teamsOfUser  index[uuid.UUID, uuid.UUID]

	portals        map[uuid.UUID]storage.PortalRecord
	portalIDs      []uuid.UUID
	portalByTech   map[string]uuid.UUID
	roles          map[uuid.UUID]storage.PortalRoleRecord
	roleByName     map[nameKey]uuid.UUID
	rolesOf        index[uuid.UUID, uuid.UUID]
	attrs          map[uuid.UUID]storage.AttributeRecord
	attrByName     map[nameKey]uuid.UUID
	attrsOf        index[uuid.UUID, uuid.UUID]
	members        map[uuid.UUID]storage.PortalMemberRecord // by member ID
	memberByPair   map[pair]uuid.UUID                       // {portal, user} -> member ID
	membersOfPort  index[uuid.UUID, uuid.UUID]              // portal -> member IDs
	portalsOfUser  index[uuid.UUID, uuid.UUID]              // user -> member IDs
	resources      map[string]storage.ResourceRecord
	resourceIDs    []string
	resRoles       map[resKey]storage.ResourceRoleRecord
	resRolesOfUser index[uuid.UUID, string]
	resRolesOfRes  index[string, uuid.UUID]

	accounts   map[uuid.UUID]storage.ServiceAccountRecord
	accountIDs []uuid.UUID
	grants     map[uuid.UUID]storage.GrantRecord
	grantByKey map[grantKey]uuid.UUID
	grantsOf   index[uuid.UUID, uuid.UUID]
	keys       map[uuid.UUID]storage.APIKeyRecord
	keyByHash  map[string]uuid.UUID
	keysOf     index[uuid.UUID, uuid.UUID]

	events   eventLog
	settings map[string]string
}

// joined is a partner membership with the order it was made in.
type joined struct {
	rec storage.PartnerMemberRecord
	seq int64
}

type resKey struct {
	user     uuid.UUID
	resource string
}

type grantKey struct {
	principal uuid.UUID
	action    string
	kind      string
	scope     uuid.UUID
}

func newData() data {
	return data{
		users:          map[uuid.UUID]*userRow{},
		userByEmail:    map[string]*userRow{},
		partners:       map[uuid.UUID]storage.PartnerRecord{},
		partnerByNum:   map[int64]uuid.UUID{},
		partnerMembers: map[pair]joined{},
		membersOf:      index[uuid.UUID, uuid.UUID]{},
		partnersOf:     index[uuid.UUID, uuid.UUID]{},
		teams:          map[uuid.UUID]storage.TeamRecord{},
		teamByNum:      map[int64]uuid.UUID{},
		teamsOf:        index[uuid.UUID, uuid.UUID]{},
		teamMembers:    map[pair]int64{},
		teamMembersX:   index[uuid.UUID, uuid.UUID]{},
		teamsOfUser:    index[uuid.UUID, uuid.UUID]{},
		portals:        map[uuid.UUID]storage.PortalRecord{},
		portalByTech:   map[string]uuid.UUID{},
		roles:          map[uuid.UUID]storage.PortalRoleRecord{},
		roleByName:     map[nameKey]uuid.UUID{},
		rolesOf:        index[uuid.UUID, uuid.UUID]{},
		attrs:          map[uuid.UUID]storage.AttributeRecord{},
		attrByName:     map[nameKey]uuid.UUID{},
		attrsOf:        index[uuid.UUID, uuid.UUID]{},
		members:        map[uuid.UUID]storage.PortalMemberRecord{},
		memberByPair:   map[pair]uuid.UUID{},
		membersOfPort:  index[uuid.UUID, uuid.UUID]{},
		portalsOfUser:  index[uuid.UUID, uuid.UUID]{},
		resources:      map[string]storage.ResourceRecord{},
		resRoles:       map[resKey]storage.ResourceRoleRecord{},
		resRolesOfUser: index[uuid.UUID, string]{},
		resRolesOfRes:  index[string, uuid.UUID]{},
		accounts:       map[uuid.UUID]storage.ServiceAccountRecord{},
		grants:         map[uuid.UUID]storage.GrantRecord{},
		grantByKey:     map[grantKey]uuid.UUID{},
		grantsOf:       index[uuid.UUID, uuid.UUID]{},
		keys:           map[uuid.UUID]storage.APIKeyRecord{},
		keyByHash:      map[string]uuid.UUID{},
		keysOf:         index[uuid.UUID, uuid.UUID]{},
		settings:       map[string]string{},
	}
}

// intern returns the canonical copy of a short text; longer ones (rarely
// shared) get a copy of their own.
func intern(s string) string {
	if len(s) > 64 {
		return strings.Clone(s)
	}
	if s == "" {
		return s
	}
	return unique.Make(s).Value()
}

func cloneTime(p *time.Time) *time.Time {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneMember(r storage.PortalMemberRecord) storage.PortalMemberRecord {
	r.RoleIDs = slices.Clone(r.RoleIDs)
	if r.Attributes != nil {
		attrs := make([]storage.AttributeValue, len(r.Attributes))
		for i, a := range r.Attributes {
			attrs[i] = storage.AttributeValue{AttributeID: a.AttributeID, Values: slices.Clone(a.Values)}
		}
		r.Attributes = attrs
	}
	r.LastLoginAt = cloneTime(r.LastLoginAt)
	return r
}

func cloneKey(r storage.APIKeyRecord) storage.APIKeyRecord {
	r.Hash = slices.Clone(r.Hash)
	r.ExpiresAt = cloneTime(r.ExpiresAt)
	r.LastUsedAt = cloneTime(r.LastUsedAt)
	r.RevokedAt = cloneTime(r.RevokedAt)
	return r
}
