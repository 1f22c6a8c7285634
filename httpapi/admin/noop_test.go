package admin

import (
	"net/http"
	"testing"

	"github.com/matryer/is"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
)

// TestPatchThatChangesNothing: a PATCH whose body is null or {} on every
// object the API patches answers 200 with the object as it was: the same
// version, the same ETag, and no audit event (reliability F10: three
// empty PATCHes of a partner used to take its version from 1 to 4).
func TestPatchThatChangesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	env := f.env
	p, err := env.Svc.Partners.Create(env.Sys, partners.CreateParams{Name: "Acme"})
	if err != nil {
		t.Fatal(err)
	}
	team, err := env.Svc.Partners.CreateTeam(env.Sys, p.ID, partners.TeamParams{Name: "Ops"})
	if err != nil {
		t.Fatal(err)
	}
	po, err := env.Svc.Portals.Create(env.Sys, portals.CreateParams{PartnerID: p.ID, Name: "Acme portal", TechnicalName: "acme-portal"})
	if err != nil {
		t.Fatal(err)
	}
	role, err := env.Svc.Portals.CreateRole(env.Sys, po.ID, portals.RoleParams{Name: "Viewer"})
	if err != nil {
		t.Fatal(err)
	}
	attr, err := env.Svc.Portals.CreateAttribute(env.Sys, po.ID, portals.AttributeParams{Name: "level", Type: portals.TypeNumber})
	if err != nil {
		t.Fatal(err)
	}
	res, err := env.Svc.Permissions.CreateResource(env.Sys, permissions.ResourceParams{ID: "p-1", Name: "Project", Kind: "project"})
	if err != nil {
		t.Fatal(err)
	}
	sa, err := env.Svc.Permissions.CreateServiceAccount(env.Sys, permissions.ServiceAccountParams{Name: "Robot"})
	if err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{
		"/partners/" + p.ID.String(),
		"/partners/" + p.ID.String() + "/teams/" + team.ID.String(),
		"/portals/" + po.ID.String(),
		"/portals/" + po.ID.String() + "/roles/" + role.ID.String(),
		"/portals/" + po.ID.String() + "/attributes/" + attr.ID.String(),
		"/resources/" + res.ID,
		"/service-accounts/" + sa.ID.String(),
	} {
		t.Run(path, func(t *testing.T) {
			f := f.with(t)
			is := is.New(t)
			read := f.do(req{Method: "GET", Path: path})
			is.Equal(read.Code, http.StatusOK)
			readBody := f.call(req{Method: "GET", Path: path}, http.StatusOK)
			events := f.eventCount()
			for _, body := range []string{"null", "{}", "null", "{}"} {
				w := f.do(req{Method: "PATCH", Path: path, Body: body})
				is.Equal(w.Code, http.StatusOK)                             // a PATCH that changes nothing is fine
				is.Equal(w.Header().Get("ETag"), read.Header().Get("ETag")) // same ETag: outstanding ones stay valid
				got := f.call(req{Method: "GET", Path: path}, http.StatusOK)
				is.Equal(got["version"], readBody["version"])       // same version
				is.Equal(got["updated_at"], readBody["updated_at"]) // not even touched
				is.Equal(f.eventCount(), events)                    // no audit event
			}
		})
	}
}
