package console

import (
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/storage"
)

type serviceAccountsData struct {
	Accounts []permissions.ServiceAccount
	Next     string
	Paged    bool
	Actions  []option
	Scopes   []option
}

// grantActions are the actions offered when a service account is created.
var grantActions = []string{"users.read", "users.*", "partners.read", "partners.*", "portals.read",
	"portals.*", "permissions.read", "keys.*", "*"}

func (c *Console) grantChoices(rq *request) (actions, scopes []option) {
	actions = []option{{Value: "", Label: "No grant yet"}}
	for _, a := range grantActions {
		actions = append(actions, option{Value: a, Label: a})
	}
	scopes = []option{{Value: "*", Label: "Everything"}}
	for _, o := range c.partnerOptions(rq, permissions.PermissionsRead) {
		scopes = append(scopes, option{Value: "partner:" + o.Value, Label: "Partner " + o.Label})
	}
	return actions, scopes
}

func (c *Console) serviceAccountsPage(w http.ResponseWriter, r *http.Request, rq *request, f *form, status int, msg string) {
	after := r.URL.Query().Get("after")
	page, err := c.svc.Permissions.ListServiceAccounts(rq.ctx, userkit.PageRequest{Limit: c.pageSize, After: after})
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	d := &serviceAccountsData{Accounts: page.Items, Next: page.Next, Paged: after != ""}
	d.Actions, d.Scopes = c.grantChoices(rq)
	c.render(w, r, rq, "service_accounts", view{Title: "Service accounts", Nav: "service-accounts",
		Form: f, Data: d, Status: status, Error: msg})
}

func (c *Console) listServiceAccounts(w http.ResponseWriter, r *http.Request, rq *request) {
	c.serviceAccountsPage(w, r, rq, newForm(), 0, "")
}

func (c *Console) createServiceAccount(w http.ResponseWriter, r *http.Request, rq *request) {
	f := newForm()
	for _, k := range []string{"Name", "Action", "Scope"} {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	p := permissions.ServiceAccountParams{Name: f.Values["Name"]}
	if f.Values["Action"] != "" {
		scope, err := permissions.ParseScope(f.Values["Scope"])
		if err != nil {
			f.Problems["Scope"] = "Choose a scope from the list."
			c.serviceAccountsPage(w, r, rq, f, http.StatusUnprocessableEntity, sentence(userkit.ErrInvalid))
			return
		}
		p.Grants = []permissions.GrantParams{{Action: f.Values["Action"], Scope: scope}}
	}
	sa, err := c.svc.Permissions.CreateServiceAccount(rq.ctx, p)
	if err != nil {
		labels := map[string]string{"Name": "Name", "Grants[0].Action": "Action", "Grants[0].Scope": "Scope"}
		if f.fail(err, labels) {
			for k, v := range map[string]string{"Grants[0].Action": "Action", "Grants[0].Scope": "Scope"} {
				if msg, ok := f.Problems[k]; ok {
					f.Problems[v] = msg
				}
			}
		}
		if isKind(err, userkit.Invalid) || isKind(err, userkit.Conflict) || isKind(err, userkit.Forbidden) {
			c.serviceAccountsPage(w, r, rq, f, statusOf(err), sentence(err))
			return
		}
		c.fail(w, r, rq, err)
		return
	}
	c.setFlash(r, rq, "Service account "+sa.Name+" created. Create a key for it below.")
	c.redirect(w, r, "/service-accounts/"+sa.ID.String())
}

type serviceAccountData struct {
	Account permissions.ServiceAccount
	Keys    []permissions.Key
	// NewKey is the secret of a key made by this very request: shown once,
	// never stored.
	NewKey string
}

func (c *Console) serviceAccountPage(w http.ResponseWriter, r *http.Request, rq *request, newKey string) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	sa, err := c.svc.Permissions.GetServiceAccount(rq.ctx, id)
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	d := &serviceAccountData{Account: sa, NewKey: newKey}
	if d.Keys, err = c.svc.Permissions.ListKeys(rq.ctx, id); err != nil && !isKind(err, userkit.Forbidden) {
		c.fail(w, r, rq, err)
		return
	}
	c.render(w, r, rq, "service_account", view{Title: sa.Name, Nav: "service-accounts", Data: d})
}

func (c *Console) showServiceAccount(w http.ResponseWriter, r *http.Request, rq *request) {
	c.serviceAccountPage(w, r, rq, "")
}

// createKey makes a key and shows its secret in this response only (not
// after a redirect, not from the session); the page is not cached.
func (c *Console) createKey(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	_, secret, err := c.svc.Permissions.CreateKey(rq.ctx, id, permissions.KeyParams{})
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	c.serviceAccountPage(w, r, rq, secret)
}

func (c *Console) revokeKey(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	kid, err := pathID(r, "kid")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	keys, err := c.svc.Permissions.ListKeys(rq.ctx, id)
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	found := false
	for _, k := range keys {
		found = found || k.ID == kid
	}
	if !found {
		c.fail(w, r, rq, errBadID)
		return
	}
	if err := c.svc.Permissions.RevokeKey(rq.ctx, kid); err != nil {
		c.fail(w, r, rq, err)
		return
	}
	c.setFlash(r, rq, "Key revoked: it no longer works.")
	c.redirect(w, r, "/service-accounts/"+id.String())
}

type eventsData struct {
	Events   []permissions.Event
	Next     string
	Paged    bool
	Partner  string
	Action   string
	Target   string
	Partners []option
	Actions  []option
	// Names are the display names of the users and service accounts the
	// events name, where the principal may read them.
	Names map[string]string
}

// names looks up, as the principal, who the events' users and service
// accounts are; ids the principal may not read stay ids.
func (c *Console) names(rq *request, events []permissions.Event) map[string]string {
	names := map[string]string{}
	tried := map[string]bool{}
	user := func(id string) {
		if tried[id] {
			return
		}
		tried[id] = true
		if uid, err := uuid.Parse(id); err == nil {
			if u, err := c.svc.Users.Get(rq.ctx, uid); err == nil {
				names[id] = u.Email
			}
		}
	}
	for _, e := range events {
		if e.TargetKind == "user" {
			user(e.TargetID)
		}
		switch e.Principal.Kind {
		case permissions.KindUser:
			user(e.Principal.ID.String())
		case permissions.KindServiceAccount:
			id := e.Principal.ID.String()
			if !tried[id] {
				tried[id] = true
				if sa, err := c.svc.Permissions.GetServiceAccount(rq.ctx, e.Principal.ID); err == nil {
					names[id] = sa.Name
				}
			}
		}
	}
	return names
}

// eventFamilies are the action families the audit log's filter offers.
var eventFamilies = []string{"users", "partners", "teams", "portals", "permissions", "keys"}

// listEvents pages the audit log, newest first, filtered in the store by
// partner, target and action: a family ("users", every users.* action) or
// one action ("users.update").
func (c *Console) listEvents(w http.ResponseWriter, r *http.Request, rq *request) {
	q := r.URL.Query()
	d := &eventsData{Partner: q.Get("partner"), Action: strings.TrimSpace(q.Get("action")), Target: strings.TrimSpace(q.Get("target"))}
	d.Partners = c.partnerOptions(rq, permissions.PermissionsRead)
	if !rq.access.can(permissions.PermissionsRead, permissions.All) && d.Partner == "" && len(d.Partners) > 0 {
		d.Partner = d.Partners[0].Value
	}
	for _, a := range eventFamilies {
		d.Actions = append(d.Actions, option{Value: a, Label: a + ".*"})
	}
	f := newForm()
	f.Values["PartnerID"], f.Values["Action"], f.Values["Target"] = d.Partner, d.Action, d.Target
	filter := storage.EventFilter{TargetID: d.Target, Action: d.Action}
	if d.Action != "" && !strings.Contains(d.Action, ".") {
		filter.Action = d.Action + "." // a family
	}
	if d.Partner != "" {
		id, err := uuid.Parse(d.Partner)
		if err != nil {
			c.renderError(w, r, rq, http.StatusNotFound, "That partner does not exist.")
			return
		}
		filter.PartnerID = id
	}
	after := q.Get("after")
	d.Paged = after != ""
	page, err := c.svc.Permissions.ListEvents(rq.ctx, filter, userkit.PageRequest{Limit: c.pageSize, After: after})
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	d.Events, d.Next = page.Items, page.Next
	d.Names = c.names(rq, d.Events)
	c.render(w, r, rq, "events", view{Title: "Audit log", Nav: "events", Form: f, Data: d})
}
