package admin

import (
	"encoding/json"
	"net/http"
	"testing"
)

// fuzzEndpoint sends fuzzed bodies through the real handler of one decoding
// endpoint and checks that it never panics, never answers 500 and always
// answers JSON (or 204 with no body). path builds the request path from the
// fixture's world; seeds are the corpus, valid bodies first.
func fuzzEndpoint(f *testing.F, method string, path func(world) string, seeds ...string) {
	seeds = append(seeds, ``, `{`, `null`, `[]`, `"x"`, `{"name": null}`, `{"name": 1e999}`,
		`{"id": "x"}`, `{"name": "\u0000"}`, `{"name": "a"} {}`, `{"grants": [{"scope": null}]}`)
	for _, s := range seeds {
		f.Add(s)
	}
	var (
		fx *fixture
		w  world
	)
	f.Fuzz(func(t *testing.T, body string) {
		if fx == nil {
			// One back end per fuzz process: building it per input would
			// dominate the run; state that builds up is fine for a decoder.
			fx = newFixture(t)
			w = fx.world()
		}
		fx.t = t
		resp := fx.do(req{Method: method, Path: path(w), Body: body, Header: map[string]string{"Content-Type": "application/json"}})
		if resp.Code >= 500 {
			t.Fatalf("status %d for body %q: %s", resp.Code, body, resp.Body)
		}
		if resp.Code == http.StatusNoContent {
			return
		}
		if ct := resp.Header().Get("Content-Type"); ct != "application/json" && ct != "application/problem+json" {
			t.Fatalf("content type %q for body %q", ct, body)
		}
		if !json.Valid(resp.Body.Bytes()) {
			t.Fatalf("invalid JSON response for body %q: %s", body, resp.Body)
		}
	})
}

func partnerPath(w world) string { return "/partners/" + w.partnerA.ID.String() }
func portalPath(w world) string  { return "/portals/" + w.portalA.ID.String() }
func saPath(w world) string      { return "/service-accounts/" + w.saOther.ID.String() }

func FuzzDecodePartnerCreate(f *testing.F) {
	fuzzEndpoint(f, "POST", func(world) string { return "/partners" }, `{"name": "Initech"}`)
}

func FuzzDecodePartnerPatch(f *testing.F) {
	fuzzEndpoint(f, "PATCH", partnerPath, `{"name": "Acme"}`, `{"num": 3}`)
}

func FuzzDecodeTeamCreate(f *testing.F) {
	fuzzEndpoint(f, "POST", func(w world) string { return partnerPath(w) + "/teams" }, `{"name": "Core"}`)
}

func FuzzDecodeTeamPatch(f *testing.F) {
	fuzzEndpoint(f, "PATCH", func(w world) string { return partnerPath(w) + "/teams/" + w.teamA.ID.String() }, `{"name": "Core"}`, `{"default": false}`)
}

func FuzzDecodePortalCreate(f *testing.F) {
	fuzzEndpoint(f, "POST", func(world) string { return "/portals" },
		`{"name": "P", "technical_name": "p-portal"}`, `{"partner_id": "0188f5c4-0000-7000-8000-000000000000", "name": "P", "technical_name": "pp"}`)
}

func FuzzDecodePortalPatch(f *testing.F) {
	fuzzEndpoint(f, "PATCH", portalPath, `{"default_locale": null}`, `{"technical_name": "new-name"}`)
}

func FuzzDecodeRoleCreate(f *testing.F) {
	fuzzEndpoint(f, "POST", func(w world) string { return portalPath(w) + "/roles" }, `{"name": "Editor", "is_system": true}`)
}

func FuzzDecodeRolePatch(f *testing.F) {
	fuzzEndpoint(f, "PATCH", func(w world) string { return portalPath(w) + "/roles/" + w.roleA.ID.String() }, `{"name": "Editor"}`)
}

func FuzzDecodeAttributeCreate(f *testing.F) {
	fuzzEndpoint(f, "POST", func(w world) string { return portalPath(w) + "/attributes" },
		`{"name": "region", "label": "Region", "type": "STRING", "allow_multiple_values": true}`)
}

func FuzzDecodeAttributePatch(f *testing.F) {
	fuzzEndpoint(f, "PATCH", func(w world) string { return portalPath(w) + "/attributes/" + w.attrA.ID.String() },
		`{"label": null, "allow_multiple_values": true}`)
}

func FuzzDecodeResourceCreate(f *testing.F) {
	fuzzEndpoint(f, "POST", func(world) string { return "/resources" }, `{"id": "mt-4323", "name": "Monthly Revenue", "kind": "report"}`)
}

func FuzzDecodeResourcePatch(f *testing.F) {
	fuzzEndpoint(f, "PATCH", func(world) string { return "/resources/p-2343" }, `{"kind": null}`)
}

func FuzzDecodeServiceAccountCreate(f *testing.F) {
	fuzzEndpoint(f, "POST", func(world) string { return "/service-accounts" },
		`{"name": "ci", "grants": [{"action": "users.*", "scope": "*"}]}`)
}

func FuzzDecodeServiceAccountPatch(f *testing.F) {
	fuzzEndpoint(f, "PATCH", saPath, `{"name": "ci"}`)
}

func FuzzDecodeGrantCreate(f *testing.F) {
	fuzzEndpoint(f, "POST", func(w world) string { return saPath(w) + "/grants" },
		`{"action": "portals.read", "scope": "*"}`, `{"action": "users.read", "scope": "portal:0188f5c4-0000-7000-8000-000000000000"}`)
}

func FuzzDecodeUserGrantCreate(f *testing.F) {
	fuzzEndpoint(f, "POST", func(w world) string { return "/users/" + w.userA.ID.String() + "/grants" },
		`{"action": "users.read", "scope": "*"}`)
}

func FuzzDecodeKeyCreate(f *testing.F) {
	fuzzEndpoint(f, "POST", func(w world) string { return saPath(w) + "/keys" },
		`{}`, `{"expires_at": "2030-01-01T00:00:00Z"}`, `{"expires_at": "2000-01-01T00:00:00+02:00"}`)
}
