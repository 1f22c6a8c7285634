package main

// The permission check against Casbin on the same RBAC-with-domains
// policy: partners are domains, users hold one role in their partner's
// domain, roles hold (object, action) permissions per domain.

import (
	"strings"
	"time"

	"github.com/casbin/casbin/v3"
	"github.com/casbin/casbin/v3/model"
	stringadapter "github.com/casbin/casbin/v3/persist/string-adapter"
)

// casbinModule names the peer in the table.
const casbinModule = "github.com/casbin/casbin/v3 v3.10.0"

// rbacWithDomains is Casbin's documented rbac_with_domains model.
const rbacWithDomains = `
[request_definition]
r = sub, dom, obj, act

[policy_definition]
p = sub, dom, obj, act

[role_definition]
g = _, _, _

[policy_effect]
e = some(where (p.eft == allow))

[matchers]
m = g(r.sub, p.sub, r.dom) && r.dom == p.dom && r.obj == p.obj && r.act == p.act
`

type perm struct{ obj, act string }

// policy: users in partners (user i in partner i % partners), one role
// each (every 10th an admin), the same role definitions in every partner.
type policy struct {
	users, partners int
	roles           map[string][]perm
}

func newPolicy(users int) *policy {
	crud := func(obj string) []perm {
		return []perm{{obj, "read"}, {obj, "create"}, {obj, "update"}, {obj, "delete"}}
	}
	return &policy{
		users:    users,
		partners: max(1, users/100),
		roles: map[string][]perm{
			"admin":  append(crud("users"), crud("portals")...),
			"member": {{"users", "read"}, {"portals", "read"}},
		},
	}
}

func (p *policy) partnerOf(i int) int { return i % p.partners }
func (p *policy) roleOf(i int) string {
	if (i/p.partners)%10 == 0 {
		return "admin"
	}
	return "member"
}

// request is one decision to make; want is what the policy says.
type request struct {
	user, partner int
	obj, act      string
	want          bool
}

// requests returns k allowed and k denied requests, scattered over the
// users: admins on their partner (allowed), members deleting (denied).
func (p *policy) requests(k int) (allowed, denied []request) {
	for step := 0; step < p.users && (len(allowed) < k || len(denied) < k); step++ {
		i := (step * stride) % p.users
		j := p.partnerOf(i)
		switch {
		case p.roleOf(i) == "admin" && len(allowed) < k:
			allowed = append(allowed, request{i, j, "users", "update", true})
		case p.roleOf(i) == "member" && len(denied) < k:
			denied = append(denied, request{i, j, "users", "delete", false})
		}
	}
	return allowed, denied
}

func userName(i int) string    { return "user" + itoa(i) }
func partnerName(j int) string { return "partner" + itoa(j) }

// buildCasbin loads the policy into an enforcer through its string
// adapter (LoadPolicy) and returns it with the load time.
func buildCasbin(p *policy) (*casbin.Enforcer, time.Duration, error) {
	var b strings.Builder
	for j := range p.partners {
		for role, perms := range p.roles {
			for _, pm := range perms {
				b.WriteString("p, " + role + ", " + partnerName(j) + ", " + pm.obj + ", " + pm.act + "\n")
			}
		}
	}
	for i := range p.users {
		b.WriteString("g, " + userName(i) + ", " + p.roleOf(i) + ", " + partnerName(p.partnerOf(i)) + "\n")
	}
	m, err := model.NewModelFromString(rbacWithDomains)
	if err != nil {
		return nil, 0, err
	}
	start := time.Now()
	e, err := casbin.NewEnforcer(m, stringadapter.NewAdapter(b.String()))
	return e, time.Since(start), err
}

func casbinCheck(e *casbin.Enforcer, r request) (bool, error) {
	return e.Enforce(userName(r.user), partnerName(r.partner), r.obj, r.act)
}

func enforcerOf(v any) *casbin.Enforcer { return v.(*casbin.Enforcer) }
