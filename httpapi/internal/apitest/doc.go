// Package apitest is the test kit of the httpapi packages: real services
// over a memory store with a fixed clock and cheap password hashing,
// service-account keys with chosen grants, a request helper and golden
// files. It is imported by tests only.
package apitest
