// Command userkit manages a userkit database from the shell: migrations,
// service-account keys, bulk import and export of users, and per-user
// data export and erasure (GDPR articles 15, 17 and 20).
//
//	userkit [-db DSN] migrate
//	userkit [-db DSN] keys create --account NAME --grant ACTION@SCOPE [--grant ...]
//	userkit [-db DSN] keys rotate --account ID
//	userkit [-db DSN] users import [--format jsonl|csv] [--results FILE [--resume]] [--chunk N] FILE
//	userkit [-db DSN] users export [--format jsonl|csv] [--out FILE]
//	userkit [-db DSN] users gdpr-export --email EMAIL
//	userkit [-db DSN] users erase --email EMAIL
//
// -db takes the same strings as examples/server (default $USERKIT_DB, else
// sqlite:userkit.db): sqlite:<file>, memory:, postgres://…, mysql://….
// Every command applies pending migrations first. Commands run as the
// trusted System principal: the CLI is an operator's tool, and whoever can
// run it can read the database anyway.
//
// Output meant for programs goes to stdout (a key, an export, a GDPR
// document); messages and the progress bar go to stderr.
//
// Exit codes:
//
//	0  success
//	1  failure (nothing or not everything was done; see stderr)
//	2  usage error (unknown command, bad flag or argument)
//	3  partial import: some items failed (see the results file)
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(finish(err, os.Stderr))
}
