package venuzle

import (
	"errors"
	"net/http"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/partners"
)

// handlers holds the API's machinery; each method makes one endpoint,
// which decodes, makes one service call and encodes. The services decide
// every permission: addressing a partner needs the action on it (403
// before anything about users is looked up), and changing a member needs
// control of the user, which a partner that merely attached the user by
// email does not have.
type handlers struct {
	api *core.API
}

// nums reads {partner_id} and, when withUser, {user_id}. Anything that is
// not a positive integer names no model: the same 404 as an unknown id.
func nums(r *http.Request, withUser bool) (partnerNum, userNum int64, err error) {
	if partnerNum, err = parseNum(r.PathValue("partner_id"), "Partner"); err != nil || !withUser {
		return partnerNum, 0, err
	}
	userNum, err = parseNum(r.PathValue("user_id"), "User")
	return partnerNum, userNum, err
}

// missing renders the services' misses as Laravel's ModelNotFoundException
// for the path's ids.
func missing(r *http.Request, err error) error {
	switch {
	case errors.Is(err, partners.ErrPartnerNotFound):
		return notFound("Partner", r.PathValue("partner_id"))
	case errors.Is(err, partners.ErrNotMember):
		return notFound("User", r.PathValue("user_id"))
	}
	return err
}

// listUsers: GET …/users?page=&search=
func (h *handlers) listUsers(w http.ResponseWriter, r *http.Request) (listDTO, error) {
	pnum, _, err := nums(r, false)
	if err != nil {
		return listDTO{}, err
	}
	q, err := parseList(r)
	if err != nil {
		return listDTO{}, err
	}
	pg, err := h.api.Partners.ListUsersByNum(r.Context(), pnum, q.params())
	if err != nil {
		return listDTO{}, missing(r, err)
	}
	return listBody(r, q, pg), nil
}

// createUser: POST …/users. 201 when the user was created, 200 when an
// existing user (found by email) was attached to the partner. The attach
// gives the partner the membership, not control of the user.
func (h *handlers) createUser(w http.ResponseWriter, r *http.Request) (core.Result[dataDTO[userDTO]], error) {
	pnum, _, err := nums(r, false)
	if err != nil {
		return core.Result[dataDTO[userDTO]]{}, err
	}
	var in createDTO
	if err := h.api.Decode(w, r, &in); err != nil {
		return core.Result[dataDTO[userDTO]]{}, err
	}
	u, created, err := h.api.Partners.AddUserByNum(r.Context(), pnum, in.params())
	if err != nil {
		return core.Result[dataDTO[userDTO]]{}, missing(r, err)
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	core.SetETag(w, u.Version)
	return core.Result[dataDTO[userDTO]]{Status: status, Body: dataDTO[userDTO]{toUser(u)}}, nil
}

// missing reports the fields Laravel's "required" rule refuses: absent,
// null or blank. They travel to the service as the input's problems, so
// that the caller's rights are checked first and every invalid field is
// listed at once, as Laravel's validator does.
func (d createDTO) missing() map[string]userkit.Problem {
	e := map[string]userkit.Problem{}
	for _, f := range []struct{ name, value string }{
		{"first_name", d.FirstName}, {"last_name", d.LastName}, {"email", d.Email}, {"password", d.Password},
	} {
		if isBlank(f.value) {
			e[f.name] = userkit.Problem{Rule: userkit.RuleRequired}
		}
	}
	if len(e) == 0 {
		return nil
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
	pnum, unum, err := nums(r, true)
	if err != nil {
		return dataDTO[userDTO]{}, err
	}
	u, err := h.api.Partners.GetMember(r.Context(), pnum, unum)
	if err != nil {
		return dataDTO[userDTO]{}, missing(r, err)
	}
	core.SetETag(w, u.Version)
	return dataDTO[userDTO]{toUser(u)}, nil
}

// updateUser: PUT …/users/{user_id}. Every field is optional; the profile
// and the new password are written in one transaction (honouring
// If-Match), after every problem of the input was reported at once.
func (h *handlers) updateUser(w http.ResponseWriter, r *http.Request) (dataDTO[userDTO], error) {
	pnum, unum, err := nums(r, true)
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
	u, err := h.api.Partners.UpdateMember(r.Context(), pnum, unum, in.params(version))
	if err != nil {
		return dataDTO[userDTO]{}, missing(r, err)
	}
	core.SetETag(w, u.Version)
	return dataDTO[userDTO]{toUser(u)}, nil
}

// deleteUser: DELETE …/users/{user_id}. Detaches the user from the
// partner; the managing partner's detach of a user in no other partner or
// portal deletes the user.
func (h *handlers) deleteUser(w http.ResponseWriter, r *http.Request) (emptyDTO, error) {
	pnum, unum, err := nums(r, true)
	if err != nil {
		return emptyDTO{}, err
	}
	if _, err := h.api.Partners.RemoveMember(r.Context(), pnum, unum); err != nil {
		return emptyDTO{}, missing(r, err)
	}
	return emptyDTO{}, nil
}

// userPartners: GET …/users/{user_id}/partners. Lists the user's
// partners in the order joined, only those the caller may see, so a
// partner's key learns nothing about other partners.
func (h *handlers) userPartners(w http.ResponseWriter, r *http.Request) (dataDTO[[]partnerDTO], error) {
	pnum, unum, err := nums(r, true)
	if err != nil {
		return dataDTO[[]partnerDTO]{}, err
	}
	all, err := h.api.Partners.MemberPartners(r.Context(), pnum, unum)
	if err != nil {
		return dataDTO[[]partnerDTO]{}, missing(r, err)
	}
	out := make([]partnerDTO, len(all))
	for i, p := range all {
		out[i] = toPartner(p)
	}
	return dataDTO[[]partnerDTO]{out}, nil
}
