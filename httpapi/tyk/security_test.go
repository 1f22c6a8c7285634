package tyk

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/matryer/is"
)

// TestPageOverflow: a page number whose offset overflows an int must be a
// 422, not a negative offset (which panicked slicing an organisation's teams
// and silently served page 1 from the stores).
func TestPageOverflow(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.createJohn(t)
	for _, path := range []string{
		"/portal-api/organisations/1/teams",
		"/portal-api/organisations",
		"/portal-api/users",
	} {
		t.Run(path, func(t *testing.T) {
			is := is.New(t)
			var code int
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("handler panicked: %v", r)
					}
				}()
				code = s.do("GET", fmt.Sprintf("%s?page=%d&per_page=100", path, int64(92233720368547760)), s.admin, "").Code
			}()
			is.Equal(code, http.StatusUnprocessableEntity) // the page number is refused
		})
	}
}
