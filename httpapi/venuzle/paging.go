package venuzle

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/userkit/userkit"
	"github.com/userkit/userkit/httpapi/internal/core"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/users"
)

// perPage is the seed's fixed page size.
const perPage = 20

// maxPage bounds the page number so that the offset cannot overflow.
const maxPage = 1 << 31

// listQuery is the list endpoint's query: a page number from 1 and an
// optional search text.
type listQuery struct {
	Page   int
	Search string
}

// parseList reads page and search. A page that is not a whole number from
// 1 is a 422 on "page" (Laravel's paginator would quietly show page 1; a
// client is better told).
func parseList(r *http.Request) (listQuery, error) {
	page, err := core.QueryInt(r, "page", 1, core.Range{Min: 1, Max: maxPage})
	return listQuery{Page: page, Search: r.URL.Query().Get("search")}, err
}

func (q listQuery) params() partners.ListUsersParams {
	return partners.ListUsersParams{Search: q.Search,
		PageRequest: userkit.PageRequest{Page: q.Page, Limit: perPage, Total: true}}
}

// listBody renders one page in Laravel's paginated resource format, with
// absolute links built from the request that keep the search text, the
// page parameter last, as in the seed.
func listBody(r *http.Request, q listQuery, pg userkit.Page[users.User]) listDTO {
	total := max(pg.Total, 0)
	last := max(1, (total+perPage-1)/perPage)
	out := listDTO{
		Data: make([]userDTO, len(pg.Items)),
		Meta: metaDTO{CurrentPage: q.Page, PerPage: perPage, Total: total, LastPage: last, Path: requestURL(r)},
	}
	for i, u := range pg.Items {
		out.Data[i] = toUser(u)
	}
	if n := len(pg.Items); n > 0 { // an empty page has from and to 0
		out.Meta.From, out.Meta.To = (q.Page-1)*perPage+1, (q.Page-1)*perPage+n
	}
	link := func(page int) string {
		var b strings.Builder
		b.WriteString(out.Meta.Path)
		b.WriteByte('?')
		if q.Search != "" {
			b.WriteString("search=")
			b.WriteString(url.QueryEscape(q.Search))
			b.WriteByte('&')
		}
		b.WriteString("page=")
		b.WriteString(strconv.Itoa(page))
		return b.String()
	}
	out.Links = linksDTO{First: link(1), Last: link(last)}
	if q.Page > 1 {
		prev := link(q.Page - 1)
		out.Links.Prev = &prev
	}
	if q.Page < last {
		next := link(q.Page + 1)
		out.Links.Next = &next
	}
	return out
}

// requestURL is the absolute URL of the request without its query. The
// path comes from the request line as the client sent it, so that links
// stay right when the host mounted the API behind http.StripPrefix; the
// scheme from TLS or a proxy's X-Forwarded-Proto; the host from Host.
func requestURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if fp, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ","); fp != "" {
		switch p := strings.ToLower(strings.TrimSpace(fp)); p {
		case "http", "https": // anything else is not a scheme we would link to
			scheme = p
		}
	}
	path := r.URL.EscapedPath()
	if r.RequestURI != "" {
		if u, err := url.ParseRequestURI(r.RequestURI); err == nil && u.Path != "" {
			path = u.EscapedPath()
		}
	}
	return scheme + "://" + r.Host + path
}
