package httpapi_test

import (
	"context"
	"iter"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi"
	"github.com/userkit/userkit/httpapi/all"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// One service call per request (DESIGN.md): a handler decodes, makes one
// call of httpapi.Services and encodes its answer. TestOneServiceCall
// sends every route all.Mount registers, as the statement budget sends it
// (tenant B's ids; the key holding everything, and for reads B's
// partner-scoped key too), through services that count their calls, and
// holds each route to one call besides resolving its credential. A
// handler that needs two is missing a service method.

// credentialCalls are the calls that resolve a request's credential (the
// middleware's, not the handler's) when the services lack the one-statement
// resolvers, as the counting wrappers do.
var credentialCalls = []string{"Permissions.ResolveKey", "Users.PrincipalForToken"}

// serviceCalls collects the calls made for one request.
type serviceCalls struct {
	mu    sync.Mutex
	names []string
}

type serviceCallsKey struct{}

// count records a call of the service method name, when ctx comes from a
// counted request.
func count(ctx context.Context, name string) {
	c, ok := ctx.Value(serviceCallsKey{}).(*serviceCalls)
	if !ok || slices.Contains(credentialCalls, name) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.names = append(c.names, name)
}

// countedServices wraps each of s's services in its counting twin. The
// twins forward every method by name (no embedding), so a method added to
// an interface fails to compile here until it is counted.
func countedServices(s httpapi.Services) httpapi.Services {
	return httpapi.Services{
		Users:       countedUsers{s.Users},
		Partners:    countedPartners{s.Partners},
		Portals:     countedPortals{s.Portals},
		Permissions: countedPermissions{s.Permissions},
	}
}

// callDo sends one request through h and returns its status and the
// service calls it made.
func callDo(h http.Handler, method, path, rawKey, body string) (int, []string) {
	c := &serviceCalls{}
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r = r.WithContext(context.WithValue(r.Context(), serviceCallsKey{}, c))
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	r.Header.Set("Authorization", "Bearer "+rawKey)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec.Code, c.names
}

// moreCalls are the routes still making more than one service call, with
// the count they reach: the test holds them to it exactly, so the list
// can only shrink.
var moreCalls = map[string]int{}

func TestOneServiceCall(t *testing.T) {
	t.Parallel()
	be := backends[0] // the calls a handler makes do not depend on the store
	check := func(t *testing.T, w *world, pattern, keyName, key string) {
		t.Helper()
		mux := http.NewServeMux()
		all.Mount(mux, countedServices(w.Svc.HTTP()), w.Opts)
		r := parseRoute(t, pattern)
		body := ""
		if isWrite(r.method) {
			body = writeBody(w, pattern)
		}
		code, calls := callDo(mux, r.method, w.pathOf(r, strings.Repeat("B", len(r.slots))), key, body)
		if keyName == "admin" && (code < 200 || code > 299) {
			t.Errorf("%s with a key holding everything: %d, want 2xx", pattern, code)
		}
		// The API description (openapi.json) is served without a call.
		want, listed := moreCalls[pattern]
		switch {
		case listed && len(calls) != want:
			t.Errorf("%s (%s key): %d service calls %q, listed in moreCalls with %d", pattern, keyName, len(calls), calls, want)
		case !listed && len(calls) > 1:
			t.Errorf("%s (%s key): %d service calls %q, want at most 1", pattern, keyName, len(calls), calls)
		}
	}
	w := newWorld(t, be)
	for _, p := range w.patterns {
		if parseRoute(t, p).method != http.MethodGet {
			// Writes, each on a fresh world, as the statement budget's.
			fw := newWorld(t, be)
			check(t, fw, p, "admin", fw.admin)
			continue
		}
		check(t, w, p, "admin", w.admin)
		check(t, w, p, "partner", w.b.rawKey)
	}
}

// countedUsers counts the calls of httpapi.UserService.
type countedUsers struct {
	next httpapi.UserService
}

func (s countedUsers) Create(ctx context.Context, p users.CreateParams) (users.User, error) {
	count(ctx, "Users.Create")
	return s.next.Create(ctx, p)
}

func (s countedUsers) Delete(ctx context.Context, id uuid.UUID) error {
	count(ctx, "Users.Delete")
	return s.next.Delete(ctx, id)
}

func (s countedUsers) DeleteByNum(ctx context.Context, num int64) error {
	count(ctx, "Users.DeleteByNum")
	return s.next.DeleteByNum(ctx, num)
}

func (s countedUsers) Get(ctx context.Context, id uuid.UUID) (users.User, error) {
	count(ctx, "Users.Get")
	return s.next.Get(ctx, id)
}

func (s countedUsers) GetByEmail(ctx context.Context, email string) (users.User, error) {
	count(ctx, "Users.GetByEmail")
	return s.next.GetByEmail(ctx, email)
}

func (s countedUsers) GetByNum(ctx context.Context, num int64) (users.User, error) {
	count(ctx, "Users.GetByNum")
	return s.next.GetByNum(ctx, num)
}

func (s countedUsers) List(ctx context.Context, p users.ListParams) (userkit.Page[users.User], error) {
	count(ctx, "Users.List")
	return s.next.List(ctx, p)
}

func (s countedUsers) ListAll(ctx context.Context, p users.ListParams) iter.Seq2[users.User, error] {
	count(ctx, "Users.ListAll")
	return s.next.ListAll(ctx, p)
}

func (s countedUsers) MintToken(ctx context.Context, id uuid.UUID, sign users.TokenSigner) (users.User, string, error) {
	count(ctx, "Users.MintToken")
	return s.next.MintToken(ctx, id, sign)
}

func (s countedUsers) Policy() users.PasswordPolicy {
	return s.next.Policy()
}

func (s countedUsers) Prepare(ctx context.Context, p users.CreateParams) (storage.UserRecord, error) {
	count(ctx, "Users.Prepare")
	return s.next.Prepare(ctx, p)
}

func (s countedUsers) PrincipalForToken(ctx context.Context, id uuid.UUID, version int64) (permissions.Principal, error) {
	count(ctx, "Users.PrincipalForToken")
	return s.next.PrincipalForToken(ctx, id, version)
}

func (s countedUsers) RotateToken(ctx context.Context, id uuid.UUID) (users.User, error) {
	count(ctx, "Users.RotateToken")
	return s.next.RotateToken(ctx, id)
}

func (s countedUsers) SetPassword(ctx context.Context, id uuid.UUID, password string) error {
	count(ctx, "Users.SetPassword")
	return s.next.SetPassword(ctx, id, password)
}

func (s countedUsers) Update(ctx context.Context, id uuid.UUID, p users.UpdateParams) (users.User, error) {
	count(ctx, "Users.Update")
	return s.next.Update(ctx, id, p)
}

func (s countedUsers) UpdateByNum(ctx context.Context, num int64, p users.UpdateParams) (users.User, error) {
	count(ctx, "Users.UpdateByNum")
	return s.next.UpdateByNum(ctx, num, p)
}

// countedPartners counts the calls of httpapi.PartnerService.
type countedPartners struct {
	next httpapi.PartnerService
}

func (s countedPartners) PortalUsers(ctx context.Context, p userkit.PageRequest) (userkit.Page[partners.PortalUser], error) {
	count(ctx, "Partners.PortalUsers")
	return s.next.PortalUsers(ctx, p)
}

func (s countedPartners) PortalUser(ctx context.Context, num int64) (partners.PortalUser, error) {
	count(ctx, "Partners.PortalUser")
	return s.next.PortalUser(ctx, num)
}

func (s countedPartners) CreatePortalUser(ctx context.Context, p partners.PortalUserParams) (partners.PortalUser, error) {
	count(ctx, "Partners.CreatePortalUser")
	return s.next.CreatePortalUser(ctx, p)
}

func (s countedPartners) SavePortalUser(ctx context.Context, num int64, p partners.PortalUserUpdate) (partners.PortalUser, error) {
	count(ctx, "Partners.SavePortalUser")
	return s.next.SavePortalUser(ctx, num, p)
}

func (s countedPartners) CreateWithTeams(ctx context.Context, p partners.CreateParams) (partners.Partner, []partners.Team, error) {
	count(ctx, "Partners.CreateWithTeams")
	return s.next.CreateWithTeams(ctx, p)
}

func (s countedPartners) Show(ctx context.Context, num int64) (partners.OrgView, error) {
	count(ctx, "Partners.Show")
	return s.next.Show(ctx, num)
}

func (s countedPartners) UpdateByNum(ctx context.Context, num int64, p partners.UpdateParams) (partners.OrgView, error) {
	count(ctx, "Partners.UpdateByNum")
	return s.next.UpdateByNum(ctx, num, p)
}

func (s countedPartners) DeleteByNum(ctx context.Context, num int64) error {
	count(ctx, "Partners.DeleteByNum")
	return s.next.DeleteByNum(ctx, num)
}

func (s countedPartners) ListTeamsByNum(ctx context.Context, num int64) ([]partners.Team, error) {
	count(ctx, "Partners.ListTeamsByNum")
	return s.next.ListTeamsByNum(ctx, num)
}

func (s countedPartners) CreateTeamByNum(ctx context.Context, num int64, p partners.TeamParams) (partners.Team, error) {
	count(ctx, "Partners.CreateTeamByNum")
	return s.next.CreateTeamByNum(ctx, num, p)
}

func (s countedPartners) TeamByNums(ctx context.Context, orgNum, teamNum int64) (partners.Team, []users.User, error) {
	count(ctx, "Partners.TeamByNums")
	return s.next.TeamByNums(ctx, orgNum, teamNum)
}

func (s countedPartners) SaveTeam(ctx context.Context, orgNum, teamNum int64, p partners.TeamSave) (partners.Team, []users.User, error) {
	count(ctx, "Partners.SaveTeam")
	return s.next.SaveTeam(ctx, orgNum, teamNum, p)
}

func (s countedPartners) DeleteTeamByNums(ctx context.Context, orgNum, teamNum int64) error {
	count(ctx, "Partners.DeleteTeamByNums")
	return s.next.DeleteTeamByNums(ctx, orgNum, teamNum)
}

func (s countedPartners) AddTeamMember(ctx context.Context, teamID, userID uuid.UUID) error {
	count(ctx, "Partners.AddTeamMember")
	return s.next.AddTeamMember(ctx, teamID, userID)
}

func (s countedPartners) AddUser(ctx context.Context, partnerID uuid.UUID, p users.CreateParams) (u users.User, created bool, err error) {
	count(ctx, "Partners.AddUser")
	return s.next.AddUser(ctx, partnerID, p)
}

func (s countedPartners) AddUserByNum(ctx context.Context, partnerNum int64, p users.CreateParams) (u users.User, created bool, err error) {
	count(ctx, "Partners.AddUserByNum")
	return s.next.AddUserByNum(ctx, partnerNum, p)
}

func (s countedPartners) Create(ctx context.Context, p partners.CreateParams) (partners.Partner, error) {
	count(ctx, "Partners.Create")
	return s.next.Create(ctx, p)
}

func (s countedPartners) CreateTeam(ctx context.Context, partnerID uuid.UUID, p partners.TeamParams) (partners.Team, error) {
	count(ctx, "Partners.CreateTeam")
	return s.next.CreateTeam(ctx, partnerID, p)
}

func (s countedPartners) Delete(ctx context.Context, id uuid.UUID) error {
	count(ctx, "Partners.Delete")
	return s.next.Delete(ctx, id)
}

func (s countedPartners) DeleteTeamIn(ctx context.Context, partnerID, teamID uuid.UUID) error {
	count(ctx, "Partners.DeleteTeamIn")
	return s.next.DeleteTeamIn(ctx, partnerID, teamID)
}

func (s countedPartners) Get(ctx context.Context, id uuid.UUID) (partners.Partner, error) {
	count(ctx, "Partners.Get")
	return s.next.Get(ctx, id)
}

func (s countedPartners) GetByNum(ctx context.Context, num int64) (partners.Partner, error) {
	count(ctx, "Partners.GetByNum")
	return s.next.GetByNum(ctx, num)
}

func (s countedPartners) GetMember(ctx context.Context, partnerNum, userNum int64) (users.User, error) {
	count(ctx, "Partners.GetMember")
	return s.next.GetMember(ctx, partnerNum, userNum)
}

func (s countedPartners) GetTeamIn(ctx context.Context, partnerID, teamID uuid.UUID) (partners.Team, error) {
	count(ctx, "Partners.GetTeamIn")
	return s.next.GetTeamIn(ctx, partnerID, teamID)
}

func (s countedPartners) GetTeamByNum(ctx context.Context, num int64) (partners.Team, error) {
	count(ctx, "Partners.GetTeamByNum")
	return s.next.GetTeamByNum(ctx, num)
}

func (s countedPartners) GetUser(ctx context.Context, partnerID, userID uuid.UUID) (users.User, error) {
	count(ctx, "Partners.GetUser")
	return s.next.GetUser(ctx, partnerID, userID)
}

func (s countedPartners) List(ctx context.Context, p userkit.PageRequest) (userkit.Page[partners.Partner], error) {
	count(ctx, "Partners.List")
	return s.next.List(ctx, p)
}

func (s countedPartners) ListTeams(ctx context.Context, partnerID uuid.UUID) ([]partners.Team, error) {
	count(ctx, "Partners.ListTeams")
	return s.next.ListTeams(ctx, partnerID)
}

func (s countedPartners) ListUsers(ctx context.Context, partnerID uuid.UUID, p partners.ListUsersParams) (userkit.Page[users.User], error) {
	count(ctx, "Partners.ListUsers")
	return s.next.ListUsers(ctx, partnerID, p)
}

func (s countedPartners) ListUsersByNum(ctx context.Context, partnerNum int64, p partners.ListUsersParams) (userkit.Page[users.User], error) {
	count(ctx, "Partners.ListUsersByNum")
	return s.next.ListUsersByNum(ctx, partnerNum, p)
}

func (s countedPartners) MemberPartners(ctx context.Context, partnerNum, userNum int64) ([]partners.Partner, error) {
	count(ctx, "Partners.MemberPartners")
	return s.next.MemberPartners(ctx, partnerNum, userNum)
}

func (s countedPartners) PartnersOf(ctx context.Context, userID uuid.UUID) ([]partners.Partner, error) {
	count(ctx, "Partners.PartnersOf")
	return s.next.PartnersOf(ctx, userID)
}

func (s countedPartners) RemoveTeamMember(ctx context.Context, teamID, userID uuid.UUID) error {
	count(ctx, "Partners.RemoveTeamMember")
	return s.next.RemoveTeamMember(ctx, teamID, userID)
}

func (s countedPartners) RemoveMember(ctx context.Context, partnerNum, userNum int64) (userDeleted bool, err error) {
	count(ctx, "Partners.RemoveMember")
	return s.next.RemoveMember(ctx, partnerNum, userNum)
}

func (s countedPartners) RemoveUser(ctx context.Context, partnerID, userID uuid.UUID) (userDeleted bool, err error) {
	count(ctx, "Partners.RemoveUser")
	return s.next.RemoveUser(ctx, partnerID, userID)
}

func (s countedPartners) TeamMembers(ctx context.Context, teamID uuid.UUID) ([]users.User, error) {
	count(ctx, "Partners.TeamMembers")
	return s.next.TeamMembers(ctx, teamID)
}

func (s countedPartners) TeamsOf(ctx context.Context, userID uuid.UUID) ([]partners.Team, error) {
	count(ctx, "Partners.TeamsOf")
	return s.next.TeamsOf(ctx, userID)
}

func (s countedPartners) Update(ctx context.Context, id uuid.UUID, p partners.UpdateParams) (partners.Partner, error) {
	count(ctx, "Partners.Update")
	return s.next.Update(ctx, id, p)
}

func (s countedPartners) UpdateTeamIn(ctx context.Context, partnerID, teamID uuid.UUID, p partners.TeamUpdateParams) (partners.Team, error) {
	count(ctx, "Partners.UpdateTeamIn")
	return s.next.UpdateTeamIn(ctx, partnerID, teamID, p)
}

func (s countedPartners) UpdateMember(ctx context.Context, partnerNum, userNum int64, p partners.MemberUpdate) (users.User, error) {
	count(ctx, "Partners.UpdateMember")
	return s.next.UpdateMember(ctx, partnerNum, userNum, p)
}

// countedPortals counts the calls of httpapi.PortalService.
type countedPortals struct {
	next httpapi.PortalService
}

func (s countedPortals) AddUser(ctx context.Context, portalID uuid.UUID, p portals.AddUserParams) (portals.Member, error) {
	count(ctx, "Portals.AddUser")
	return s.next.AddUser(ctx, portalID, p)
}

func (s countedPortals) Create(ctx context.Context, p portals.CreateParams) (portals.Portal, error) {
	count(ctx, "Portals.Create")
	return s.next.Create(ctx, p)
}

func (s countedPortals) CreateAttribute(ctx context.Context, portalID uuid.UUID, p portals.AttributeParams) (portals.Attribute, error) {
	count(ctx, "Portals.CreateAttribute")
	return s.next.CreateAttribute(ctx, portalID, p)
}

func (s countedPortals) CreateRole(ctx context.Context, portalID uuid.UUID, p portals.RoleParams) (portals.Role, error) {
	count(ctx, "Portals.CreateRole")
	return s.next.CreateRole(ctx, portalID, p)
}

func (s countedPortals) Delete(ctx context.Context, id uuid.UUID) error {
	count(ctx, "Portals.Delete")
	return s.next.Delete(ctx, id)
}

func (s countedPortals) DeleteAttributeIn(ctx context.Context, portalID, attributeID uuid.UUID) error {
	count(ctx, "Portals.DeleteAttributeIn")
	return s.next.DeleteAttributeIn(ctx, portalID, attributeID)
}

func (s countedPortals) DeleteRoleIn(ctx context.Context, portalID, roleID uuid.UUID) error {
	count(ctx, "Portals.DeleteRoleIn")
	return s.next.DeleteRoleIn(ctx, portalID, roleID)
}

func (s countedPortals) Get(ctx context.Context, id uuid.UUID) (portals.Portal, error) {
	count(ctx, "Portals.Get")
	return s.next.Get(ctx, id)
}

func (s countedPortals) GetAttributeIn(ctx context.Context, portalID, attributeID uuid.UUID) (portals.Attribute, error) {
	count(ctx, "Portals.GetAttributeIn")
	return s.next.GetAttributeIn(ctx, portalID, attributeID)
}

func (s countedPortals) GetRoleIn(ctx context.Context, portalID, roleID uuid.UUID) (portals.Role, error) {
	count(ctx, "Portals.GetRoleIn")
	return s.next.GetRoleIn(ctx, portalID, roleID)
}

func (s countedPortals) GetUser(ctx context.Context, portalID, userID uuid.UUID) (portals.Member, error) {
	count(ctx, "Portals.GetUser")
	return s.next.GetUser(ctx, portalID, userID)
}

func (s countedPortals) GetUserProfile(ctx context.Context, portalID, userID uuid.UUID) (portals.Member, error) {
	count(ctx, "Portals.GetUserProfile")
	return s.next.GetUserProfile(ctx, portalID, userID)
}

func (s countedPortals) List(ctx context.Context, partnerID uuid.UUID, p userkit.PageRequest) (userkit.Page[portals.Portal], error) {
	count(ctx, "Portals.List")
	return s.next.List(ctx, partnerID, p)
}

func (s countedPortals) ListAttributes(ctx context.Context, portalID uuid.UUID) ([]portals.Attribute, error) {
	count(ctx, "Portals.ListAttributes")
	return s.next.ListAttributes(ctx, portalID)
}

func (s countedPortals) ListRoles(ctx context.Context, portalID uuid.UUID) ([]portals.Role, error) {
	count(ctx, "Portals.ListRoles")
	return s.next.ListRoles(ctx, portalID)
}

func (s countedPortals) ListUsers(ctx context.Context, portalID uuid.UUID, p userkit.PageRequest) (userkit.Page[portals.Member], error) {
	count(ctx, "Portals.ListUsers")
	return s.next.ListUsers(ctx, portalID, p)
}

func (s countedPortals) RemoveUser(ctx context.Context, portalID, userID uuid.UUID) (bool, error) {
	count(ctx, "Portals.RemoveUser")
	return s.next.RemoveUser(ctx, portalID, userID)
}

func (s countedPortals) Update(ctx context.Context, id uuid.UUID, p portals.UpdateParams) (portals.Portal, error) {
	count(ctx, "Portals.Update")
	return s.next.Update(ctx, id, p)
}

func (s countedPortals) UpdateAttributeIn(ctx context.Context, portalID, attributeID uuid.UUID, p portals.AttributeUpdateParams) (portals.Attribute, error) {
	count(ctx, "Portals.UpdateAttributeIn")
	return s.next.UpdateAttributeIn(ctx, portalID, attributeID, p)
}

func (s countedPortals) UpdateRoleIn(ctx context.Context, portalID, roleID uuid.UUID, p portals.RoleUpdateParams) (portals.Role, error) {
	count(ctx, "Portals.UpdateRoleIn")
	return s.next.UpdateRoleIn(ctx, portalID, roleID, p)
}

// countedPermissions counts the calls of httpapi.PermissionService.
type countedPermissions struct {
	next httpapi.PermissionService
}

func (s countedPermissions) AddGrant(ctx context.Context, principalID uuid.UUID, p permissions.GrantParams) (permissions.Grant, error) {
	count(ctx, "Permissions.AddGrant")
	return s.next.AddGrant(ctx, principalID, p)
}

func (s countedPermissions) CreateKey(ctx context.Context, serviceAccountID uuid.UUID, p permissions.KeyParams) (permissions.Key, string, error) {
	count(ctx, "Permissions.CreateKey")
	return s.next.CreateKey(ctx, serviceAccountID, p)
}

func (s countedPermissions) CreateResource(ctx context.Context, p permissions.ResourceParams) (permissions.Resource, error) {
	count(ctx, "Permissions.CreateResource")
	return s.next.CreateResource(ctx, p)
}

func (s countedPermissions) CreateServiceAccount(ctx context.Context, p permissions.ServiceAccountParams) (permissions.ServiceAccount, error) {
	count(ctx, "Permissions.CreateServiceAccount")
	return s.next.CreateServiceAccount(ctx, p)
}

func (s countedPermissions) DeleteResource(ctx context.Context, id string) error {
	count(ctx, "Permissions.DeleteResource")
	return s.next.DeleteResource(ctx, id)
}

func (s countedPermissions) DeleteServiceAccount(ctx context.Context, id uuid.UUID) error {
	count(ctx, "Permissions.DeleteServiceAccount")
	return s.next.DeleteServiceAccount(ctx, id)
}

func (s countedPermissions) GetResource(ctx context.Context, id string) (permissions.Resource, error) {
	count(ctx, "Permissions.GetResource")
	return s.next.GetResource(ctx, id)
}

func (s countedPermissions) GetServiceAccount(ctx context.Context, id uuid.UUID) (permissions.ServiceAccount, error) {
	count(ctx, "Permissions.GetServiceAccount")
	return s.next.GetServiceAccount(ctx, id)
}

func (s countedPermissions) GrantsOf(ctx context.Context, principalID uuid.UUID) ([]permissions.Grant, error) {
	count(ctx, "Permissions.GrantsOf")
	return s.next.GrantsOf(ctx, principalID)
}

func (s countedPermissions) GrantTo(ctx context.Context, who permissions.Principal, p permissions.GrantParams) (permissions.Grant, error) {
	count(ctx, "Permissions.GrantTo")
	return s.next.GrantTo(ctx, who, p)
}

func (s countedPermissions) ListEvents(ctx context.Context, f storage.EventFilter, p userkit.PageRequest) (userkit.Page[permissions.Event], error) {
	count(ctx, "Permissions.ListEvents")
	return s.next.ListEvents(ctx, f, p)
}

func (s countedPermissions) ListKeys(ctx context.Context, serviceAccountID uuid.UUID) ([]permissions.Key, error) {
	count(ctx, "Permissions.ListKeys")
	return s.next.ListKeys(ctx, serviceAccountID)
}

func (s countedPermissions) ListResources(ctx context.Context, p userkit.PageRequest) (userkit.Page[permissions.Resource], error) {
	count(ctx, "Permissions.ListResources")
	return s.next.ListResources(ctx, p)
}

func (s countedPermissions) ListServiceAccounts(ctx context.Context, p userkit.PageRequest) (userkit.Page[permissions.ServiceAccount], error) {
	count(ctx, "Permissions.ListServiceAccounts")
	return s.next.ListServiceAccounts(ctx, p)
}

func (s countedPermissions) LiveKey(ctx context.Context, serviceAccountID, keyID uuid.UUID) (permissions.Key, error) {
	count(ctx, "Permissions.LiveKey")
	return s.next.LiveKey(ctx, serviceAccountID, keyID)
}

func (s countedPermissions) PrincipalGrant(ctx context.Context, who permissions.Principal, grantID uuid.UUID) (permissions.Grant, error) {
	count(ctx, "Permissions.PrincipalGrant")
	return s.next.PrincipalGrant(ctx, who, grantID)
}

func (s countedPermissions) PrincipalGrants(ctx context.Context, who permissions.Principal) ([]permissions.Grant, error) {
	count(ctx, "Permissions.PrincipalGrants")
	return s.next.PrincipalGrants(ctx, who)
}

func (s countedPermissions) RemoveGrant(ctx context.Context, grantID uuid.UUID) error {
	count(ctx, "Permissions.RemoveGrant")
	return s.next.RemoveGrant(ctx, grantID)
}

func (s countedPermissions) ResolveKey(ctx context.Context, secret string) (permissions.Principal, error) {
	count(ctx, "Permissions.ResolveKey")
	return s.next.ResolveKey(ctx, secret)
}

func (s countedPermissions) RevokeKey(ctx context.Context, keyID uuid.UUID) error {
	count(ctx, "Permissions.RevokeKey")
	return s.next.RevokeKey(ctx, keyID)
}

func (s countedPermissions) RevokeLiveKey(ctx context.Context, serviceAccountID, keyID uuid.UUID) error {
	count(ctx, "Permissions.RevokeLiveKey")
	return s.next.RevokeLiveKey(ctx, serviceAccountID, keyID)
}

func (s countedPermissions) RevokeGrantOf(ctx context.Context, who permissions.Principal, grantID uuid.UUID) error {
	count(ctx, "Permissions.RevokeGrantOf")
	return s.next.RevokeGrantOf(ctx, who, grantID)
}

func (s countedPermissions) RevokeRole(ctx context.Context, userID uuid.UUID, resourceID string) error {
	count(ctx, "Permissions.RevokeRole")
	return s.next.RevokeRole(ctx, userID, resourceID)
}

func (s countedPermissions) RevokeRoleByNum(ctx context.Context, num int64, resourceID string) error {
	count(ctx, "Permissions.RevokeRoleByNum")
	return s.next.RevokeRoleByNum(ctx, num, resourceID)
}

func (s countedPermissions) RolesOfUser(ctx context.Context, userID uuid.UUID) ([]permissions.ResourceRole, error) {
	count(ctx, "Permissions.RolesOfUser")
	return s.next.RolesOfUser(ctx, userID)
}

func (s countedPermissions) RolesOfUserByNum(ctx context.Context, num int64) ([]permissions.ResourceRole, error) {
	count(ctx, "Permissions.RolesOfUserByNum")
	return s.next.RolesOfUserByNum(ctx, num)
}

func (s countedPermissions) SetRole(ctx context.Context, userID uuid.UUID, resourceID string, role permissions.Role) (permissions.ResourceRole, error) {
	count(ctx, "Permissions.SetRole")
	return s.next.SetRole(ctx, userID, resourceID, role)
}

func (s countedPermissions) SetRoleByNum(ctx context.Context, num int64, resourceID string, role permissions.Role) (permissions.ResourceRole, error) {
	count(ctx, "Permissions.SetRoleByNum")
	return s.next.SetRoleByNum(ctx, num, resourceID, role)
}

func (s countedPermissions) UpdateResource(ctx context.Context, id string, p permissions.ResourceUpdateParams) (permissions.Resource, error) {
	count(ctx, "Permissions.UpdateResource")
	return s.next.UpdateResource(ctx, id, p)
}

func (s countedPermissions) UpdateServiceAccount(ctx context.Context, id uuid.UUID, p permissions.ServiceAccountUpdateParams) (permissions.ServiceAccount, error) {
	count(ctx, "Permissions.UpdateServiceAccount")
	return s.next.UpdateServiceAccount(ctx, id, p)
}
