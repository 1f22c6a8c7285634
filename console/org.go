package console

import (
	"net/http"
	"strings"

	"github.com/google/uuid"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
)

type partnersData struct {
	Partners []partners.Partner
	Next     string
	Paged    bool
	Global   bool
}

// listPartners pages every partner for a principal that reads them all;
// a partner-scoped administrator sees the partners their grants name.
func (c *Console) listPartners(w http.ResponseWriter, r *http.Request, rq *request) {
	c.partnersPage(w, r, rq, newForm(), 0, "")
}

func (c *Console) partnersPage(w http.ResponseWriter, r *http.Request, rq *request, f *form, status int, msg string) {
	d := &partnersData{Global: rq.access.can(permissions.PartnersRead, permissions.All)}
	if d.Global {
		after := r.URL.Query().Get("after")
		page, err := c.svc.Partners.List(rq.ctx, userkit.PageRequest{Limit: c.pageSize, After: after})
		if err != nil {
			c.fail(w, r, rq, err)
			return
		}
		d.Partners, d.Next, d.Paged = page.Items, page.Next, after != ""
	} else {
		for _, id := range rq.access.partners(permissions.PartnersRead) {
			if p, err := c.svc.Partners.Get(rq.ctx, id); err == nil {
				d.Partners = append(d.Partners, p)
			}
		}
	}
	c.render(w, r, rq, "partners", view{Title: "Partners", Nav: "partners", Form: f, Data: d, Status: status, Error: msg})
}

func (c *Console) createPartner(w http.ResponseWriter, r *http.Request, rq *request) {
	f := newForm()
	f.Values["Name"] = strings.TrimSpace(r.PostFormValue("Name"))
	p, err := c.svc.Partners.Create(rq.ctx, partners.CreateParams{Name: f.Values["Name"]})
	if err != nil {
		if f.fail(err, map[string]string{"Name": "Name"}) || isKind(err, userkit.Conflict) {
			c.partnersPage(w, r, rq, f, statusOf(err), sentence(err))
			return
		}
		c.fail(w, r, rq, err)
		return
	}
	c.setFlash(r, rq, "Partner "+p.Name+" created, with its team "+partners.DefaultTeamName(p.Name)+".")
	c.redirect(w, r, "/partners/"+p.ID.String())
}

type partnerData struct {
	Partner partners.Partner
	Teams   []partners.Team
	Portals []portals.Portal
}

func (c *Console) partnerPage(w http.ResponseWriter, r *http.Request, rq *request, f *form, status int, msg string) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	p, err := c.svc.Partners.Get(rq.ctx, id)
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	d := &partnerData{Partner: p}
	if d.Teams, err = c.svc.Partners.ListTeams(rq.ctx, id); err != nil && !isKind(err, userkit.Forbidden) {
		c.fail(w, r, rq, err)
		return
	}
	if page, err := c.svc.Portals.List(rq.ctx, id, userkit.PageRequest{Limit: 100}); err == nil {
		d.Portals = page.Items
	}
	c.render(w, r, rq, "partner", view{Title: p.Name, Nav: "partners", Form: f, Data: d, Status: status, Error: msg})
}

func (c *Console) showPartner(w http.ResponseWriter, r *http.Request, rq *request) {
	c.partnerPage(w, r, rq, newForm(), 0, "")
}

func (c *Console) createTeam(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	f := newForm()
	f.Values["Name"] = strings.TrimSpace(r.PostFormValue("Name"))
	t, err := c.svc.Partners.CreateTeam(rq.ctx, id, partners.TeamParams{Name: f.Values["Name"]})
	if err != nil {
		if f.fail(err, map[string]string{"Name": "Team name"}) || isKind(err, userkit.Conflict) {
			c.partnerPage(w, r, rq, f, statusOf(err), sentence(err))
			return
		}
		c.fail(w, r, rq, err)
		return
	}
	c.setFlash(r, rq, "Team "+t.Name+" created.")
	c.redirect(w, r, "/partners/"+id.String())
}

type portalsData struct {
	Portals  []portals.Portal
	Next     string
	Paged    bool
	Partners []option
}

var portalLabels = map[string]string{
	"Name": "Name", "TechnicalName": "Technical name", "DefaultLocale": "Default locale", "PartnerID": "Partner",
}

func (c *Console) portalsPage(w http.ResponseWriter, r *http.Request, rq *request, f *form, status int, msg string) {
	d := &portalsData{Partners: c.partnerOptions(rq, permissions.PortalsCreate)}
	after := r.URL.Query().Get("after")
	if rq.access.can(permissions.PortalsRead, permissions.All) {
		page, err := c.svc.Portals.List(rq.ctx, uuid.Nil, userkit.PageRequest{Limit: c.pageSize, After: after})
		if err != nil {
			c.fail(w, r, rq, err)
			return
		}
		d.Portals, d.Next, d.Paged = page.Items, page.Next, after != ""
	} else {
		for _, pid := range rq.access.partners(permissions.PortalsRead) {
			page, err := c.svc.Portals.List(rq.ctx, pid, userkit.PageRequest{Limit: 100})
			if err == nil {
				d.Portals = append(d.Portals, page.Items...)
			}
		}
	}
	c.render(w, r, rq, "portals", view{Title: "Portals", Nav: "portals", Form: f, Data: d, Status: status, Error: msg})
}

func (c *Console) listPortals(w http.ResponseWriter, r *http.Request, rq *request) {
	c.portalsPage(w, r, rq, newForm(), 0, "")
}

func (c *Console) createPortal(w http.ResponseWriter, r *http.Request, rq *request) {
	f := newForm()
	for _, k := range []string{"Name", "TechnicalName", "DefaultLocale", "PartnerID"} {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	p := portals.CreateParams{Name: f.Values["Name"], TechnicalName: f.Values["TechnicalName"], DefaultLocale: f.Values["DefaultLocale"]}
	if f.Values["PartnerID"] != "" {
		id, err := uuid.Parse(f.Values["PartnerID"])
		if err != nil {
			f.Problems["PartnerID"] = "Choose a partner from the list."
			c.portalsPage(w, r, rq, f, http.StatusUnprocessableEntity, sentence(userkit.ErrInvalid))
			return
		}
		p.PartnerID = id
	}
	pt, err := c.svc.Portals.Create(rq.ctx, p)
	if err != nil {
		if f.fail(err, portalLabels) || isKind(err, userkit.Conflict) {
			c.portalsPage(w, r, rq, f, statusOf(err), sentence(err))
			return
		}
		c.fail(w, r, rq, err)
		return
	}
	c.setFlash(r, rq, "Portal "+pt.Name+" created.")
	c.redirect(w, r, "/portals/"+pt.ID.String())
}

type portalData struct {
	Portal     portals.Portal
	Partner    string
	Roles      []portals.Role
	Attributes []portals.Attribute
	RoleForm   *form
	AttrForm   *form
	Types      []option
}

func (c *Console) portalPage(w http.ResponseWriter, r *http.Request, rq *request, roleForm, attrForm *form, status int, msg string) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	p, err := c.svc.Portals.Get(rq.ctx, id)
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	d := &portalData{Portal: p, RoleForm: roleForm, AttrForm: attrForm}
	if d.RoleForm == nil {
		d.RoleForm = newForm()
	}
	if d.AttrForm == nil {
		d.AttrForm = newForm()
	}
	for _, t := range []portals.AttributeType{portals.TypeString, portals.TypeBoolean, portals.TypeNumber, portals.TypeTime} {
		d.Types = append(d.Types, option{Value: string(t), Label: strings.ToLower(string(t))})
	}
	if p.PartnerID != uuid.Nil {
		d.Partner = c.partnerName(rq, p.PartnerID)
	}
	if d.Roles, err = c.svc.Portals.ListRoles(rq.ctx, id); err != nil {
		c.fail(w, r, rq, err)
		return
	}
	if d.Attributes, err = c.svc.Portals.ListAttributes(rq.ctx, id); err != nil {
		c.fail(w, r, rq, err)
		return
	}
	c.render(w, r, rq, "portal", view{Title: p.Name, Nav: "portals", Data: d, Status: status, Error: msg})
}

func (c *Console) showPortal(w http.ResponseWriter, r *http.Request, rq *request) {
	c.portalPage(w, r, rq, nil, nil, 0, "")
}

func (c *Console) createRole(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	f := newForm()
	f.Values["Name"] = strings.TrimSpace(r.PostFormValue("Name"))
	role, err := c.svc.Portals.CreateRole(rq.ctx, id, portals.RoleParams{Name: f.Values["Name"]})
	if err != nil {
		if f.fail(err, map[string]string{"Name": "Role name"}) || isKind(err, userkit.Conflict) {
			c.portalPage(w, r, rq, f, nil, statusOf(err), sentence(err))
			return
		}
		c.fail(w, r, rq, err)
		return
	}
	c.setFlash(r, rq, "Role "+role.Name+" created.")
	c.redirect(w, r, "/portals/"+id.String())
}

func (c *Console) createAttribute(w http.ResponseWriter, r *http.Request, rq *request) {
	id, err := pathID(r, "id")
	if err != nil {
		c.fail(w, r, rq, err)
		return
	}
	f := newForm()
	for _, k := range []string{"Name", "Label", "Type"} {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	multi := r.PostFormValue("AllowMultipleValues") == "on"
	if multi {
		f.Values["AllowMultipleValues"] = "on"
	}
	a, err := c.svc.Portals.CreateAttribute(rq.ctx, id, portals.AttributeParams{
		Name: f.Values["Name"], Label: f.Values["Label"], Type: portals.AttributeType(f.Values["Type"]), AllowMultipleValues: multi,
	})
	if err != nil {
		if f.fail(err, map[string]string{"Name": "Attribute name", "Label": "Label", "Type": "Type"}) || isKind(err, userkit.Conflict) {
			c.portalPage(w, r, rq, nil, f, statusOf(err), sentence(err))
			return
		}
		c.fail(w, r, rq, err)
		return
	}
	c.setFlash(r, rq, "Attribute "+a.Name+" created.")
	c.redirect(w, r, "/portals/"+id.String())
}
