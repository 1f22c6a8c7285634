package storage

import (
	"context"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
)

// The contract every method follows (error kinds, versions, paging) is in
// the package documentation, doc.go.

// UserStore keeps users.
type UserStore interface {
	CreateUser(ctx context.Context, rec *UserRecord) error
	GetUser(ctx context.Context, id uuid.UUID) (UserRecord, error)
	GetUserByNum(ctx context.Context, num int64) (UserRecord, error)
	GetUserByEmail(ctx context.Context, emailNorm string) (UserRecord, error)
	UpdateUser(ctx context.Context, rec UserRecord, expectVersion int64) error
	DeleteUser(ctx context.Context, id uuid.UUID) error
	ListUsers(ctx context.Context, f UserFilter, p userkit.PageRequest) (userkit.Page[UserRecord], error)
	// LockUser is Lock(ctx, KindUser, id.String()). Transactions deciding
	// about one user's memberships take it, so that they run one after the
	// other: removing a user's last partner deletes the user, and without
	// the lock a concurrent attach to another partner could be deleted with
	// it.
	LockUser(ctx context.Context, id uuid.UUID) error
	// LoginNamesWithPrefix returns the login names that equal prefix or start
	// with it, so a service can pick the next free "mona.benson2".
	LoginNamesWithPrefix(ctx context.Context, prefix string) ([]string, error)

	// CreateUsers stores new users as CreateUser would, in order, assigning
	// each its Num, with as few statements as the store can (SQL stores:
	// multi-row INSERTs of up to 500 users). It is all or nothing: on an
	// error, such as Conflict when a user clashes with a stored one or
	// with another in recs, nothing of recs is stored and no Num is set.
	// It is the storage half of a bulk import; the caller prepares the
	// records (validation, hashes, login names) and writes the audit
	// events. Run it in InTx with the events to commit them together.
	CreateUsers(ctx context.Context, recs []*UserRecord) error
	// LoginNamesWithPrefixes is LoginNamesWithPrefix for many prefixes in
	// one read: the login names that equal or start with any of them,
	// sorted, each once. An importer assigns the login names of a whole
	// chunk of users from one call instead of a read per user.
	LoginNamesWithPrefixes(ctx context.Context, prefixes []string) ([]string, error)
}

// PartnerStore keeps partners, their teams and their members.
type PartnerStore interface {
	CreatePartner(ctx context.Context, rec *PartnerRecord) error
	GetPartner(ctx context.Context, id uuid.UUID) (PartnerRecord, error)
	GetPartnerByNum(ctx context.Context, num int64) (PartnerRecord, error)
	UpdatePartner(ctx context.Context, rec PartnerRecord, expectVersion int64) error
	DeletePartner(ctx context.Context, id uuid.UUID) error
	ListPartners(ctx context.Context, p userkit.PageRequest) (userkit.Page[PartnerRecord], error)

	// AddPartnerMember is Conflict when the user is already a member.
	AddPartnerMember(ctx context.Context, rec PartnerMemberRecord) error
	// RemovePartnerMember is NotFound when the user is not a member. It also
	// removes the user from the partner's teams.
	RemovePartnerMember(ctx context.Context, partnerID, userID uuid.UUID) error
	IsPartnerMember(ctx context.Context, partnerID, userID uuid.UUID) (bool, error)
	// PartnersOfUser lists the user's partners in the order they were joined
	// (the first is the user's primary partner).
	PartnersOfUser(ctx context.Context, userID uuid.UUID) ([]PartnerRecord, error)

	CreateTeam(ctx context.Context, rec *TeamRecord) error
	GetTeam(ctx context.Context, id uuid.UUID) (TeamRecord, error)
	GetTeamByNum(ctx context.Context, num int64) (TeamRecord, error)
	UpdateTeam(ctx context.Context, rec TeamRecord, expectVersion int64) error
	DeleteTeam(ctx context.Context, id uuid.UUID) error
	// ListTeams lists a partner's teams by ID.
	ListTeams(ctx context.Context, partnerID uuid.UUID) ([]TeamRecord, error)
	// AddTeamMember is Conflict when already a member.
	AddTeamMember(ctx context.Context, teamID, userID uuid.UUID) error
	// RemoveTeamMember is NotFound when not a member.
	RemoveTeamMember(ctx context.Context, teamID, userID uuid.UUID) error
	// TeamMembers lists user IDs in the order they joined.
	TeamMembers(ctx context.Context, teamID uuid.UUID) ([]uuid.UUID, error)
	// TeamsOfUser lists the user's teams across partners, by team ID.
	TeamsOfUser(ctx context.Context, userID uuid.UUID) ([]TeamRecord, error)
}

// PortalStore keeps portals, their roles, attribute definitions and members.
type PortalStore interface {
	CreatePortal(ctx context.Context, rec *PortalRecord) error
	GetPortal(ctx context.Context, id uuid.UUID) (PortalRecord, error)
	UpdatePortal(ctx context.Context, rec PortalRecord, expectVersion int64) error
	DeletePortal(ctx context.Context, id uuid.UUID) error
	// ListPortals lists portals; a partnerID other than uuid.Nil keeps only
	// that partner's portals.
	ListPortals(ctx context.Context, partnerID uuid.UUID, p userkit.PageRequest) (userkit.Page[PortalRecord], error)

	CreatePortalRole(ctx context.Context, rec *PortalRoleRecord) error
	GetPortalRole(ctx context.Context, id uuid.UUID) (PortalRoleRecord, error)
	UpdatePortalRole(ctx context.Context, rec PortalRoleRecord) error
	DeletePortalRole(ctx context.Context, id uuid.UUID) error
	ListPortalRoles(ctx context.Context, portalID uuid.UUID) ([]PortalRoleRecord, error)

	CreateAttribute(ctx context.Context, rec *AttributeRecord) error
	GetAttribute(ctx context.Context, id uuid.UUID) (AttributeRecord, error)
	UpdateAttribute(ctx context.Context, rec AttributeRecord) error
	DeleteAttribute(ctx context.Context, id uuid.UUID) error
	ListAttributes(ctx context.Context, portalID uuid.UUID) ([]AttributeRecord, error)

	// AddPortalMember is Conflict when the user is already a member.
	AddPortalMember(ctx context.Context, rec *PortalMemberRecord) error
	GetPortalMember(ctx context.Context, portalID, userID uuid.UUID) (PortalMemberRecord, error)
	UpdatePortalMember(ctx context.Context, rec PortalMemberRecord, expectVersion int64) error
	// RemovePortalMember is NotFound when the user is not a member.
	RemovePortalMember(ctx context.Context, portalID, userID uuid.UUID) error
	// ListPortalMembers pages members oldest first (keyset on member ID).
	ListPortalMembers(ctx context.Context, portalID uuid.UUID, p userkit.PageRequest) (userkit.Page[PortalMemberRecord], error)
	// PortalsOfUser lists the user's memberships, oldest first.
	PortalsOfUser(ctx context.Context, userID uuid.UUID) ([]PortalMemberRecord, error)
}

// PermissionStore keeps resources and resource roles, service accounts,
// grants and API keys.
type PermissionStore interface {
	CreateResource(ctx context.Context, rec *ResourceRecord) error
	GetResource(ctx context.Context, id string) (ResourceRecord, error)
	UpdateResource(ctx context.Context, rec ResourceRecord, expectVersion int64) error
	DeleteResource(ctx context.Context, id string) error
	// ListResources orders by ID (string order); After is the last ID seen.
	ListResources(ctx context.Context, p userkit.PageRequest) (userkit.Page[ResourceRecord], error)

	// PutResourceRole creates or replaces the user's role on the resource.
	PutResourceRole(ctx context.Context, rec ResourceRoleRecord) error
	GetResourceRole(ctx context.Context, userID uuid.UUID, resourceID string) (ResourceRoleRecord, error)
	// DeleteResourceRole is NotFound when the user has no role there.
	DeleteResourceRole(ctx context.Context, userID uuid.UUID, resourceID string) error
	// ResourceRolesOfUser orders by resource ID.
	ResourceRolesOfUser(ctx context.Context, userID uuid.UUID) ([]ResourceRoleRecord, error)
	// ResourceRolesOfResource orders by user ID.
	ResourceRolesOfResource(ctx context.Context, resourceID string) ([]ResourceRoleRecord, error)

	CreateServiceAccount(ctx context.Context, rec *ServiceAccountRecord) error
	GetServiceAccount(ctx context.Context, id uuid.UUID) (ServiceAccountRecord, error)
	UpdateServiceAccount(ctx context.Context, rec ServiceAccountRecord, expectVersion int64) error
	DeleteServiceAccount(ctx context.Context, id uuid.UUID) error
	ListServiceAccounts(ctx context.Context, p userkit.PageRequest) (userkit.Page[ServiceAccountRecord], error)

	// AddGrant is Conflict when the same grant exists.
	AddGrant(ctx context.Context, rec *GrantRecord) error
	// RemoveGrant is NotFound when there is no such grant.
	RemoveGrant(ctx context.Context, id uuid.UUID) error
	// GrantsOf lists a principal's grants by ID.
	GrantsOf(ctx context.Context, principalID uuid.UUID) ([]GrantRecord, error)

	CreateAPIKey(ctx context.Context, rec *APIKeyRecord) error
	GetAPIKey(ctx context.Context, id uuid.UUID) (APIKeyRecord, error)
	GetAPIKeyByHash(ctx context.Context, hash []byte) (APIKeyRecord, error)
	// ListAPIKeys lists a service account's keys by ID, revoked ones too.
	ListAPIKeys(ctx context.Context, serviceAccountID uuid.UUID) ([]APIKeyRecord, error)
	// UpdateAPIKey writes LastUsedAt, RevokedAt and ExpiresAt.
	UpdateAPIKey(ctx context.Context, rec APIKeyRecord) error
}

// EventStore keeps the audit log.
type EventStore interface {
	AppendEvent(ctx context.Context, rec EventRecord) error
	// ListEvents pages events newest first; After is the last ID seen.
	ListEvents(ctx context.Context, f EventFilter, p userkit.PageRequest) (userkit.Page[EventRecord], error)
}

// SettingStore keeps small host settings, such as a generated signing
// secret, so that they survive restarts.
type SettingStore interface {
	// GetSetting is NotFound when the key is unset.
	GetSetting(ctx context.Context, key string) (string, error)
	// PutSetting creates or replaces the value.
	PutSetting(ctx context.Context, key, value string) error
}

// Store is the aggregate every adapter implements.
type Store interface {
	UserStore
	PartnerStore
	PortalStore
	PermissionStore
	EventStore
	EventLog
	SettingStore

	// InTx runs fn in one transaction: fn's changes through tx are committed
	// together when fn returns nil and discarded when it returns an error
	// (which InTx returns). Calling InTx on a tx runs fn in the same
	// transaction. Adapters may retry fn on serialization failures or
	// deadlocks (a transaction retry, the only one a store makes), so fn
	// must not have effects outside tx.
	InTx(ctx context.Context, fn func(tx Store) error) error

	// Lock holds the row lock of the record of kind with the ID until the
	// transaction ends, so that read-modify-writes of one record run one
	// after the other: a second Lock of the same record waits until the
	// first transaction commits or rolls back, and then reads what it
	// wrote. id is the record's ID as text (uuid.UUID.String(); a
	// resource's own ID). It is NotFound when the record does not exist
	// (an ID that is not a valid UUID included), Internal for a kind not
	// listed below. Outside InTx it only checks that the record exists.
	//
	// Take the lock before the transaction reads anything: on MySQL and
	// MariaDB (REPEATABLE READ) the first plain read fixes the snapshot
	// every later plain read sees, so a read made before the lock would
	// not see the writer the lock waited for. PostgreSQL and MySQL use
	// SELECT … FOR UPDATE; SQLite's BEGIN IMMEDIATE and the memory store's
	// transaction lock already run writers one at a time, so there it only
	// checks that the record exists.
	Lock(ctx context.Context, kind RecordKind, id string) error
}

// RecordKind names a kind of record that Store.Lock can lock.
type RecordKind string

// The kinds of record Store.Lock can lock: each that a service updates
// with a read-modify-write.
const (
	KindUser           RecordKind = "user"
	KindPartner        RecordKind = "partner"
	KindTeam           RecordKind = "team"
	KindPortal         RecordKind = "portal"
	KindPortalRole     RecordKind = "portal role"
	KindAttribute      RecordKind = "attribute"
	KindResource       RecordKind = "resource"
	KindServiceAccount RecordKind = "service account"
)

// CredentialReader is implemented by stores that read a credential
// together with its principal's grants in one statement (issue 9: a
// request resolves its credential and grants in one indexed read).
// permissions.Service.ResolveKeyGrants and users.Service.PrincipalForToken
// use it when the store has it, and fall back to two reads otherwise.
type CredentialReader interface {
	// APIKeyWithGrants returns the key whose Hash is hash and the grants
	// of its service account, by ID; NotFound when no key has the hash.
	APIKeyWithGrants(ctx context.Context, hash []byte) (APIKeyRecord, []GrantRecord, error)
	// UserWithGrants returns the user and their grants, by ID.
	UserWithGrants(ctx context.Context, id uuid.UUID) (UserRecord, []GrantRecord, error)
}

// UserScope is a partner or portal a user belongs to, as
// UserScopesReader returns it: Kind is ScopePartner or ScopePortal, and
// Owner the partner owning a portal (uuid.Nil for a partner, or a portal
// without one).
type UserScope struct {
	Kind  string
	ID    uuid.UUID
	Owner uuid.UUID
	Num   int64 // a partner's number (PartnerRecord.Num); 0 for a portal
}

// UserScopesReader is implemented by stores that read a user together
// with the partners and portals they belong to in one statement (issue 9:
// reading one user is the credential's statement and this one). The
// users service checks users.read against the scopes without another
// read when the store has it.
type UserScopesReader interface {
	// UserWithScopes returns the user with the id and their scopes.
	UserWithScopes(ctx context.Context, id uuid.UUID) (UserRecord, []UserScope, error)
	// UserByNumWithScopes returns the user with the number and their
	// scopes.
	UserByNumWithScopes(ctx context.Context, num int64) (UserRecord, []UserScope, error)
}

// UserFacts is what a list shows of a user beyond the record: whether
// they hold "*" on everything, and the partners they belong to, in the
// order they joined.
type UserFacts struct {
	HoldsAll bool
	Partners []PartnerRecord
}

// UserFactsReader is implemented by stores that read the UserFacts of a
// page of users in one statement (issue 9: no read per listed user).
type UserFactsReader interface {
	// FactsOfUsers returns the facts of each of the users, by id; a user
	// that does not exist has none.
	FactsOfUsers(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]UserFacts, error)
}

// UsersReader is implemented by stores that read many users by id in one
// statement (issue 9: a list page reads its users at once, not one by
// one).
type UsersReader interface {
	// UsersByIDs returns the users that exist among ids, by id.
	UsersByIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]UserRecord, error)
}

// UserView is a user with what a portal's view of one user shows: the
// scopes they belong to (as UserScopesReader returns them, for the read
// check), whether they hold "*" on everything, their partners in the
// order they joined (PartnersOfUser) and their teams by team ID
// (TeamsOfUser).
type UserView struct {
	User     UserRecord
	Scopes   []UserScope
	HoldsAll bool
	Partners []PartnerRecord
	Teams    []TeamRecord
}

// UserViewReader is implemented by stores that read a UserView in one
// statement (issue 9: GET one user on the Tyk portal API is the
// credential's statement and this one).
type UserViewReader interface {
	// UserViewByNum returns the view of the user with the number;
	// NotFound when no user has it.
	UserViewByNum(ctx context.Context, num int64) (UserView, error)
}

// MemberView is a portal membership with its portal and its user.
type MemberView struct {
	Portal PortalRecord
	Member PortalMemberRecord
	User   UserRecord
}

// MemberViewReader is implemented by stores that read a MemberView in
// one statement (issue 9: GET one member on the Whaly API is the
// credential's statement and this one).
type MemberViewReader interface {
	// MemberView returns the user's membership of the portal with both;
	// NotFound when the user is not a member (or either is missing).
	MemberView(ctx context.Context, portalID, userID uuid.UUID) (MemberView, error)
	// MemberProfile is MemberView without the membership's roles and
	// attributes (Member.RoleIDs and Attributes are nil), for an answer
	// that shows neither: one row instead of one per role, attribute and
	// value.
	MemberProfile(ctx context.Context, portalID, userID uuid.UUID) (MemberView, error)
}

// MemberPageReader is implemented by stores that read a page of a
// portal's members, each with its portal and user, in one statement
// (issue 9: a list page costs the same whatever it holds).
type MemberPageReader interface {
	// MemberViewPage pages the portal's members as ListPortalMembers
	// does, each as a MemberView; a missing portal is an empty page.
	MemberViewPage(ctx context.Context, portalID uuid.UUID, p userkit.PageRequest) (userkit.Page[MemberView], error)
}

// HeldUser is a user with whether they hold "*" on everything.
type HeldUser struct {
	User     UserRecord
	HoldsAll bool
}

// PartnerView is a partner with its teams, by ID, and its members, by
// ID, as the Tyk portal's Organisation-show shows them.
type PartnerView struct {
	Partner PartnerRecord
	Teams   []TeamRecord
	Members []HeldUser
}

// TeamView is a team with its partner and its members in the order they
// joined (TeamMembers).
type TeamView struct {
	Partner PartnerRecord
	Team    TeamRecord
	Members []UserRecord
}

// PartnerViewReader is implemented by stores that read a partner or a
// team, addressed by numbers, with what the Tyk portal shows of it in one
// statement (issue 9: GET one organisation or team is the credential's
// statement and this one).
type PartnerViewReader interface {
	// PartnerViewByNum returns the view of the partner with the number;
	// NotFound when no partner has it.
	PartnerViewByNum(ctx context.Context, num int64) (PartnerView, error)
	// TeamViewByNums returns the view of the team teamNum of the partner
	// partnerNum; NotFound when either number is nobody's or the team is
	// another partner's.
	TeamViewByNums(ctx context.Context, partnerNum, teamNum int64) (TeamView, error)
}

// NamedRole is a resource role with its resource's name.
type NamedRole struct {
	ResourceRoleRecord
	ResourceName string
}

// RoleListReader is implemented by stores that read a user's resource
// roles with their resources' names in one statement (issue 9: a user's
// permissions on the Solvexia API are the credential's statement and
// this one, not one read per resource).
type RoleListReader interface {
	// NamedRolesOfUserByNum returns the ID of the user with the number and
	// their roles by resource ID (as ResourceRolesOfUser), each with its
	// resource's name; NotFound when no user has the number.
	NamedRolesOfUserByNum(ctx context.Context, num int64) (uuid.UUID, []NamedRole, error)
}

// PortalPartReader is implemented by stores that read a portal's role or
// attribute definition together with its portal in one statement (issue
// 9: the check on the portal decides from its owner without reading the
// portal again).
type PortalPartReader interface {
	// PortalRoleWithPortal returns the role and its portal; NotFound when
	// no role has the id.
	PortalRoleWithPortal(ctx context.Context, id uuid.UUID) (PortalRoleRecord, PortalRecord, error)
	// AttributeWithPortal returns the attribute definition and its
	// portal; NotFound when no attribute has the id.
	AttributeWithPortal(ctx context.Context, id uuid.UUID) (AttributeRecord, PortalRecord, error)
}

// AccountReader is implemented by stores that read service accounts with
// their grants at once (issue 9: GET one service account is the
// credential's statement and this one; a page of them is the page's
// statement and one read of all its grants, not one per account).
type AccountReader interface {
	// ServiceAccountWithGrants returns the service account and its
	// grants, by ID, in one statement; NotFound when no service account
	// has the id.
	ServiceAccountWithGrants(ctx context.Context, id uuid.UUID) (ServiceAccountRecord, []GrantRecord, error)
	// GrantsOfPrincipals returns the grants of each of the principals, by
	// ID, in one statement; a principal without grants is not in the map.
	GrantsOfPrincipals(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]GrantRecord, error)
}
