package solvexia

import "github.com/userkit/userkit/users"

// timezones are the values of Solvexia's TimeZone enum. The list lives in
// package users (users.SolvexiaTimezones), which decides what Solvexia
// shows for a timezone stored through another API.
var timezones = users.SolvexiaTimezones
