// Package core is the machinery shared by the httpapi packages: the
// services and options every API is built from, authentication, JSON
// decoding and encoding, request ids, the one Kind→status table and user
// API tokens. The public names are re-exported by package httpapi.
package core
