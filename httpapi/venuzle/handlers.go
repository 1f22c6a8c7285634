package venuzle

import (
	"context"
	"errors"
	"net/http"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/users"
)

// handlers holds the API's machinery; each method makes one endpoint.
type handlers struct {
	api *core.API
}

// system runs an id look-up as the system principal. It only turns the
// path's integer ids into records; the operation itself runs as the
// caller, and the services check the caller's grants there.
func system(ctx context.Context) context.Context {
	return permissions.WithPrincipal(ctx, permissions.System)
}

// partner resolves {partner_id} for action. The caller must hold action on
// the partner (403 otherwise, checked before anything about users is
// looked up, so that a stranger cannot probe user ids). An unknown partner
// is 404 only for callers holding action on every partner; others get 403
// and learn nothing about which partners exist.
func (h *handlers) partner(r *http.Request, action permissions.Action) (partners.Partner, error) {
	ctx := r.Context()
	raw := r.PathValue("partner_id")
	num, err := parseNum(raw, "Partner")
	if err != nil {
		return partners.Partner{}, err
	}
	p, err := h.api.Partners.GetByNum(system(ctx), num)
	if errors.Is(err, userkit.ErrNotFound) {
		if aerr := h.api.Permissions.Require(ctx, action, permissions.All); aerr != nil {
			return partners.Partner{}, aerr
		}
		return partners.Partner{}, notFound("Partner", raw)
	}
	if err != nil {
		return partners.Partner{}, err
	}
	if err := h.api.Permissions.Require(ctx, action, permissions.PartnerScope(p.ID)); err != nil {
		return partners.Partner{}, err
	}
	return p, nil
}

// member resolves {partner_id} and {user_id} for action. A user who exists
// but is not a member of the partner is 404, like an unknown one.
func (h *handlers) member(r *http.Request, action permissions.Action) (partners.Partner, users.User, error) {
	p, err := h.partner(r, action)
	if err != nil {
		return p, users.User{}, err
	}
	raw := r.PathValue("user_id")
	num, err := parseNum(raw, "User")
	if err != nil {
		return p, users.User{}, err
	}
	sys := system(r.Context())
	u, err := h.api.Users.GetByNum(sys, num)
	if err == nil {
		u, err = h.api.Partners.GetUser(sys, p.ID, u.ID)
	}
	if errors.Is(err, userkit.ErrNotFound) {
		return p, users.User{}, notFound("User", raw)
	}
	return p, u, err
}

// listUsers: GET …/users?page=&search=
func (h *handlers) listUsers(w http.ResponseWriter, r *http.Request) (listDTO, error) {
	p, err := h.partner(r, permissions.UsersRead)
	if err != nil {
		return listDTO{}, err
	}
	q, err := parseList(r)
	if err != nil {
		return listDTO{}, err
	}
	pg, err := h.api.Partners.ListUsers(r.Context(), p.ID, q.params())
	if err != nil {
		return listDTO{}, err
	}
	return listBody(r, q, pg), nil
}

// createUser: POST …/users. 201 when the user was created, 200 when an
// existing user (found by email) was attached to the partner.
func (h *handlers) createUser(w http.ResponseWriter, r *http.Request) (core.Result[dataDTO[userDTO]], error) {
	p, err := h.partner(r, permissions.UsersCreate)
	if err != nil {
		return core.Result[dataDTO[userDTO]]{}, err
	}
	var in createDTO
	if err := h.api.Decode(w, r, &in); err != nil {
		return core.Result[dataDTO[userDTO]]{}, err
	}
	if ps := in.missing(); len(ps) > 0 {
		// Laravel lists every invalid field at once: the other fields are
		// validated too (Prepare stores nothing).
		if _, err := h.api.Users.Prepare(r.Context(), in.params()); userkit.KindOf(err) == userkit.Invalid {
			ps.add(userkit.FieldsOf(err), nil)
		}
		return core.Result[dataDTO[userDTO]]{}, ps.err()
	}
	u, created, err := h.api.Partners.AddUser(r.Context(), p.ID, in.params())
	if err != nil {
		return core.Result[dataDTO[userDTO]]{}, err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	core.SetETag(w, u.Version)
	return core.Result[dataDTO[userDTO]]{Status: status, Body: dataDTO[userDTO]{toUser(u)}}, nil
}

// missing reports the fields Laravel's "required" rule refuses: absent,
// null or blank.
func (d createDTO) missing() problems {
	e := problems{}
	for _, f := range []struct{ name, value string }{
		{"first_name", d.FirstName}, {"last_name", d.LastName}, {"email", d.Email}, {"password", d.Password},
	} {
		if isBlank(f.value) {
			e[f.name] = userkit.Problem{Rule: userkit.RuleRequired}
		}
	}
	return e
}

func isBlank(s string) bool {
	for _, c := range s {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

// getUser: GET …/users/{user_id}
func (h *handlers) getUser(w http.ResponseWriter, r *http.Request) (dataDTO[userDTO], error) {
	p, u, err := h.member(r, permissions.UsersRead)
	if err != nil {
		return dataDTO[userDTO]{}, err
	}
	if u, err = h.api.Partners.GetUser(r.Context(), p.ID, u.ID); err != nil {
		return dataDTO[userDTO]{}, err
	}
	core.SetETag(w, u.Version)
	return dataDTO[userDTO]{toUser(u)}, nil
}

// errStale answers an If-Match that names an older version.
var errStale = userkit.Errorf(userkit.PreconditionFailed, "The user was changed by someone else. Reload it and try again.")

// updateUser: PUT …/users/{user_id}. Every field is optional; the whole
// request is validated before anything is written, then the profile is
// updated (honouring If-Match) and the new password set.
func (h *handlers) updateUser(w http.ResponseWriter, r *http.Request) (dataDTO[userDTO], error) {
	p, u, err := h.member(r, permissions.UsersUpdate)
	if err != nil {
		return dataDTO[userDTO]{}, err
	}
	version, err := core.IfMatch(r)
	if err != nil {
		return dataDTO[userDTO]{}, err
	}
	var in updateDTO
	if err := h.api.Decode(w, r, &in); err != nil {
		return dataDTO[userDTO]{}, err
	}
	if err := h.api.RequireAllForAdmin(r.Context(), u); err != nil {
		return dataDTO[userDTO]{}, err
	}
	if err := h.validateUpdate(r.Context(), u, in); err != nil {
		return dataDTO[userDTO]{}, err
	}
	ctx := r.Context()
	switch {
	case in.profileChanged():
		if u, err = h.api.Users.Update(ctx, u.ID, in.params(version)); err != nil {
			return dataDTO[userDTO]{}, err
		}
	case version != nil && *version != u.Version:
		return dataDTO[userDTO]{}, errStale
	}
	if pw := in.newPassword(); pw != "" {
		if err := h.api.Users.SetPassword(ctx, u.ID, pw); err != nil {
			return dataDTO[userDTO]{}, err
		}
		// Setting the password bumped the version; answer the current one.
		if u, err = h.api.Partners.GetUser(system(ctx), p.ID, u.ID); err != nil {
			return dataDTO[userDTO]{}, err
		}
	}
	core.SetETag(w, u.Version)
	return dataDTO[userDTO]{toUser(u)}, nil
}

// newPassword is the password to set, "" for none: Laravel's
// ConvertEmptyStringsToNull makes an empty new_password "no change".
func (d updateDTO) newPassword() string {
	if d.NewPassword == nil {
		return ""
	}
	return *d.NewPassword
}

// validateUpdate checks the whole update without writing: the new
// password against the policy and its confirmation (Laravel's
// "confirmed"), and the profile as it would be after the update, through
// users.Service.Prepare (which validates and stores nothing).
func (h *handlers) validateUpdate(ctx context.Context, u users.User, in updateDTO) error {
	e := problems{}
	if pw := in.newPassword(); pw != "" {
		if err := h.api.Users.Policy().Validate(pw); err != nil {
			e.add(userkit.FieldsOf(err), map[string]string{"Password": "new_password"})
		}
		if in.NewPasswordConfirmation == nil || *in.NewPasswordConfirmation != pw {
			e.add(map[string]userkit.Problem{"new_password": {Rule: userkit.RuleMismatch, Param: "new_password_confirmation"}}, nil)
		}
	}
	if in.profileChanged() {
		next := users.CreateParams{Email: u.Email, FirstName: u.FirstName, LastName: u.LastName}
		setIf(&next.Email, in.Email)
		setIf(&next.FirstName, in.FirstName)
		setIf(&next.LastName, in.LastName)
		if _, err := h.api.Users.Prepare(ctx, next); err != nil {
			if userkit.KindOf(err) != userkit.Invalid {
				return err
			}
			e.add(userkit.FieldsOf(err), nil)
		}
	}
	return e.err()
}

func setIf(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

// deleteUser: DELETE …/users/{user_id}. Detaches the user from the
// partner; a user left without partners is deleted.
func (h *handlers) deleteUser(w http.ResponseWriter, r *http.Request) (emptyDTO, error) {
	p, u, err := h.member(r, permissions.UsersDelete)
	if err != nil {
		return emptyDTO{}, err
	}
	if _, err := h.api.Partners.RemoveUser(r.Context(), p.ID, u.ID); err != nil {
		return emptyDTO{}, err
	}
	return emptyDTO{}, nil
}

// userPartners: GET …/users/{user_id}/partners. Lists the user's
// partners in the order joined, leaving out those the caller has no
// access to, so a partner's key learns nothing about other partners.
func (h *handlers) userPartners(w http.ResponseWriter, r *http.Request) (dataDTO[[]partnerDTO], error) {
	_, u, err := h.member(r, permissions.UsersRead)
	if err != nil {
		return dataDTO[[]partnerDTO]{}, err
	}
	ctx := r.Context()
	all, err := h.api.Partners.PartnersOf(ctx, u.ID)
	if err != nil {
		return dataDTO[[]partnerDTO]{}, err
	}
	out := make([]partnerDTO, 0, len(all))
	for _, p := range all {
		ok, err := h.api.Permissions.HasPartnerAccess(ctx, p.ID)
		if err != nil {
			return dataDTO[[]partnerDTO]{}, err
		}
		if ok {
			out = append(out, toPartner(p))
		}
	}
	return dataDTO[[]partnerDTO]{out}, nil
}
