package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/userkit/userkit/storage"
)

// The round trip: a user created through each API is changed through each
// API that can change users (Solvexia, Venuzle, Tyk; Whaly only creates
// and attaches), and read back through all four (Solvexia, Venuzle, Tyk,
// and Whaly's portal members; the management API shows no user fields).
// Every write must be visible in the others, and writing back exactly what
// an API just showed must be a no-op: the user's version, the audit log
// and what every API shows stay as they were.

// rtUser is a user under test, with the ids each API uses.
type rtUser struct {
	creator string
	email   string // the current email
	rec     storage.UserRecord
}

// view is what one API shows of a user.
type view struct {
	First, Last, Email string
	Status             string // "active"/"inactive" where the API shows it
	Role               string // as the API spells it
	raw                string // the whole answer
	readPath           string
}

var readers = []string{"solvexia", "venuzle", "tyk", "whaly"}

// creators create a user through one API with the admin key; the user is
// then attached (with the other APIs) to partner A and A's portal, so
// that every API can read them.
var creators = []struct {
	api    string
	create func(w *world, t *testing.T, email string)
}{
	{"solvexia", func(w *world, t *testing.T, email string) {
		w.must(t, "POST", "/api/v1/users", fmt.Sprintf(`{"email":%q,"firstName":"Sol","lastName":"Vexia","password":"Samplepassword12","userRole":"Designer","timezone":"(UTC+10:00) Canberra, Melbourne, Sydney"}`, email))
		w.attachToA(t, email, "Sol", "Vexia", true, true)
	}},
	{"venuzle", func(w *world, t *testing.T, email string) {
		w.must(t, "POST", fmt.Sprintf("/api/internal/v1/partners/%d/users", w.a.partner.Num), fmt.Sprintf(`{"first_name":"Ven","last_name":"Uzle","email":%q,"password":"Samplepassword12"}`, email))
		w.attachToA(t, email, "Ven", "Uzle", false, true)
	}},
	{"tyk", func(w *world, t *testing.T, email string) {
		w.must(t, "POST", "/portal-api/users", fmt.Sprintf(`{"Email":%q,"First":"Ty","Last":"Kay","OrganisationID":%d,"Role":"consumer-admin","Active":true}`, email, w.a.partner.Num))
		w.attachToA(t, email, "Ty", "Kay", false, true)
	}},
	{"whaly", func(w *world, t *testing.T, email string) {
		w.must(t, "POST", "/v1/partner-portals/"+w.a.portal.ID.String()+"/users", fmt.Sprintf(`{"first_name":"Wha","last_name":"Ly","email":%q,"password":"Samplepassword12","roles":[%q]}`, email, w.a.memberRole.ID))
		w.attachToA(t, email, "Wha", "Ly", true, false)
	}},
}

// must sends a request with the admin key and fails the test unless it
// answers 2xx.
func (w *world) must(t *testing.T, method, path, body string) string {
	t.Helper()
	code, resp := w.do(method, path, w.admin, body)
	if code < 200 || code > 299 {
		t.Fatalf("%s %s %s with the admin key: want 2xx, got %d\nbody: %s", method, path, body, code, short(resp))
	}
	return resp
}

func (w *world) attachToA(t *testing.T, email, first, last string, partner, portal bool) {
	t.Helper()
	if partner {
		w.must(t, "POST", fmt.Sprintf("/api/internal/v1/partners/%d/users", w.a.partner.Num), fmt.Sprintf(`{"first_name":%q,"last_name":%q,"email":%q,"password":"Attach ignores this 1"}`, first, last, email))
	}
	if portal {
		w.must(t, "POST", "/v1/partner-portals/"+w.a.portal.ID.String()+"/users", fmt.Sprintf(`{"first_name":%q,"last_name":%q,"email":%q,"roles":[%q]}`, first, last, email, w.a.memberRole.ID))
	}
}

func (w *world) record(t *testing.T, email string) storage.UserRecord {
	t.Helper()
	rec, err := w.store.GetUserByEmail(context.Background(), strings.ToLower(email))
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return rec
}

// read is what api shows of the user.
func (w *world) read(t *testing.T, api string, u storage.UserRecord) view {
	t.Helper()
	var path string
	switch api {
	case "solvexia":
		path = fmt.Sprintf("/api/v1/users/u-%d", u.Num)
	case "venuzle":
		path = fmt.Sprintf("/api/internal/v1/partners/%d/users/%d", w.a.partner.Num, u.Num)
	case "tyk":
		path = fmt.Sprintf("/portal-api/users/%d", u.Num)
	case "whaly":
		path = "/v1/partner-portals/" + w.a.portal.ID.String() + "/users/" + u.ID.String()
	}
	raw := w.must(t, "GET", path, "")
	v := view{raw: raw, readPath: path}
	var err error
	switch api {
	case "solvexia":
		var s struct{ FirstName, LastName, Email, AccountStatus, UserRole string }
		err = json.Unmarshal([]byte(raw), &s)
		v.First, v.Last, v.Email, v.Role = s.FirstName, s.LastName, s.Email, s.UserRole
		v.Status = map[bool]string{true: "active", false: "inactive"}[s.AccountStatus == "Active"]
	case "venuzle":
		var s struct {
			Data struct {
				FirstName string `json:"first_name"`
				LastName  string `json:"last_name"`
				Email     string `json:"email"`
			} `json:"data"`
		}
		err = json.Unmarshal([]byte(raw), &s)
		v.First, v.Last, v.Email = s.Data.FirstName, s.Data.LastName, s.Data.Email
	case "tyk":
		var s struct {
			First, Last, Email, Role string
			Active                   bool
		}
		err = json.Unmarshal([]byte(raw), &s)
		v.First, v.Last, v.Email, v.Role = s.First, s.Last, s.Email, s.Role
		v.Status = map[bool]string{true: "active", false: "inactive"}[s.Active]
	case "whaly":
		var s struct {
			FirstName string `json:"first_name"`
			LastName  string `json:"last_name"`
			Email     string `json:"email"`
		}
		err = json.Unmarshal([]byte(raw), &s)
		v.First, v.Last, v.Email = s.FirstName, s.LastName, s.Email
	}
	if err != nil {
		t.Fatalf("GET %s: %v\nbody: %s", path, err, short(raw))
	}
	return v
}

// writes change first name, last name, email and (where the API has it)
// the status through one API.
var writes = []struct {
	api   string
	write func(w *world, t *testing.T, u storage.UserRecord, first, last, email string, active bool)
}{
	{"solvexia", func(w *world, t *testing.T, u storage.UserRecord, first, last, email string, active bool) {
		st := map[bool]string{true: "Active", false: "Suspended"}[active]
		w.must(t, "POST", fmt.Sprintf("/api/v1/users/u-%d", u.Num), fmt.Sprintf(`{"firstName":%q,"lastName":%q,"email":%q,"accountStatus":%q}`, first, last, email, st))
	}},
	{"venuzle", func(w *world, t *testing.T, u storage.UserRecord, first, last, email string, _ bool) {
		w.must(t, "PUT", fmt.Sprintf("/api/internal/v1/partners/%d/users/%d", w.a.partner.Num, u.Num), fmt.Sprintf(`{"first_name":%q,"last_name":%q,"email":%q,"password":"Attach ignores this 1"}`, first, last, email))
	}},
	{"tyk", func(w *world, t *testing.T, u storage.UserRecord, first, last, email string, active bool) {
		w.must(t, "PUT", fmt.Sprintf("/portal-api/users/%d", u.Num), fmt.Sprintf(`{"First":%q,"Last":%q,"Email":%q,"Active":%t}`, first, last, email, active))
	}},
}

func TestRoundTripVisibleEverywhere(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		for _, c := range creators {
			t.Run(be.name+"/created by "+c.api, func(t *testing.T) {
				t.Parallel()
				w := newWorld(t, be)
				email := "rt." + c.api + "@example.com"
				c.create(w, t, email)
				for i, wr := range writes {
					u := w.record(t, email)
					first, last := "F"+wr.api, "L"+wr.api
					email = fmt.Sprintf("rt.%s.by.%s@example.com", c.api, wr.api)
					active := i%2 == 1 // Solvexia suspends, Tyk reactivates
					wr.write(w, t, u, first, last, email, active)
					for _, api := range readers {
						v := w.read(t, api, u)
						if v.First != first || v.Last != last || v.Email != email {
							t.Errorf("user created by %s, changed through %s to %s %s <%s>: GET %s (%s) shows %s %s <%s>\nbody: %s",
								c.api, wr.api, first, last, email, v.readPath, api, v.First, v.Last, v.Email, short(v.raw))
						}
						if wr.api != "venuzle" && v.Status != "" {
							want := map[bool]string{true: "active", false: "inactive"}[active]
							if v.Status != want {
								t.Errorf("user created by %s, status set %s through %s: GET %s (%s) shows %s\nbody: %s",
									c.api, want, wr.api, v.readPath, api, v.Status, short(v.raw))
							}
						}
					}
				}
			})
		}
	}
}

// writeBacks send back exactly what an API showed of the user.
var writeBacks = []struct {
	api  string
	send func(w *world, u storage.UserRecord, shown view) (method, path, body string)
}{
	{"solvexia", func(w *world, u storage.UserRecord, shown view) (string, string, string) {
		return "POST", shown.readPath, shown.raw
	}},
	{"venuzle", func(w *world, u storage.UserRecord, shown view) (string, string, string) {
		var s struct{ Data json.RawMessage }
		_ = json.Unmarshal([]byte(shown.raw), &s)
		return "PUT", shown.readPath, string(s.Data)
	}},
	{"tyk", func(w *world, u storage.UserRecord, shown view) (string, string, string) {
		return "PUT", shown.readPath, shown.raw
	}},
}

func (w *world) eventCount(t testing.TB) int {
	n := 0
	for _, l := range dump(t, w.store) {
		if strings.HasPrefix(l, "event ") {
			n++
		}
	}
	return n
}

func TestRoundTripWriteBackIsNoOp(t *testing.T) {
	t.Parallel()
	for _, be := range backends {
		for _, c := range creators {
			for _, wb := range writeBacks {
				t.Run(be.name+"/created by "+c.api+"/written back through "+wb.api, func(t *testing.T) {
					t.Parallel()
					w := newWorld(t, be)
					email := "rt." + c.api + "@example.com"
					c.create(w, t, email)
					before := w.record(t, email)
					views := map[string]view{}
					for _, api := range readers {
						views[api] = w.read(t, api, before)
					}
					events := w.eventCount(t)
					if r := w.record(t, email); r.Version != before.Version {
						t.Errorf("reading the user created by %s through every API changed its version %d -> %d", c.api, before.Version, r.Version)
					}

					method, path, body := wb.send(w, before, views[wb.api])
					code, resp := w.do(method, path, w.admin, body)
					req := fmt.Sprintf("%s %s body %s", method, path, body)
					if code < 200 || code > 299 {
						t.Fatalf("user created by %s: writing back what %s showed: want 2xx, got %d\nrequest: %s\nanswer: %s", c.api, wb.api, code, req, short(resp))
					}
					after := w.record(t, email)
					if after.Version != before.Version {
						t.Errorf("user created by %s: writing back what %s showed is not a no-op: version %d -> %d\nrequest: %s\nstored before: %s\nstored after:  %s",
							c.api, wb.api, before.Version, after.Version, req, fields(before), fields(after))
					}
					if n := w.eventCount(t); n != events {
						t.Errorf("user created by %s: writing back what %s showed wrote %d audit event(s)\nrequest: %s", c.api, wb.api, n-events, req)
					}
					if fields(after) != fields(before) {
						t.Errorf("user created by %s: writing back what %s showed changed the stored user\nrequest: %s\nbefore: %s\nafter:  %s", c.api, wb.api, req, fields(before), fields(after))
					}
					for _, api := range readers {
						if v := w.read(t, api, after); v.raw != views[api].raw {
							t.Errorf("user created by %s: after writing back what %s showed, %s shows something else\nGET %s\nbefore: %s\nafter:  %s",
								c.api, wb.api, api, v.readPath, short(views[api].raw), short(v.raw))
						}
					}
				})
			}
		}
	}
}

// fields are the stored user's fields the APIs show or write.
func fields(u storage.UserRecord) string {
	return fmt.Sprintf("email=%q first=%q last=%q status=%s role=%q timezone=%q provider=%q locale=%q mustReset=%t",
		u.Email, u.FirstName, u.LastName, u.Status, u.Role, u.Timezone, u.Provider, u.Locale, u.MustResetPassword)
}
