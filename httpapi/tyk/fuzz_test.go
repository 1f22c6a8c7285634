package tyk

import (
	"encoding/json"
	"net/http"
	"testing"
)

// fuzzBody sends f's bodies through the real handler of one endpoint and
// checks that each gets a JSON answer other than 500.
func fuzzBody(f *testing.F, method, path string, seeds ...string) {
	s := newServer(f)
	s.createJohn(f)
	s.team(f, s.org, "Support")
	for _, b := range seeds {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body string) {
		w := s.do(method, path, s.admin, body)
		if w.Code == http.StatusInternalServerError {
			t.Fatalf("500 for %q: %s", body, w.Body)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/json" || !json.Valid(w.Body.Bytes()) {
			t.Fatalf("not a JSON answer for %q: %s %s", body, ct, w.Body)
		}
	})
}

func FuzzDecodeUserCreate(f *testing.F) {
	fuzzBody(f, "POST", "/portal-api/users", johnBody, `{"Email":"a@b.c","First":"A","Last":"B","OrganisationID":2}`,
		`{"Email":"x@y.example","First":"X","Last":"Y","Role":"super-admin","Password":"Passw0rd-long"}`, `{"Email":5}`, `[`, ``)
}

func FuzzDecodeUserUpdate(f *testing.F) {
	fuzzBody(f, "PUT", "/portal-api/users/1", `{"First":"Johnny","Teams":["2"]}`, `{"Active":false,"OrganisationID":0}`,
		`{"Role":"provider-admin"}`, `{"Teams":"x"}`, `null`)
}

func FuzzDecodeOrganisation(f *testing.F) {
	fuzzBody(f, "POST", "/portal-api/organisations", `{"Name":"Acme"}`, `{"Name":""}`, `{"Name":null}`, `{}`)
}

func FuzzDecodeOrganisationUpdate(f *testing.F) {
	fuzzBody(f, "PUT", "/portal-api/organisations/1", `{"Name":"Acme"}`, `{"Name":"   "}`, `"x"`)
}

func FuzzDecodeTeam(f *testing.F) {
	fuzzBody(f, "POST", "/portal-api/organisations/1/teams", `{"Name":"Devs"}`, `{"Name":1}`)
}

func FuzzDecodeTeamUpdate(f *testing.F) {
	fuzzBody(f, "PUT", "/portal-api/organisations/1/teams/2", `{"Name":"Devs","Users":[1]}`, `{"Users":[99,-1]}`, `{"Users":null}`)
}
