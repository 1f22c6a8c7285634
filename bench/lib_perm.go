package main

// LIBRARY CALLS (permission check). The RBAC-with-domains policy as
// userkit state: userkit has no roles for grants, so each role's
// permissions are materialised as per-user grants (user, action,
// partner:P) in the memory store, and the check is
// permissions.Service.Require, the function the services call.

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

type ukPolicy struct {
	authz *permissions.Service
	users []uuid.UUID
	parts []uuid.UUID
	// ctx[i] carries user i as principal (made up front: not the check's cost)
	ctx []context.Context
}

func buildUserkitPolicy(ctx context.Context, p *policy) (*ukPolicy, error) {
	s := newMemoryStore()
	at := base
	u := &ukPolicy{users: make([]uuid.UUID, p.users), parts: make([]uuid.UUID, p.partners), ctx: make([]context.Context, p.users)}
	for j := range u.parts {
		rec := storage.PartnerRecord{ID: partnerID(j), Name: fmt.Sprintf("Partner %d", j), CreatedAt: at, UpdatedAt: at, Version: 1}
		if err := s.CreatePartner(ctx, &rec); err != nil {
			return nil, err
		}
		u.parts[j] = rec.ID
	}
	gid := uint64(0)
	for i := range u.users {
		rec := memRecord(i)
		if err := s.CreateUser(ctx, &rec); err != nil {
			return nil, err
		}
		u.users[i] = rec.ID
		u.ctx[i] = permissions.WithPrincipal(ctx, permissions.UserPrincipal(rec.ID))
		pid := u.parts[p.partnerOf(i)]
		if err := s.AddPartnerMember(ctx, storage.PartnerMemberRecord{PartnerID: pid, UserID: rec.ID, CreatedAt: at}); err != nil {
			return nil, err
		}
		for _, perm := range p.roles[p.roleOf(i)] {
			gid++
			g := storage.GrantRecord{ID: v7(at, gid<<8|3), PrincipalID: rec.ID, Action: perm.obj + "." + perm.act,
				ScopeKind: storage.ScopePartner, ScopeID: pid, CreatedAt: at}
			if err := s.AddGrant(ctx, &g); err != nil {
				return nil, err
			}
		}
	}
	u.authz = permissions.New(s, nil)
	return u, nil
}

// check is one decision: may user i do obj.act on partner j?
func (u *ukPolicy) check(i, j int, obj, act string) (bool, error) {
	err := u.authz.Require(u.ctx[i], permissions.Action(obj+"."+act), permissions.PartnerScope(u.parts[j]))
	if err == nil {
		return true, nil
	}
	if isForbidden(err) {
		return false, nil
	}
	return false, err
}
