package admin

import (
	"testing"

	"github.com/matryer/is"
)

// TestMergePatch: absent members stay, null clears where that makes sense
// and is 422 elsewhere, read-only members are refused, If-Match guards.
func TestMergePatch(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.world()
	portal := "/portals/" + w.portalA.ID.String()

	t.Run("absent members are unchanged", func(t *testing.T) {
		f := f.with(t)
		is := is.New(t)
		f.call(req{Method: "PATCH", Path: portal, Body: `{"default_locale": "de_DE"}`}, 200)
		got := f.call(req{Method: "PATCH", Path: portal, Body: `{"name": "Renamed"}`}, 200)
		is.Equal(got["name"], "Renamed")                 // sent member changed
		is.Equal(got["technical_name"], "acme-partners") // absent member kept
		is.Equal(got["default_locale"], "de_DE")         // absent member kept
		got = f.call(req{Method: "PATCH", Path: portal, Body: `{}`}, 200)
		is.Equal(got["name"], "Renamed") // empty patch changes nothing
	})

	t.Run("null resets default_locale", func(t *testing.T) {
		f := f.with(t)
		is := is.New(t)
		got := f.call(req{Method: "PATCH", Path: portal, Body: `{"default_locale": null}`}, 200)
		is.Equal(got["default_locale"], "en_US") // null means the default
		is.Equal(got["name"], "Renamed")         // others kept
	})

	t.Run("null clears optional text", func(t *testing.T) {
		f := f.with(t)
		is := is.New(t)
		res := f.call(req{Method: "PATCH", Path: "/resources/p-2343", Body: `{"kind": null}`}, 200)
		is.Equal(res["kind"], "")                     // kind cleared
		is.Equal(res["name"], "Sales reconciliation") // name kept
		attr := f.call(req{Method: "PATCH", Path: portal + "/attributes/" + w.attrA.ID.String(), Body: `{"label": null}`}, 200)
		is.True(attr["label"] != "Tenant ID") // label cleared
		is.Equal(attr["name"], "tenant_id")   // name kept
	})

	t.Run("null is refused where nothing can be cleared", func(t *testing.T) {
		f := f.with(t)
		for _, c := range []struct{ path, body, field string }{
			{portal, `{"name": null}`, "name"},
			{portal, `{"technical_name": null}`, "technical_name"},
			{"/partners/" + w.partnerA.ID.String(), `{"name": null}`, "name"},
			{"/partners/" + w.partnerA.ID.String() + "/teams/" + w.teamA.ID.String(), `{"name": null}`, "name"},
			{portal + "/roles/" + w.roleA.ID.String(), `{"name": null}`, "name"},
			{portal + "/attributes/" + w.attrA.ID.String(), `{"allow_multiple_values": null}`, "allow_multiple_values"},
			{"/resources/p-2343", `{"name": null}`, "name"},
			{"/service-accounts/" + w.saOther.ID.String(), `{"name": null}`, "name"},
		} {
			is := is.New(t)
			before := f.snapshot(w)
			resp := f.do(req{Method: "PATCH", Path: c.path, Body: c.body})
			is.Equal(resp.Code, 422) // null on a required member
			p := checkProblem(t, resp, resp.Body.Bytes(), 422, c.path)
			is.Equal(p.Errors, map[string]string{c.field: "cannot be null"}) // names the member
			is.Equal(f.snapshot(w), before)                                  // nothing changed
		}
	})

	t.Run("read-only members are refused", func(t *testing.T) {
		f := f.with(t)
		for _, c := range []struct{ path, body, field string }{
			{portal, `{"partner_id": null}`, "partner_id"},
			{portal, `{"id": "x"}`, "id"},
			{"/partners/" + w.partnerA.ID.String(), `{"created_at": "2020-01-01T00:00:00Z"}`, "created_at"},
			{"/partners/" + w.partnerA.ID.String() + "/teams/" + w.teamA.ID.String(), `{"default": true}`, "default"},
			{portal + "/roles/" + w.roleA.ID.String(), `{"is_system": true}`, "is_system"},
			{portal + "/attributes/" + w.attrA.ID.String(), `{"type": "NUMBER"}`, "type"},
			{"/service-accounts/" + w.saOther.ID.String(), `{"grants": [{"action": "*", "scope": "*"}]}`, "grants"},
		} {
			is := is.New(t)
			before := f.snapshot(w)
			resp := f.do(req{Method: "PATCH", Path: c.path, Body: c.body})
			is.Equal(resp.Code, 422) // read-only member
			p := checkProblem(t, resp, resp.Body.Bytes(), 422, c.path)
			is.Equal(p.Errors, map[string]string{c.field: "cannot be changed"}) // names the member
			is.Equal(f.snapshot(w), before)                                     // nothing changed
		}
	})

	t.Run("If-Match", func(t *testing.T) {
		f := f.with(t)
		is := is.New(t)
		path := "/partners/" + w.partnerA.ID.String()
		etag := f.do(req{Method: "GET", Path: path}).Header().Get("ETag")
		is.Equal(etag, `"1"`) // ETag is the version
		resp := f.do(req{Method: "PATCH", Path: path, Body: `{"name": "Acme"}`, Header: map[string]string{"If-Match": etag}})
		is.Equal(resp.Code, 200)                   // current ETag passes
		is.Equal(resp.Header().Get("ETag"), `"2"`) // and the new one is returned
		before := f.snapshot(w)
		resp = f.do(req{Method: "PATCH", Path: path, Body: `{"name": "Lost Update"}`, Header: map[string]string{"If-Match": etag}})
		is.Equal(resp.Code, 412)        // the old ETag is stale
		is.Equal(f.snapshot(w), before) // and nothing changed
		resp = f.do(req{Method: "PATCH", Path: path, Body: `{"name": "Acme Corp"}`, Header: map[string]string{"If-Match": "*"}})
		is.Equal(resp.Code, 200) // "*" matches any version
		for _, p := range []string{
			"/partners/" + w.partnerA.ID.String() + "/teams/" + w.teamA.ID.String(),
			portal, "/resources/p-2343", "/service-accounts/" + w.saOther.ID.String(),
		} {
			resp := f.do(req{Method: "PATCH", Path: p, Body: `{}`, Header: map[string]string{"If-Match": `"99"`}})
			is.Equal(resp.Code, 412) // every versioned object honours If-Match
		}
	})
}
