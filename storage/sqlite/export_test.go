package sqlite

// TailQuery is tailQuery, for the test of its plan.
const TailQuery = tailQuery
