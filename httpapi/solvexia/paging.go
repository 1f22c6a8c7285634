package solvexia

import "github.com/userkit/userkit/users"

// listPageSize is the size of the keyset pages GET /users reads from the
// service while it streams the one array Solvexia documents.
const listPageSize = users.ListAllPageSize
