package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/userkit/userkit/kit"
	"io"
	"strings"

	"github.com/userkit/userkit/internal/dbopen"
	"github.com/userkit/userkit/partners"
	"github.com/userkit/userkit/permissions"
	"github.com/userkit/userkit/portals"
	"github.com/userkit/userkit/storage"
	"github.com/userkit/userkit/users"
)

// Exit codes a script can rely on.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	exitPartial = 3
)

// usageError is a mistake in the command line (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// partialError reports an import in which some items failed (exit 3).
type partialError struct{ failed, total int }

func (e *partialError) Error() string {
	return fmt.Sprintf("%d of %d items failed", e.failed, e.total)
}

// finish writes err's message to stderr and returns the exit code for it.
func finish(err error, stderr io.Writer) int {
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stderr, "userkit:", err)
	}
	return exitCode(err)
}

func exitCode(err error) int {
	var ue *usageError
	var pe *partialError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ue), errors.Is(err, flag.ErrHelp):
		return exitUsage
	case errors.As(err, &pe):
		return exitPartial
	}
	return exitFailure
}

const usage = `usage: userkit [-db DSN] <command> [flags] [args]

commands:
  migrate                                      apply pending migrations
  keys create --account NAME --grant A@SCOPE   new service account with a key (key printed once)
  keys rotate --account ID                     new key for an account; its other keys are revoked
  users import [--format jsonl|csv] [--results FILE [--resume]] FILE
  users export [--format jsonl|csv] [--out FILE]
  users gdpr-export --email EMAIL              everything held about one user, as JSON
  users erase --email EMAIL                    delete one user and everything keyed by them

-db: sqlite:<file> (default sqlite:userkit.db, or $USERKIT_DB), memory:,
     postgres://user@host/db, mysql://user:pass@host:3306/db
exit codes: 0 ok, 1 failure, 2 usage, 3 partial import
`

// env is what a command works with: the store and the services over it,
// and a context that runs as System.
type env struct {
	ctx      context.Context
	store    storage.Store
	authz    *permissions.Service
	users    *users.Service
	partners *partners.Service
	portals  *portals.Service
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
}

// run is the whole command: testable without a process. getenv reads the
// environment (os.Getenv in main).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("userkit", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	dsn := getenv("USERKIT_DB")
	if dsn == "" {
		dsn = "sqlite:userkit.db"
	}
	fs.StringVar(&dsn, "db", dsn, "database")
	if err := fs.Parse(args); err != nil {
		return usageOf(err)
	}
	args = fs.Args()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("no command")
	}
	name := args[0]
	if name != "migrate" && len(args) > 1 {
		name += " " + args[1]
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprint(stderr, usage)
		return usagef("unknown command %q", name)
	}
	// The command's flags are parsed before the database is opened, so
	// that a usage error costs nothing and changes nothing.
	action, err := cmd(stderr, args[len(strings.Fields(name)):])
	if err != nil {
		return err
	}
	store, closeStore, err := dbopen.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer closeStore()
	if action == nil { // migrate: Open applied the migrations
		fmt.Fprintf(stderr, "migrated %s\n", dbopen.Redact(dsn))
		return nil
	}
	return action(newEnv(ctx, store, stdin, stdout, stderr))
}

// A command parses its arguments and returns what to do with the opened
// database.
type command func(stderr io.Writer, args []string) (func(*env) error, error)

var commands = map[string]command{
	"migrate": func(stderr io.Writer, args []string) (func(*env) error, error) {
		_, err := parse(newFlags(stderr, "migrate"), args, 0)
		return nil, err
	},
	"keys create":       keysCreate,
	"keys rotate":       keysRotate,
	"users import":      usersImport,
	"users export":      usersExport,
	"users gdpr-export": usersGDPRExport,
	"users erase":       usersErase,
}

func newEnv(ctx context.Context, store storage.Store, stdin io.Reader, stdout, stderr io.Writer) *env {
	k := kit.New(store, nil)
	return &env{
		ctx:      permissions.WithPrincipal(ctx, permissions.System),
		store:    store,
		authz:    k.Permissions,
		users:    k.Users,
		partners: k.Partners,
		portals:  k.Portals,
		stdin:    stdin,
		stdout:   stdout,
		stderr:   stderr,
	}
}

// newFlags returns a FlagSet for a command that reports to stderr.
func newFlags(stderr io.Writer, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("userkit "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// usageOf turns a flag parsing error (already printed by the FlagSet)
// into a usage error.
func usageOf(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return &usageError{msg: err.Error()}
}

// parse parses args with fs and checks the number of positional
// arguments.
func parse(fs *flag.FlagSet, args []string, positional int) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		return nil, usageOf(err)
	}
	if fs.NArg() != positional {
		return nil, usagef("%s: want %d argument(s), got %d", fs.Name(), positional, fs.NArg())
	}
	return fs.Args(), nil
}

// multiFlag collects a repeated flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
