package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/userkit/userkit/internal/dbopen"
	"github.com/userkit/userkit/permissions"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "webhooks:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("webhooks", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "sqlite:userkit.db", "database, as for examples/server")
	url := fs.String("url", "", "endpoint to POST events to")
	secret := fs.String("secret", os.Getenv("USERKIT_WEBHOOK_SECRET"), "signing secret (or $USERKIT_WEBHOOK_SECRET)")
	cursor := fs.String("cursor", "webhooks.cursor", "file keeping the cursor of the last delivered event")
	poll := fs.Duration("poll", time.Second, "wait between reads when caught up")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" || len(*secret) < 16 {
		return errors.New("-url and a -secret of at least 16 characters are required")
	}
	store, closeStore, err := dbopen.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer closeStore()
	d := &Deliverer{
		Outbox: permissions.New(store, nil),
		Cursor: FileCursor(*cursor),
		URL:    *url,
		Secret: []byte(*secret),
	}
	// The deliverer reads the whole log: it runs as System, in process.
	return d.Run(permissions.WithPrincipal(ctx, permissions.System), *poll)
}
