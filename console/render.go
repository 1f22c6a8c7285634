package console

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/userkit/userkit"
)

// pages holds one parsed template set per page, each with the layout.
type pages struct {
	t         map[string]*template.Template
	assetHash string
}

var pageNames = []string{
	"signin", "error", "users", "user", "user_new", "partners", "partner",
	"portals", "portal", "service_accounts", "service_account", "events",
}

func parsePages(prefix string) *pages {
	h := sha256.New()
	_ = fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := assetFS.ReadFile(p)
			h.Write(b)
		}
		return nil
	})
	ps := &pages{t: map[string]*template.Template{}, assetHash: hex.EncodeToString(h.Sum(nil))[:12]}
	funcs := template.FuncMap{
		"path": func(p string) string { return prefix + p },
		"asset": func(name string) string {
			return prefix + "/assets/" + name + "?v=" + ps.assetHash
		},
		"field":   newField,
		"time":    fmtTime,
		"ptime":   fmtPtime,
		"query":   query,
		"shortid": func(s fmt.Stringer) string { return s.String()[:8] },
		"opts":    opts,
		"prepend": prepend,
		"pager":   ps.pager(prefix),
	}
	for _, name := range pageNames {
		t := template.New("layout.html").Funcs(funcs)
		ps.t[name] = template.Must(t.ParseFS(templateFS, "templates/layout.html", "templates/fields.html", "templates/"+name+".html"))
	}
	return ps
}

// view is what every page template gets.
type view struct {
	Title  string
	Page   string // the template's name, as main's data-page (set by render)
	Nav    string // the active navigation item
	Name   string // who is signed in; "" on the sign-in page
	CSRF   string
	Flash  string
	Error  string // a page-level problem, shown above the content
	Menu   menu
	Form   *form
	Data   any
	Status int
}

// menu says which sections the signed-in principal's grants reach.
type menu struct {
	Users, Partners, Portals, ServiceAccounts, Events bool
}

// form carries what a visitor typed and what is wrong with it, per field
// (keyed by the service's Go field names, which are also the input names).
type form struct {
	Values   map[string]string
	Problems map[string]string
}

func newForm() *form {
	return &form{Values: map[string]string{}, Problems: map[string]string{}}
}

// fail records err's field problems on the form, in plain words, with
// labels for the field names. It reports whether err had any.
func (f *form) fail(err error, labels map[string]string) bool {
	fields := userkit.FieldsOf(err)
	for name, p := range fields {
		label, ok := labels[name]
		if !ok {
			label = name
		}
		f.Problems[name] = problemText(label, p)
	}
	return len(fields) > 0
}

// problemText renders a field problem as a sentence that names the field.
func problemText(label string, p userkit.Problem) string {
	switch p.Rule {
	case userkit.RuleRequired:
		return "Enter " + article(label) + "."
	case userkit.RuleEmail:
		return "Enter an email address like name@example.com."
	case userkit.RuleTaken:
		return "This " + strings.ToLower(label) + " is already used by another record."
	case userkit.RuleMax:
		return fmt.Sprintf("%s must be at most %s characters long.", label, p.Param)
	case userkit.RuleMin:
		return fmt.Sprintf("%s must be at least %s characters long.", label, p.Param)
	case userkit.RuleMismatch:
		return "The two passwords are not the same."
	case userkit.RuleText:
		return label + " may not contain control characters."
	}
	s := p.String()
	if s == "" {
		return label + " is not valid."
	}
	return label + " " + s + "."
}

func article(label string) string {
	l := strings.ToLower(label)
	if l == "" {
		return "a value"
	}
	switch l[0] {
	case 'a', 'e', 'i', 'o', 'u':
		return "an " + l
	}
	return "a " + l
}

// field is one labelled input as the "field" template draws it.
type field struct {
	ID, Name, Label, Type, Value, Problem, Hint, Autocomplete, Describedby string
	Required                                                               bool
	Options                                                                []option
}

type option struct {
	Value, Label string
	Selected     bool
}

// newField builds a field from the form and a list of settings:
// "required", "hint=…", "autocomplete=…", "type=…", "name=…" (the input's
// name when it differs from the form key), "form=…" (a prefix that keeps
// ids unique when two forms on a page share a field), and a []option
// (a select).
func newField(f *form, name, label string, settings ...any) field {
	fd := field{ID: "f-" + name, Name: name, Label: label, Type: "text"}
	if f != nil {
		fd.Value = f.Values[name]
		fd.Problem = f.Problems[name]
	}
	for _, s := range settings {
		switch s := s.(type) {
		case []option:
			fd.Type = "select"
			for _, o := range s {
				o.Selected = o.Value == fd.Value
				fd.Options = append(fd.Options, o)
			}
		case string:
			k, v, _ := strings.Cut(s, "=")
			switch k {
			case "required":
				fd.Required = true
			case "hint":
				fd.Hint = v
			case "autocomplete":
				fd.Autocomplete = v
			case "type":
				fd.Type = v
			case "name":
				fd.Name = v
			case "form":
				fd.ID = v + "-" + name
			}
		}
	}
	var ids []string
	if fd.Hint != "" {
		ids = append(ids, fd.ID+"-hint")
	}
	if fd.Problem != "" {
		ids = append(ids, fd.ID+"-error")
	}
	fd.Describedby = strings.Join(ids, " ")
	return fd
}

// opts builds select options from value, label pairs.
func opts(kv ...string) []option {
	var o []option
	for i := 0; i+1 < len(kv); i += 2 {
		o = append(o, option{Value: kv[i], Label: kv[i+1]})
	}
	return o
}

// prepend puts a first option (such as "All partners") before o when ok.
func prepend(ok bool, value, label string, o []option) []option {
	if !ok {
		return o
	}
	return append([]option{{Value: value, Label: label}}, o...)
}

// pagerData is what the "pager" template draws: a link to the first page
// (when not on it) and to the next one (when there is one).
type pagerData struct {
	Paged          bool
	Next           string
	First, NextURL string
}

func (p *pages) pager(prefix string) func(path string, paged bool, next string, kv ...string) pagerData {
	return func(path string, paged bool, next string, kv ...string) pagerData {
		first := prefix + path + query(kv...)
		nextURL := prefix + path + query(append(kv, "after", next)...)
		return pagerData{Paged: paged, Next: next, First: first, NextURL: nextURL}
	}
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func fmtPtime(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return fmtTime(*t)
}

// query builds "?k=v&…" from pairs, leaving out empty values.
func query(kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// render draws a page. Pages are never cached: they show account data.
func (c *Console) render(w http.ResponseWriter, r *http.Request, rq *request, name string, v view) {
	if rq != nil {
		v.Name = rq.sess.Name
		v.CSRF = rq.sess.CSRF
		v.Menu = rq.access.menu()
		if v.Flash == "" {
			v.Flash = rq.flash
		}
	}
	if v.Status == 0 {
		v.Status = http.StatusOK
	}
	v.Page = name
	var buf bytes.Buffer
	if err := c.pages.t[name].Execute(&buf, v); err != nil {
		c.log.ErrorContext(r.Context(), "console: render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(v.Status)
	_, _ = buf.WriteTo(w)
}

// renderError draws an error page with status and a plain message.
func (c *Console) renderError(w http.ResponseWriter, r *http.Request, rq *request, status int, msg string) {
	c.render(w, r, rq, "error", view{Title: http.StatusText(status), Error: msg, Status: status})
}

// fail draws the error page for a service error, logging internal ones.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	if userkit.KindOf(err) == userkit.Unauthenticated {
		c.redirect(w, r, "/signin")
		return
	}
	if userkit.KindOf(err) == userkit.Internal {
		c.log.ErrorContext(r.Context(), "console: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	c.renderError(w, r, rq, statusOf(err), sentence(err))
}

func (c *Console) assets() http.Handler {
	sub, _ := fs.Sub(assetFS, "assets")
	files := http.FileServerFS(sub)
	return http.StripPrefix("/assets", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("v") != "" {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		if r.URL.Path == "/" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
}
