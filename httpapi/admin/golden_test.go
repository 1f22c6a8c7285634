package admin

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/userkit/userkit/users"
)

// TestGolden walks every endpoint once, in an order that builds on itself,
// and locks each response (status, headers, body) in testdata/.
func TestGolden(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }

	// Partners and teams.
	w := f.do(req{Method: "POST", Path: "/partners", Body: `{"name": "Default Organisation"}`})
	var p partnerDTO
	mustJSON(t, w.Body.Bytes(), &p)
	f.name(p.ID, "partner")
	f.golden("partners_create", w)
	f.env.Clock.Advance(time.Hour)
	other := f.call(req{Method: "POST", Path: "/partners", Body: `{"name": "Globex"}`}, 201)
	f.name(str(other, "id"), "partner_globex")
	f.golden("partners_list", f.do(req{Method: "GET", Path: "/partners"}))
	f.golden("partners_list_page1", f.do(req{Method: "GET", Path: "/partners?limit=1"}))
	page1 := f.call(req{Method: "GET", Path: "/partners?limit=1"}, 200)
	after := page1["paging"].(map[string]any)["next"].(map[string]any)["after"].(string)
	f.golden("partners_list_page2", f.do(req{Method: "GET", Path: "/partners?limit=1&after=" + after}))
	f.golden("partners_get", f.do(req{Method: "GET", Path: "/partners/" + p.ID}))
	f.golden("partners_update", f.do(req{Method: "PATCH", Path: "/partners/" + p.ID, Body: `{"name": "Acme Corp"}`,
		Header: map[string]string{"If-Match": `"1"`}}))

	f.golden("teams_create", f.do(req{Method: "POST", Path: "/partners/" + p.ID + "/teams", Body: `{"name": "Developers"}`}))
	teams := f.call(req{Method: "GET", Path: "/partners/" + p.ID + "/teams"}, 200)["data"].([]any)
	for _, x := range teams {
		tm := x.(map[string]any)
		if tm["default"] == true {
			f.name(tm["id"].(string), "team_default")
		} else {
			f.name(tm["id"].(string), "team_developers")
		}
	}
	teamID := str(teams[len(teams)-1].(map[string]any), "id")
	f.golden("teams_list", f.do(req{Method: "GET", Path: "/partners/" + p.ID + "/teams"}))
	f.golden("teams_get", f.do(req{Method: "GET", Path: "/partners/" + p.ID + "/teams/" + teamID}))
	f.golden("teams_update", f.do(req{Method: "PATCH", Path: "/partners/" + p.ID + "/teams/" + teamID, Body: `{"name": "API Developers"}`}))
	f.golden("teams_delete", f.do(req{Method: "DELETE", Path: "/partners/" + p.ID + "/teams/" + teamID}))

	// Portals, roles, attributes.
	w = f.do(req{Method: "POST", Path: "/portals", Body: `{"partner_id": "` + p.ID + `", "name": "Acme Partners", "technical_name": "acme-partners"}`})
	portalID := f.name(str(decode(t, w.Body.Bytes()), "id"), "portal")
	f.golden("portals_create", w)
	w = f.do(req{Method: "POST", Path: "/portals", Body: `{"name": "Host Portal", "technical_name": "host", "default_locale": "de_DE"}`})
	f.name(str(decode(t, w.Body.Bytes()), "id"), "portal_host")
	f.golden("portals_create_no_partner", w)
	f.golden("portals_list", f.do(req{Method: "GET", Path: "/portals"}))
	f.golden("portals_list_partner", f.do(req{Method: "GET", Path: "/portals?partner_id=" + p.ID}))
	f.golden("portals_get", f.do(req{Method: "GET", Path: "/portals/" + portalID}))
	f.golden("portals_update", f.do(req{Method: "PATCH", Path: "/portals/" + portalID, Body: `{"name": "Acme Partner Portal", "default_locale": "fr_FR"}`}))

	w = f.do(req{Method: "POST", Path: "/portals/" + portalID + "/roles", Body: `{"name": "Admin Builder", "is_system": true}`})
	f.name(str(decode(t, w.Body.Bytes()), "id"), "role_admin_builder")
	f.golden("roles_create", w)
	roleID := f.name(str(f.call(req{Method: "POST", Path: "/portals/" + portalID + "/roles", Body: `{"name": "Report Viewer"}`}, 201), "id"), "role_report_viewer")
	f.golden("roles_list", f.do(req{Method: "GET", Path: "/portals/" + portalID + "/roles"}))
	f.golden("roles_get", f.do(req{Method: "GET", Path: "/portals/" + portalID + "/roles/" + roleID}))
	f.golden("roles_update", f.do(req{Method: "PATCH", Path: "/portals/" + portalID + "/roles/" + roleID, Body: `{"name": "Viewer"}`}))
	f.golden("roles_delete", f.do(req{Method: "DELETE", Path: "/portals/" + portalID + "/roles/" + roleID}))

	w = f.do(req{Method: "POST", Path: "/portals/" + portalID + "/attributes", Body: `{"name": "tenant_id", "label": "Tenant ID", "type": "STRING", "allow_multiple_values": false}`})
	attrID := f.name(str(decode(t, w.Body.Bytes()), "id"), "attribute")
	f.golden("attributes_create", w)
	f.golden("attributes_list", f.do(req{Method: "GET", Path: "/portals/" + portalID + "/attributes"}))
	f.golden("attributes_get", f.do(req{Method: "GET", Path: "/portals/" + portalID + "/attributes/" + attrID}))
	f.golden("attributes_update", f.do(req{Method: "PATCH", Path: "/portals/" + portalID + "/attributes/" + attrID, Body: `{"label": "Tenant", "allow_multiple_values": true}`}))
	f.golden("attributes_delete", f.do(req{Method: "DELETE", Path: "/portals/" + portalID + "/attributes/" + attrID}))

	// Resources (ids chosen by the caller, the Solvexia seed's).
	f.golden("resources_create", f.do(req{Method: "POST", Path: "/resources", Body: `{"id": "p-2343", "name": "Sales reconciliation", "kind": "process"}`}))
	f.call(req{Method: "POST", Path: "/resources", Body: `{"id": "mt-4323", "name": "Monthly Revenue", "kind": "report"}`}, 201)
	f.golden("resources_list", f.do(req{Method: "GET", Path: "/resources"}))
	f.golden("resources_get", f.do(req{Method: "GET", Path: "/resources/p-2343"}))
	f.golden("resources_update", f.do(req{Method: "PATCH", Path: "/resources/p-2343", Body: `{"name": "Sales reconciliation 2023", "kind": null}`}))
	f.golden("resources_delete", f.do(req{Method: "DELETE", Path: "/resources/mt-4323"}))

	// Service accounts, grants, keys.
	w = f.do(req{Method: "POST", Path: "/service-accounts", Body: `{"name": "reporting", "grants": [{"action": "users.*", "scope": "partner:` + p.ID + `"}, {"action": "portals.read", "scope": "portal:` + portalID + `"}]}`})
	sa := decode(t, w.Body.Bytes())
	saID := f.name(str(sa, "id"), "service_account")
	for i, g := range sa["grants"].([]any) {
		f.name(str(g.(map[string]any), "id"), []string{"grant_users", "grant_portals"}[i])
	}
	f.golden("service_accounts_create", w)
	f.golden("service_accounts_get", f.do(req{Method: "GET", Path: "/service-accounts/" + saID}))
	f.golden("service_accounts_update", f.do(req{Method: "PATCH", Path: "/service-accounts/" + saID, Body: `{"name": "nightly reporting"}`, Header: map[string]string{"If-Match": `"1"`}}))
	f.golden("service_accounts_list", f.do(req{Method: "GET", Path: "/service-accounts?limit=100"}))
	w = f.do(req{Method: "POST", Path: "/service-accounts/" + saID + "/grants", Body: `{"action": "permissions.read", "scope": "*"}`})
	grantID := f.name(str(decode(t, w.Body.Bytes()), "id"), "grant_permissions")
	f.golden("service_account_grants_add", w)
	f.golden("service_account_grants_get", f.do(req{Method: "GET", Path: "/service-accounts/" + saID + "/grants/" + grantID}))
	f.golden("service_account_grants_list", f.do(req{Method: "GET", Path: "/service-accounts/" + saID + "/grants"}))
	f.golden("service_account_grants_delete", f.do(req{Method: "DELETE", Path: "/service-accounts/" + saID + "/grants/" + grantID}))

	w = f.do(req{Method: "POST", Path: "/service-accounts/" + saID + "/keys", Body: `{"expires_at": "2024-06-23T21:02:00Z"}`})
	key := decode(t, w.Body.Bytes())
	keyID := f.name(str(key, "id"), "key")
	f.name(str(key, "key"), "secret")
	f.name(str(key, "prefix"), "prefix")
	f.golden("keys_create", w)
	w = f.do(req{Method: "POST", Path: "/service-accounts/" + saID + "/keys"})
	key2 := decode(t, w.Body.Bytes())
	f.name(str(key2, "id"), "key_no_expiry")
	f.name(str(key2, "key"), "secret_no_expiry")
	f.name(str(key2, "prefix"), "prefix_no_expiry")
	f.golden("keys_create_no_body", w)
	f.golden("keys_list", f.do(req{Method: "GET", Path: "/service-accounts/" + saID + "/keys"}))
	f.golden("keys_get", f.do(req{Method: "GET", Path: "/service-accounts/" + saID + "/keys/" + keyID}))
	f.golden("keys_delete", f.do(req{Method: "DELETE", Path: "/service-accounts/" + saID + "/keys/" + keyID}))

	// Users: grants and the API token.
	u, _, err := f.env.Svc.Partners.AddUser(f.env.Sys, mustUUID(t, p.ID), users.CreateParams{Email: "mona.benson@example.com", FirstName: "Mona", LastName: "Benson"})
	if err != nil {
		t.Fatal(err)
	}
	f.name(u.ID.String(), "user")
	w = f.do(req{Method: "POST", Path: "/users/" + u.ID.String() + "/grants", Body: `{"action": "users.read", "scope": "partner:` + p.ID + `"}`})
	ugID := f.name(str(decode(t, w.Body.Bytes()), "id"), "user_grant")
	f.golden("user_grants_add", w)
	f.golden("user_grants_get", f.do(req{Method: "GET", Path: "/users/" + u.ID.String() + "/grants/" + ugID}))
	f.golden("user_grants_list", f.do(req{Method: "GET", Path: "/users/" + u.ID.String() + "/grants"}))
	f.golden("user_grants_delete", f.do(req{Method: "DELETE", Path: "/users/" + u.ID.String() + "/grants/" + ugID}))
	f.env.Clock.Advance(time.Minute)
	w = f.do(req{Method: "POST", Path: "/users/" + u.ID.String() + "/token"})
	f.name(str(decode(t, w.Body.Bytes()), "token"), "token")
	f.golden("users_token", w)

	// Deletes last, then the audit log.
	f.golden("service_accounts_delete", f.do(req{Method: "DELETE", Path: "/service-accounts/" + saID}))
	f.golden("portals_delete", f.do(req{Method: "DELETE", Path: "/portals/" + f.keyOf("{portal_host}")}))
	f.golden("partners_delete", f.do(req{Method: "DELETE", Path: "/partners/" + str(other, "id")}))
	f.golden("events_target", f.do(req{Method: "GET", Path: "/events?target_id=" + p.ID}))
	f.golden("events_partner_page", f.do(req{Method: "GET", Path: "/events?partner_id=" + p.ID + "&limit=3"}))
}

// keyOf returns the id named placeholder.
func (f *fixture) keyOf(placeholder string) string {
	for id, ph := range f.names {
		if ph == placeholder {
			return id
		}
	}
	f.t.Fatalf("no id named %s", placeholder)
	return ""
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	mustJSON(t, b, &m)
	return m
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
}
