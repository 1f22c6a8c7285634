// Command webhooks delivers userkit's audit events to an HTTP endpoint as
// signed webhooks, reading them from the outbox
// (permissions.Service.EventsAfter) in commit order:
//
//	go run ./examples/webhooks -db sqlite:userkit.db -url https://example.com/hooks \
//		-secret whsec_… -cursor webhooks.cursor
//
// Each event is POSTed as JSON with a Userkit-Signature header in the form
// Stripe uses, "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">", and
// a Userkit-Event-Id header the receiver can deduplicate on. A receiver
// checks the signature with Verify (constant-time, with a tolerance on
// the timestamp against replays).
//
// Delivery is at least once and in order. The cursor of an event is
// written to the cursor file (atomically: a temporary file renamed over
// it) only after the endpoint answered 2xx, and the next event is sent
// only then. Failures (a non-2xx answer, a network error) are retried
// with exponential backoff and jitter; after MaxAttempts the run stops
// with the error, without skipping the event, and the next run starts
// from it. So a crash at any point repeats at most the one event that was
// being delivered (sent, but not yet acknowledged) and never one that was
// acknowledged, and loses none.
package main
