package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// userLabels names the users.Service fields (which are also the input
// names) in the words the forms use.
var userLabels = map[string]string{
	"Email": "Email", "FirstName": "First name", "LastName": "Last name",
	"Password": "Password", "ConfirmPassword": "Repeat the password",
	"Role": "Role", "Locale": "Locale", "Timezone": "Time zone",
	"Department": "Department", "City": "City", "Country": "Country",
	"PhoneMobile": "Mobile phone", "PhoneLand": "Landline phone",
	"PartnerID": "Partner", "Search": "Search", "Status": "Status",
}

// profileFields are the editable text fields of a user, in form order.
var profileFields = []string{"Email", "FirstName", "LastName", "Role", "Department",
	"City", "Country", "Locale", "Timezone", "PhoneMobile", "PhoneLand"}

type usersData struct {
	Users    []users.User
	Next     string
	Paged    bool // this is not the first page
	Q        string
	Partner  string
	Status   string
	Partners []option
	Global   bool
}

// partnerOptions lists the partners the principal may pick for action: every
// partner (the first 200) for a principal that reads all partners, else
// those its grants for action name.
func (c *Console) partnerOptions(rq *request, action permissions.Action) []option {
	var opts []option
	if rq.access.can(permissions.PartnersRead, permissions.All) && rq.access.can(action, permissions.All) {
		page, err := c.svc.Partners.List(rq.ctx, userkit.PageRequest{Limit: 200})
		if err == nil {
			for _, p := range page.Items {
				opts = append(opts, option{Value: p.ID.String(), Label: p.Name})
			}
			return opts
		}
	}
	for _, id := range rq.access.partners(action) {
		opts = append(opts, option{Value: id.String(), Label: c.partnerName(rq, id)})
	}
	return opts
}

// partnerName is the partner's name when the principal may read it, else
// a short form of its id.
func (c *Console) partnerName(rq *request, id uuid.UUID) string {
	if p, err := c.svc.Partners.Get(rq.ctx, id); err == nil {
		return p.Name
	}
	return "Partner " + id.String()[:8]
}

func (c *Console) listUsers(w http.ResponseWriter, r *http.Request, rq *request) {
	q := r.URL.Query()
	d := usersData{
		Q: strings.TrimSpace(q.Get("q")), Partner: q.Get("partner"), Status: q.Get("status"),
		Global: rq.access.can(permissions.UsersRead, permissions.All),
	}
	d.Partners = c.partnerOptions(rq, permissions.UsersRead)
	if !d.Global && d.Partner == "" && len(d.Partners) > 0 {
		// A partner-scoped administrator lists their (first) partner.
		d.Partner = d.Partners[0].Value
	}
	f := newForm()
	f.Values["Search"], f.Values["PartnerID"], f.Values["Status"] = d.Q, d.Partner, d.Status
	params := users.ListParams{Search: d.Q, Status: users.Status(d.Status),
		PageRequest: userkit.PageRequest{Limit: c.pageSize, After: q.Get("after")}}
	d.Paged = params.After != ""
	if d.Partner != "" {
		id, err := uuid.Parse(d.Partner)
		if err != nil {
			c.renderError(w, r, rq, http.StatusNotFound, "That partner does not exist.")
			return
		}
		params.PartnerID = id
	}
	page, err := c.svc.Users.List(rq.ctx, params)
	v := view{Title: "Users", Nav: "users", Form: f, Data: &d}
	if err != nil {
		if !isKind(err, userkit.Invalid) {
			c.fail(w, r, rq, err)
			return
		}
		f.fail(err, map[string]string{"Search": "Search", "Status": "Status", "After": "Page"})
		v.Status, v.Error = http.StatusUnprocessableEntity, sentence(err)
	}
	d.Users, d.Next = page.Items, page.Next
	c.render(w, r, rq, "users", v)
}

type userNewData struct {
	Partners []option
	Global   bool
}

func (c *Console) newUserData(rq *request) *userNewData {
	d := &userNewData{Global: rq.access.can(permissions.UsersCreate, permissions.All)}
	d.Partners = c.partnerOptions(rq, permissions.UsersCreate)
	return d
}

func (c *Console) newUser(w http.ResponseWriter, r *http.Request, rq *request) {
	f := newForm()
	f.Values["PartnerID"] = r.URL.Query().Get("partner")
	c.render(w, r, rq, "user_new", view{Title: "New user", Nav: "users", Form: f, Data: c.newUserData(rq)})
}

// createUser creates a user in one service call: in a partner
// (partners.AddUser, which attaches an existing user with that email) or,
// with no partner, on its own (users.Create).
func (c *Console) createUser(w http.ResponseWriter, r *http.Request, rq *request) {
	f := newForm()
	for _, k := range []string{"Email", "FirstName", "LastName", "Role", "PartnerID"} {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	p := users.CreateParams{
		Email: f.Values["Email"], FirstName: f.Values["FirstName"], LastName: f.Values["LastName"],
		Role: f.Values["Role"], Password: r.PostFormValue("Password"),
	}
	var (
		u       users.User
		created = true
		err     error
	)
	if f.Values["PartnerID"] != "" {
		pid, perr := uuid.Parse(f.Values["PartnerID"])
		if perr != nil {
			err = userkit.FieldError("PartnerID", userkit.Problem{Rule: userkit.RuleUnknown, Param: "partner"})
		} else {
			u, created, err = c.svc.Partners.AddUser(rq.ctx, pid, p)
		}
	} else {
		u, err = c.svc.Users.Create(rq.ctx, p)
	}
	if err != nil {
		if !f.fail(err, userLabels) && isKind(err, userkit.Internal) {
			c.fail(w, r, rq, err)
			return
		}
		c.render(w, r, rq, "user_new", view{Title: "New user", Nav: "users", Form: f,
			Data: c.newUserData(rq), Status: statusOf(err), Error: sentence(err)})
		return
	}
	if created {
		c.setFlash(r, rq, "User "+u.Email+" created.")
	} else {
		c.setFlash(r, rq, u.Email+" already had an account; it was added to the partner.")
	}
	c.redirect(w, r, "/users/"+u.ID.String())
}

type userData struct {
	User     users.User
	Partners []partners.Partner
	Attach   []option
	PwForm   *form
	// Control: the signed-in principal may change the user's identity,
	// credentials and status (users.update on the user's managing scope,
	// no escalation). Edit: it may edit the profile (Control, or the user
	// themselves). Without Edit the profile is shown read-only with
	// ReadOnly saying why.
	Control, Edit bool
	ReadOnly      string
	// Admin: the user holds "*" on everything (Tyk's super-admin).
	Admin bool
	// AdminLabel: the role is a Tyk administrator label without the grant.
	AdminLabel bool
}

// notManaged and escalation say why a profile is read-only.
const (
	notManaged = "This user is not managed by you. They were created elsewhere (by another partner, or for the whole organisation), " +
		"and only administrators of that scope can change their email, password, status or profile. " +
		"You can see them because they belong to a partner you manage, and you can remove them from it."
	escalation = "This user holds permissions that you do not hold, so you cannot change their email, password, status or profile. " +
		"Ask an administrator who holds at least the same permissions."
)

// userPage draws a user's page; f and pw carry a failed edit or password
// form (nil: the stored values).
func (c *Console) userPage(w http.ResponseWriter, r *http.Request, rq *request, id uuid.UUID, f, pw *form, status int, msg string) {
	u, err := c.svc.Users.Get(rq.ctx, id)
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	d := &userData{User: u, PwForm: pw}
	if d.PwForm == nil {
		d.PwForm = newForm()
	}
	if f == nil {
		f = newForm()
		vals := userValues(u)
		for _, k := range profileFields {
			f.Values[k] = vals[k]
		}
	}
	control, err := c.svc.Permissions.MayOnUser(rq.ctx, permissions.UsersUpdate, id)
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	self := rq.sess.Principal.Kind == permissions.KindUser && rq.sess.Principal.ID == id
	d.Control, d.Edit = control, control || self
	if !d.Edit {
		d.ReadOnly = notManaged
		if rq.access.can(permissions.UsersUpdate, u.ManagedBy) {
			d.ReadOnly = escalation
		}
	}
	if admin, err := c.svc.Users.IsAdmin(rq.ctx, id); err == nil {
		d.Admin = admin
	}
	d.AdminLabel = !d.Admin && users.IsTykAdminRole(u.Role)
	if ps, err := c.svc.Partners.PartnersOf(rq.ctx, id); err == nil {
		// A partner-scoped administrator sees only their own partners
		// among the user's memberships.
		global := rq.access.can(permissions.UsersRead, permissions.All)
		mine := map[uuid.UUID]bool{}
		for _, pid := range rq.access.partners(permissions.UsersRead) {
			mine[pid] = true
		}
		member := map[string]bool{}
		for _, p := range ps {
			if global || mine[p.ID] {
				d.Partners = append(d.Partners, p)
				member[p.ID.String()] = true
			}
		}
		for _, o := range c.partnerOptions(rq, permissions.UsersCreate) {
			if !member[o.Value] {
				d.Attach = append(d.Attach, o)
			}
		}
	}
	title := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if title == "" {
		title = u.Email
	}
	c.render(w, r, rq, "user", view{Title: title, Nav: "users", Form: f, Data: d, Status: status, Error: msg})
}

func userValues(u users.User) map[string]string {
	return map[string]string{
		"Email": u.Email, "FirstName": u.FirstName, "LastName": u.LastName, "Role": u.Role,
		"Department": u.Department, "City": u.City, "Country": u.Country, "Locale": u.Locale,
		"Timezone": u.Timezone, "PhoneMobile": u.PhoneMobile, "PhoneLand": u.PhoneLand,
	}
}

func (c *Console) showUser(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	c.userPage(w, r, rq, id, nil, nil, 0, "")
}

// updateUser saves the edit form as one compare-and-set update: changes
// made by someone else since the form was drawn are not overwritten.
func (c *Console) updateUser(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	f := newForm()
	p := users.UpdateParams{}
	ptrs := map[string]**string{
		"Email": &p.Email, "FirstName": &p.FirstName, "LastName": &p.LastName, "Role": &p.Role,
		"Department": &p.Department, "City": &p.City, "Country": &p.Country, "Locale": &p.Locale,
		"Timezone": &p.Timezone, "PhoneMobile": &p.PhoneMobile, "PhoneLand": &p.PhoneLand,
	}
	for _, k := range profileFields {
		if _, sent := r.PostForm[k]; !sent {
			continue
		}
		v := strings.TrimSpace(r.PostFormValue(k))
		f.Values[k] = v
		*ptrs[k] = &v
	}
	if ver, err := strconv.ParseInt(r.PostFormValue("Version"), 10, 64); err == nil {
		p.Version = &ver
	}
	if _, err := c.svc.Users.Update(rq.ctx, id, p); err != nil {
		if f.fail(err, userLabels) || isKind(err, userkit.PreconditionFailed) || isKind(err, userkit.Conflict) || isKind(err, userkit.Invalid) {
			c.userPage(w, r, rq, id, f, nil, statusOf(err), sentence(err))
			return
		}
		c.fail(w, r, rq, err)
		return
	}
	c.setFlash(r, rq, "Changes saved.")
	c.redirect(w, r, "/users/"+id.String())
}

// setUserStatus locks, unlocks (makes active) or suspends a user.
func (c *Console) setUserStatus(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	st := users.Status(r.PostFormValue("Status"))
	msgs := map[users.Status]string{
		users.StatusActive: "User unlocked: they can sign in again.", users.StatusLocked: "User locked: they cannot sign in.",
		users.StatusSuspended: "User suspended: they cannot sign in.",
	}
	if _, ok := msgs[st]; !ok {
		c.renderError(w, r, rq, http.StatusUnprocessableEntity, "Choose active, locked or suspended.")
		return
	}
	if _, err := c.svc.Users.Update(rq.ctx, id, users.UpdateParams{Status: &st}); err != nil {
		c.fail(w, r, rq, err)
		return
	}
	c.setFlash(r, rq, msgs[st])
	c.redirect(w, r, "/users/"+id.String())
}

// resetPassword sets a user's password as an administrator. The password is
// never drawn back into the form.
func (c *Console) resetPassword(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	pw, confirm := r.PostFormValue("Password"), r.PostFormValue("ConfirmPassword")
	f := newForm()
	if pw != confirm {
		f.Problems["ConfirmPassword"] = problemText("Repeat the password", userkit.Problem{Rule: userkit.RuleMismatch})
		c.userPage(w, r, rq, id, nil, f, http.StatusUnprocessableEntity, sentence(userkit.ErrInvalid))
		return
	}
	if err := c.svc.Users.SetPassword(rq.ctx, id, pw); err != nil {
		if f.fail(err, userLabels) {
			c.userPage(w, r, rq, id, nil, f, statusOf(err), sentence(err))
			return
		}
		c.fail(w, r, rq, err)
		return
	}
	c.setFlash(r, rq, "Password reset. Tell the user their new password through a safe channel.")
	c.redirect(w, r, "/users/"+id.String())
}

// attachUser adds the user to a partner (partners.AddUser with the user's
// email attaches the existing account).
func (c *Console) attachUser(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	pid, err := uuid.Parse(r.PostFormValue("PartnerID"))
	if err != nil {
		c.userPage(w, r, rq, id, nil, nil, http.StatusUnprocessableEntity, "Choose a partner to add the user to.")
		return
	}
	u, err := c.svc.Users.Get(rq.ctx, id)
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	if _, _, err := c.svc.Partners.AddUser(rq.ctx, pid, users.CreateParams{Email: u.Email, FirstName: u.FirstName, LastName: u.LastName}); err != nil {
		if isKind(err, userkit.Invalid) || isKind(err, userkit.Conflict) {
			c.userPage(w, r, rq, id, nil, nil, statusOf(err), sentence(err))
			return
		}
		c.fail(w, r, rq, err)
		return
	}
	c.setFlash(r, rq, "Added to "+c.partnerName(rq, pid)+".")
	c.redirect(w, r, "/users/"+id.String())
}

// detachUser removes the user from a partner; the service deletes a user
// who leaves the last partner they belong to.
func (c *Console) detachUser(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	pid, err := pathID(r, "pid")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	name := c.partnerName(rq, pid)
	deleted, err := c.svc.Partners.RemoveUser(rq.ctx, pid, id)
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	if deleted {
		c.setFlash(r, rq, "Removed from "+name+". The user belonged to no other partner and was deleted.")
		c.redirect(w, r, "/users")
		return
	}
	c.setFlash(r, rq, "Removed from "+name+".")
	c.redirect(w, r, "/users/"+id.String())
}
