package console_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// chromium finds the browser, skipping the test without one unless
// USERKIT_REQUIRE_BROWSER=1 (CI), where a missing browser fails it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("USERKIT_REQUIRE_BROWSER") == "1" {
		t.Fatal("USERKIT_REQUIRE_BROWSER=1 but no chromium on PATH (apt-get install -y chromium)")
	}
	t.Skip("no chromium on PATH: skipping the browser test (apt-get install -y chromium; USERKIT_REQUIRE_BROWSER=1 makes this a failure)")
	return ""
}

// TestBrowser drives the console in headless Chromium: sign in, create a
// user, find them, edit them, see the change in the audit log; a
// partner-scoped administrator cannot see another partner's users; a page
// without a session goes to sign-in. With USERKIT_SCREENSHOTS=<dir> it also
// saves screenshots of the main pages at laptop and phone widths.
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	w := newWorld(t)
	seedPeople(t, w)
	base := w.srv.URL + prefix
	shots := os.Getenv("USERKIT_SCREENSHOTS")

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(bin),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(ctx)
	defer cancelTab()

	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	location := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// shoot saves the current page at laptop and phone widths.
	shoot := func(name string) {
		t.Helper()
		if shots == "" {
			return
		}
		sizes := []struct {
			suffix string
			w, h   int64
			opts   []chromedp.EmulateViewportOption
		}{
			{"laptop", 1280, 800, nil},
			{"phone", 390, 844, []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulatePortrait}},
		}
		for _, s := range sizes {
			do("viewport", chromedp.EmulateViewport(s.w, s.h, s.opts...), chromedp.Reload(), chromedp.WaitVisible("#main"))
			// Laptop: the whole page; phone: the first screen, as a
			// person holding the phone sees it.
			capture := chromedp.FullScreenshot(100)
			if s.suffix == "phone" {
				capture = chromedp.CaptureScreenshot()
			}
			png, err := chromedp.Run(ctx, capture)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(shots, name+"-"+s.suffix+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		do("viewport", chromedp.EmulateViewport(1280, 800))
	}

	// Every step that loads a page waits for proof of that page: the load
	// event of the new document (chromedp.RunResponse around the click or
	// the submit), then a selector only the expected page matches (main's
	// data-page, and for a search the caption naming the search term).
	// Never a sleep, and never an element the previous page had too, so a
	// slow machine cannot make a step read the page before.
	goTo := func(what, url, proof string) {
		t.Helper()
		do(what, chromedp.Navigate(url), chromedp.WaitReady(proof))
	}
	follow := func(what, proof string, trigger ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if _, err := chromedp.RunResponse(ctx, trigger...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		do(what+": wait for "+proof, chromedp.WaitReady(proof))
	}
	page := func(name string) string { return `main[data-page="` + name + `"]` }

	// A page without a session goes to sign-in, and back after it.
	goTo("open users", base+"/users", page("signin")+" #f-Email")
	if loc := location(); !strings.Contains(loc, "/console/signin?next=%2Fusers") {
		t.Fatalf("without a session /users went to %s, want the sign-in page", loc)
	}
	shoot("signin")

	// Sign in with email and password.
	do("fill in sign-in", chromedp.SendKeys("#f-Email", w.adminUser.Email), chromedp.SendKeys("#f-Password", adminPassword))
	follow("sign in", page("users")+` form[role="search"]`, chromedp.Submit("#f-Password"))
	if loc := location(); !strings.HasSuffix(loc, "/console/users") {
		t.Fatalf("after sign-in at %s, want /console/users", loc)
	}
	shoot("users")

	// Create a user.
	follow("new user form", page("user_new")+" #f-FirstName", chromedp.Click(`a[href="/console/users/new"]`))
	do("fill in new user",
		chromedp.SendKeys("#f-Email", "zelda.fitz@example.com"),
		chromedp.SendKeys("#f-FirstName", "Zelda"),
		chromedp.SendKeys("#f-LastName", "Fitzgerald"),
		chromedp.SendKeys("#f-Password", "Greatgatsby25"),
	)
	follow("create user", page("user")+" #profile-h", chromedp.Submit("#f-Email"))
	if s := text(".notice"); !strings.Contains(s, "zelda.fitz@example.com created") {
		t.Fatalf("after creating: notice %q", s)
	}

	// Find them by search, open them, edit them.
	goTo("users", base+"/users", page("users")+" #f-Search")
	do("type search", chromedp.SendKeys("#f-Search", "fitzg"))
	follow("search", page("users")+` caption[data-search="fitzg"]`, chromedp.Submit("#f-Search"))
	if loc := location(); !strings.Contains(loc, "q=fitzg") {
		t.Fatalf("search went to %s", loc)
	}
	if s := text("table.list tbody"); !strings.Contains(s, "zelda.fitz@example.com") || strings.Contains(s, w.userA.Email) {
		t.Fatalf("search for fitzg shows %q", s)
	}
	follow("open user", page("user")+" #profile-h", chromedp.Click(`table.list tbody a`))
	do("edit user",
		chromedp.SendKeys("#f-Department", "Research"),
		chromedp.Clear("#f-City"),
		chromedp.SendKeys("#f-City", "Saint Paul"),
	)
	// The page the link opened had no notice; the one after saving has.
	follow("save user", page("user")+" .notice", chromedp.Submit("#f-Department"))
	if s := text(".notice"); !strings.Contains(s, "Changes saved") {
		t.Fatalf("after saving: notice %q", s)
	}
	shoot("user")
	sys := permissions.WithPrincipal(context.Background(), permissions.System)
	z, err := w.us.GetByEmail(sys, "zelda.fitz@example.com")
	if err != nil || z.Department != "Research" || z.City != "Saint Paul" {
		t.Fatalf("stored user %+v, %v; want department Research, city Saint Paul", z, err)
	}

	// The change is in the audit log.
	follow("audit log", page("events")+` table.list`, chromedp.Click(`a[href^="/console/events?target="]`))
	if s := text("table.list tbody"); !strings.Contains(s, "users.update") || !strings.Contains(s, "users.create") {
		t.Fatalf("audit log for the user shows %q", s)
	}
	goTo("whole audit log", base+"/events", page("events")+" table.list")
	shoot("events")

	// Sign out; a partner-scoped administrator sees only their partner.
	follow("sign out", page("signin")+" #f-Key", chromedp.Click(".who button"))
	do("fill in key", chromedp.SendKeys("#f-Key", w.partnerKey))
	follow("sign in with key", page("users")+` form[role="search"]`, chromedp.Submit("#f-Key"))
	list := text("#main")
	if !strings.Contains(list, w.userA.Email) || strings.Contains(list, w.userB.Email) || strings.Contains(list, "zelda") {
		t.Fatalf("partner A's administrator sees %q", list)
	}
	goTo("open another partner's user", base+"/users/"+w.userB.ID.String(), page("error")+" h1")
	if h := text("h1"); h != "Forbidden" && h != "Not Found" {
		t.Fatalf("partner A's administrator opening partner B's user sees %q", h)
	}
	if strings.Contains(text("#main"), w.userB.Email) {
		t.Fatal("partner B's user's email is on the page")
	}

	// A user partner A only attached (partner B manages them) is shown
	// read-only, with the reason, not as a form that fails when sent.
	goTo("open an attached user", base+"/users/"+w.shared.ID.String(), page("user")+" #profile-h")
	forms, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('form[action$="/users/`+w.shared.ID.String()+`"]').length`))
	if err != nil || forms != 0 {
		t.Fatalf("the attached user's page has %d edit forms (%v), want none", forms, err)
	}
	if s := text("#readonly-note"); !strings.Contains(s, "not managed by") {
		t.Fatalf("the attached user's profile says %q", s)
	}
	shoot("user-readonly")

	// Signed out again, pages go to sign-in.
	follow("sign out", page("signin")+" #f-Key", chromedp.Click(".who button"))
	goTo("open user", base+"/users/"+w.userA.ID.String(), page("signin")+" #f-Email")
	if loc := location(); !strings.Contains(loc, "/console/signin") {
		t.Fatalf("signed out, the user page went to %s", loc)
	}
}

// seedPeople adds a few users to partner A, so that lists look like lists.
func seedPeople(t *testing.T, w *world) {
	t.Helper()
	sys := permissions.WithPrincipal(context.Background(), permissions.System)
	names := [][2]string{{"Grace", "Hopper"}, {"Alan", "Turing"}, {"Ada", "Lovelace"}, {"Edsger", "Dijkstra"},
		{"Barbara", "Liskov"}, {"Ken", "Thompson"}, {"Frances", "Allen"}, {"Donald", "Knuth"}, {"Margaret", "Hamilton"}}
	for i, n := range names {
		u, _, err := w.ps.AddUser(sys, w.partnerA.ID, users.CreateParams{
			Email:     fmt.Sprintf("%s.%s@example.com", strings.ToLower(n[0]), strings.ToLower(n[1])),
			FirstName: n[0], LastName: n[1], Role: []string{"Subscriber", "Designer", "ClientAdmin"}[i%3],
		})
		if err != nil {
			t.Fatal(err)
		}
		if i == 4 {
			st := users.StatusLocked
			if _, err := w.us.Update(sys, u.ID, users.UpdateParams{Status: &st}); err != nil {
				t.Fatal(err)
			}
		}
	}
}
