package admin

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/userkit/userkit/httpapi/internal/apispec"
)

// TestOpenAPI sends a valid request to every route and validates each
// answer (status, headers, body, read strictly) against the package's
// OpenAPI 3.1 document; apispec.New fails when a route has no operation.
func TestOpenAPI(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	w := f.world()
	spec := apispec.New(t, OpenAPI(), f.h.(*http.ServeMux))
	do := func(method, path, body string) {
		t.Helper()
		spec.Do(t, apispec.Request{Method: method, Path: Base + path, Auth: f.admin, Body: body})
	}
	pa, pb := "/partners/"+w.partnerA.ID.String(), w.partnerB.ID.String()

	do("GET", "/partners?limit=1", "")
	do("GET", pa, "")
	do("PATCH", pa, `{"name":"Acme"}`)
	do("DELETE", "/partners/"+createdID(t, spec, f.admin, "/partners", `{"name":"Initech"}`), "")

	do("GET", pa+"/teams", "")
	do("GET", pa+"/teams/"+w.teamA.ID.String(), "")
	team := pa + "/teams/" + createdID(t, spec, f.admin, pa+"/teams", `{"name":"Operations"}`)
	do("PATCH", team, `{"name":"Support"}`)
	do("DELETE", team, "")

	po := "/portals/" + w.portalA.ID.String()
	do("GET", "/portals?partner_id="+w.partnerA.ID.String(), "")
	do("GET", po, "")
	do("PATCH", po, `{"default_locale":null}`)
	do("DELETE", "/portals/"+createdID(t, spec, f.admin, "/portals",
		`{"partner_id":"`+pb+`","name":"Globex staff","technical_name":"globex-staff","default_locale":"de_DE"}`), "")

	do("GET", po+"/roles", "")
	do("GET", po+"/roles/"+w.roleA.ID.String(), "")
	role := po + "/roles/" + createdID(t, spec, f.admin, po+"/roles", `{"name":"Editor"}`)
	do("PATCH", role, `{"name":"Chief editor"}`)
	do("DELETE", role, "")

	do("GET", po+"/attributes", "")
	do("GET", po+"/attributes/"+w.attrA.ID.String(), "")
	attr := po + "/attributes/" + createdID(t, spec, f.admin, po+"/attributes", `{"name":"region","label":"Region","type":"STRING"}`)
	do("PATCH", attr, `{"label":null,"allow_multiple_values":true}`)
	do("DELETE", attr, "")

	do("GET", "/resources", "")
	do("GET", "/resources/p-2343", "")
	do("PATCH", "/resources/p-2343", `{"kind":null}`)
	do("DELETE", "/resources/"+createdID(t, spec, f.admin, "/resources", `{"id":"p-1","name":"Payroll","kind":"process"}`), "")

	sa := "/service-accounts/" + w.saOther.ID.String()
	do("GET", "/service-accounts", "")
	do("GET", sa, "")
	do("PATCH", sa, `{"name":"reports"}`)
	do("DELETE", "/service-accounts/"+createdID(t, spec, f.admin, "/service-accounts",
		`{"name":"ci","grants":[{"action":"users.read","scope":"*"}]}`), "")

	for _, who := range []string{sa, "/users/" + w.userB.ID.String()} {
		do("GET", who+"/grants", "")
		do("DELETE", who+"/grants/"+createdID(t, spec, f.admin, who+"/grants", `{"action":"users.update","scope":"partner:`+pb+`"}`), "")
	}
	do("GET", sa+"/grants/"+w.grantOther.ID.String(), "")
	do("GET", "/users/"+w.userB.ID.String()+"/grants/"+w.grantUsr.ID.String(), "")

	do("GET", sa+"/keys", "")
	do("GET", sa+"/keys/"+w.keyOther.ID.String(), "")
	do("DELETE", sa+"/keys/"+createdID(t, spec, f.admin, sa+"/keys", `{"expires_at":"2030-01-01T00:00:00Z"}`), "")

	do("POST", "/users/"+w.userA.ID.String()+"/token", "")
	do("GET", "/events?partner_id="+w.partnerA.ID.String(), "")
	spec.Covered(t)
}

// created sends a create through spec and returns the new object's id.
func createdID(t *testing.T, spec *apispec.Spec, auth, path, body string) string {
	t.Helper()
	rec := spec.Do(t, apispec.Request{Method: "POST", Path: Base + path, Auth: auth, Body: body})
	var out struct{ ID string }
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.ID == "" {
		t.Fatalf("POST %s: no id in %s", path, rec.Body)
	}
	return out.ID
}
