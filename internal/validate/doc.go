// Package validate runs go-playground/validator over params structs and
// reports problems as a *userkit.Error of kind Invalid, field by field,
// keyed by Go field name (the HTTP packages map them to wire names).
package validate
