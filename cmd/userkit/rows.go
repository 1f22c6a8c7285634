package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/userkit/userkit/users"
)

// row is one user as the import and export files hold it: JSON Lines
// objects or CSV columns with these (snake_case) names. An export can be
// imported again; it carries no password hash.
type row struct {
	ID                string `json:"id,omitempty"`
	Num               int64  `json:"num,omitempty"`
	Email             string `json:"email"`
	FirstName         string `json:"first_name"`
	LastName          string `json:"last_name"`
	LoginName         string `json:"login_name,omitempty"`
	Password          string `json:"password,omitempty"`
	PasswordHash      string `json:"password_hash,omitempty"`
	Status            string `json:"status,omitempty"`
	Role              string `json:"role,omitempty"`
	Provider          string `json:"provider,omitempty"`
	Locale            string `json:"locale,omitempty"`
	Timezone          string `json:"timezone,omitempty"`
	City              string `json:"city,omitempty"`
	Country           string `json:"country,omitempty"`
	Department        string `json:"department,omitempty"`
	PhoneLand         string `json:"phone_land,omitempty"`
	PhoneMobile       string `json:"phone_mobile,omitempty"`
	DateOfBirth       string `json:"date_of_birth,omitempty"` // 2006-01-02
	MustResetPassword bool   `json:"must_reset_password,omitempty"`
	PartnerID         string `json:"partner_id,omitempty"`
	CreatedAt         string `json:"created_at,omitempty"`
	UpdatedAt         string `json:"updated_at,omitempty"`
}

// columns are the CSV columns, in export order; import accepts any subset
// in any order (by the header row) and ignores the ones it does not use.
var columns = []struct {
	name string
	get  func(*row) string
	set  func(*row, string) error
}{
	{"id", func(r *row) string { return r.ID }, func(r *row, v string) error { r.ID = v; return nil }},
	{"num", func(r *row) string { return strconv.FormatInt(r.Num, 10) }, func(r *row, v string) error {
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		r.Num = n
		return err
	}},
	{"email", func(r *row) string { return r.Email }, func(r *row, v string) error { r.Email = v; return nil }},
	{"first_name", func(r *row) string { return r.FirstName }, func(r *row, v string) error { r.FirstName = v; return nil }},
	{"last_name", func(r *row) string { return r.LastName }, func(r *row, v string) error { r.LastName = v; return nil }},
	{"login_name", func(r *row) string { return r.LoginName }, func(r *row, v string) error { r.LoginName = v; return nil }},
	{"password", func(r *row) string { return r.Password }, func(r *row, v string) error { r.Password = v; return nil }},
	{"password_hash", func(r *row) string { return r.PasswordHash }, func(r *row, v string) error { r.PasswordHash = v; return nil }},
	{"status", func(r *row) string { return r.Status }, func(r *row, v string) error { r.Status = v; return nil }},
	{"role", func(r *row) string { return r.Role }, func(r *row, v string) error { r.Role = v; return nil }},
	{"provider", func(r *row) string { return r.Provider }, func(r *row, v string) error { r.Provider = v; return nil }},
	{"locale", func(r *row) string { return r.Locale }, func(r *row, v string) error { r.Locale = v; return nil }},
	{"timezone", func(r *row) string { return r.Timezone }, func(r *row, v string) error { r.Timezone = v; return nil }},
	{"city", func(r *row) string { return r.City }, func(r *row, v string) error { r.City = v; return nil }},
	{"country", func(r *row) string { return r.Country }, func(r *row, v string) error { r.Country = v; return nil }},
	{"department", func(r *row) string { return r.Department }, func(r *row, v string) error { r.Department = v; return nil }},
	{"phone_land", func(r *row) string { return r.PhoneLand }, func(r *row, v string) error { r.PhoneLand = v; return nil }},
	{"phone_mobile", func(r *row) string { return r.PhoneMobile }, func(r *row, v string) error { r.PhoneMobile = v; return nil }},
	{"date_of_birth", func(r *row) string { return r.DateOfBirth }, func(r *row, v string) error { r.DateOfBirth = v; return nil }},
	{"must_reset_password", func(r *row) string { return strconv.FormatBool(r.MustResetPassword) }, func(r *row, v string) error {
		if v == "" {
			return nil
		}
		b, err := strconv.ParseBool(v)
		r.MustResetPassword = b
		return err
	}},
	{"partner_id", func(r *row) string { return r.PartnerID }, func(r *row, v string) error { r.PartnerID = v; return nil }},
	{"created_at", func(r *row) string { return r.CreatedAt }, func(r *row, v string) error { r.CreatedAt = v; return nil }},
	{"updated_at", func(r *row) string { return r.UpdatedAt }, func(r *row, v string) error { r.UpdatedAt = v; return nil }},
}

// exportColumns leave out what an export never holds.
func exportColumns() []string {
	var out []string
	for _, c := range columns {
		switch c.name {
		case "password", "password_hash", "partner_id":
			continue
		}
		out = append(out, c.name)
	}
	return out
}

func rowOf(u users.User) row {
	r := row{
		ID: u.ID.String(), Num: u.Num, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
		LoginName: u.LoginName, Status: string(u.Status), Role: u.Role, Provider: u.Provider, Locale: u.Locale,
		Timezone: u.Timezone, City: u.City, Country: u.Country, Department: u.Department,
		PhoneLand: u.PhoneLand, PhoneMobile: u.PhoneMobile, MustResetPassword: u.MustResetPassword,
		CreatedAt: u.CreatedAt.Format(time.RFC3339Nano), UpdatedAt: u.UpdatedAt.Format(time.RFC3339Nano),
	}
	if u.DateOfBirth != nil {
		r.DateOfBirth = u.DateOfBirth.Format(time.DateOnly)
	}
	return r
}

// item turns a row read from an import file into an ImportItem. id, num,
// login_name and the times of an export are ignored: the store assigns
// them.
func (r row) item() (users.ImportItem, error) {
	it := users.ImportItem{CreateParams: users.CreateParams{
		Email: r.Email, FirstName: r.FirstName, LastName: r.LastName, Password: r.Password, PasswordHash: r.PasswordHash,
		Status: users.Status(r.Status), Role: r.Role, Provider: r.Provider, Locale: r.Locale, Timezone: r.Timezone,
		City: r.City, Country: r.Country, Department: r.Department, PhoneLand: r.PhoneLand, PhoneMobile: r.PhoneMobile,
		MustResetPassword: r.MustResetPassword,
	}}
	if r.DateOfBirth != "" {
		d, err := time.Parse(time.DateOnly, r.DateOfBirth)
		if err != nil {
			return it, fmt.Errorf("date_of_birth %q: want YYYY-MM-DD", r.DateOfBirth)
		}
		it.DateOfBirth = &d
	}
	if p := strings.TrimSpace(r.PartnerID); p != "" {
		id, err := uuid.Parse(p)
		if err != nil {
			return it, fmt.Errorf("partner_id %q: not a partner ID", r.PartnerID)
		}
		it.PartnerID = id
	}
	return it, nil
}
