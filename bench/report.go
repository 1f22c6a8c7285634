package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// Ory Kratos is a server, not a library: its figures are the issue's,
// measured by the perf review (shared/research/perf-2026-12.md, 2026-12,
// this machine type: 2 vCPU, SQLite, 100,000 identities, wrk -c8, ANALYZE
// run on both databases), expressed as shares of the bare net/http
// ceiling of the same wrk rounds: GET identity 1,245 req/s = 2.6 % of
// bare, so that ceiling was about 47,900 req/s; a list page of 50 at 340
// req/s and an exact-email lookup at 882 req/s against it.
const (
	kratosGetShare   = 0.026
	kratosBare       = 1245 / kratosGetShare
	kratosListShare  = 340 / kratosBare
	kratosEmailShare = 882 / kratosBare
)

type row struct {
	section, measure, userkit, ref, ratio, peer, target string
}

type machine struct {
	cpu, cores, goVersion, load, postgres, sqlite string
}

type report struct {
	cfg     config
	machine machine
	loads   []string
	rows    []row
	notes   []string
	elapsed time.Duration
}

func (r *report) add(x row) { r.rows = append(r.rows, x) }

func machineInfo() machine {
	m := machine{cpu: "unknown", cores: fmt.Sprint(runtime.NumCPU()), goVersion: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		f := strings.Fields(string(b))
		if len(f) >= 3 {
			m.load = strings.Join(f[:3], " ")
		}
	}
	return m
}

func pgVersion(ctx context.Context, db *sql.DB) string {
	var v string
	if err := db.QueryRowContext(ctx, "SHOW server_version").Scan(&v); err != nil {
		return "?"
	}
	return v
}

func sqliteVersion(ctx context.Context, db *sql.DB) string {
	var v string
	if err := db.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&v); err != nil {
		return "?"
	}
	return v
}

func commas(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + commas(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func (r *report) command() string {
	cmd := fmt.Sprintf("go run . -scale %d", r.cfg.scale)
	if r.cfg.big {
		cmd += " -big"
	}
	if r.cfg.rounds != 3 {
		cmd += fmt.Sprintf(" -rounds %d", r.cfg.rounds)
	}
	if r.cfg.only != "" {
		cmd += " -only " + r.cfg.only
	}
	if r.cfg.pgDSN != "" {
		cmd = "USERKIT_POSTGRES_DSN='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' " + cmd
	}
	return "cd bench && " + cmd
}

// render is the scale's block of the BENCHMARKS.md section.
func (r *report) render() string {
	var b strings.Builder
	m := r.machine
	fmt.Fprintf(&b, "### %s users (run of %s, %s)\n\n", commas(r.cfg.scale), time.Now().UTC().Format("2006-01-02 15:04 UTC"), r.elapsed.Round(time.Second))
	fmt.Fprintf(&b, "Command: `%s`\n\n", r.command())
	fmt.Fprintf(&b, "Machine: %s, %s cores (runtime.NumCPU), %s, load average at the start %s, at the end %s; SQLite %s (modernc.org/sqlite)", m.cpu, m.cores, m.goVersion, m.load, machineInfo().load, m.sqlite)
	if m.postgres != "" {
		fmt.Fprintf(&b, "; PostgreSQL %s on 127.0.0.1", m.postgres)
	}
	fmt.Fprintf(&b, ". HTTP: %d interleaved rounds, %v per target per round after a 0.5 s warm-up, 8 keep-alive connections; in-process measures: %d interleaved rounds of %v each (at least one operation).\n\n", r.cfg.rounds, r.cfg.httpTime, r.cfg.microRounds(), r.cfg.opTime)
	if len(r.loads) > 0 {
		fmt.Fprintf(&b, "Loads (bulk, deterministic data set): %s.\n\n", strings.Join(r.loads, "; "))
	}
	b.WriteString("| # | measure | userkit | reference, same run | ratio | peer (source) | target |\n|---|---|---|---|---|---|---|\n")
	order := []string{"1", "2", "3", "4", "5", "6", "7"}
	for _, s := range order {
		for _, x := range r.rows {
			if x.section == s {
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", x.section, x.measure, x.userkit, x.ref, x.ratio, x.peer, x.target)
			}
		}
	}
	for _, n := range r.notes {
		fmt.Fprintf(&b, "\n%s\n", n)
	}
	return b.String()
}

const (
	beginMark = "<!-- bench:begin -->"
	endMark   = "<!-- bench:end -->"
)

// rewriteSection puts block into path between the bench markers (adding
// them, under a heading, at the end when missing). Within the section each
// scale keeps its own block, so runs at different scales sit side by side:
// only this run's scale is replaced.
func rewriteSection(path, block string) error {
	old, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	text := string(old)
	i, j := strings.Index(text, beginMark), strings.Index(text, endMark)
	if i < 0 || j < i {
		text = strings.TrimRight(text, "\n") + "\n\n## Side by side with references and peers (issue 9)\n\n" + beginMark + "\n" + endMark + "\n"
		i, j = strings.Index(text, beginMark), strings.Index(text, endMark)
	}
	inner := text[i+len(beginMark) : j]
	blocks := parseBlocks(inner)
	blocks[scaleOf(block)] = strings.TrimSpace(block)
	var body bytes.Buffer
	body.WriteString("\n" + methodText + "\n")
	for _, k := range sortedDesc(blocks) {
		fmt.Fprintf(&body, "\n<!-- bench:scale=%d -->\n%s\n<!-- /bench:scale=%d -->\n", k, blocks[k], k)
	}
	out := text[:i+len(beginMark)] + body.String() + text[j:]
	return os.WriteFile(path, []byte(out), 0o644)
}

func scaleOf(block string) int {
	var n int
	line, _, _ := strings.Cut(block, "\n")
	fmt.Sscanf(strings.ReplaceAll(strings.TrimPrefix(line, "### "), ",", ""), "%d", &n)
	return n
}

func parseBlocks(inner string) map[int]string {
	out := map[int]string{}
	for {
		i := strings.Index(inner, "<!-- bench:scale=")
		if i < 0 {
			return out
		}
		var n int
		fmt.Sscanf(inner[i:], "<!-- bench:scale=%d -->", &n)
		endTag := fmt.Sprintf("<!-- /bench:scale=%d -->", n)
		j := strings.Index(inner, endTag)
		if j < 0 {
			return out
		}
		start := i + strings.Index(inner[i:], "-->") + 3
		out[n] = strings.TrimSpace(inner[start:j])
		inner = inner[j+len(endTag):]
	}
}

func sortedDesc(m map[int]string) []int {
	var ks []int
	for k := range m {
		ks = append(ks, k)
	}
	for a := range ks {
		for b := a + 1; b < len(ks); b++ {
			if ks[b] > ks[a] {
				ks[a], ks[b] = ks[b], ks[a]
			}
		}
	}
	return ks
}

// methodText opens the section: how to read and rerun it.
const methodText = `Produced by ` + "`bench/`" + ` (its own Go module, so that Casbin never reaches userkit's
go.mod); each block below is rewritten by a run at its scale. Every ratio is against a
reference measured in the same process and the same run, in interleaved rounds
(reference, subject, reference, subject, …), and is the median of the per-round ratios;
absolute figures are medians, for the record only (the machine is shared and noisy).

- **Data set**: generated deterministically (the generator of
  ` + "`storage/sqlstore/sqlbench`" + `, sized by ` + "`-scale`" + `): user i is a member of partner i % 10
  and portal i % 10, so partner 2 (Num 2, the partner-scoped key's) holds a tenth of the
  users; about 8 % are named Garcia, 0.09 % Nordvik. It is bulk-loaded with the library's
  migrations (SQLite: multi-row INSERTs into a temporary file; PostgreSQL: COPY into a
  database ` + "`bench_<pid>_<n>`" + ` created and dropped by the run).
- **Planner statistics**: PostgreSQL gets ` + "`VACUUM ANALYZE`" + ` after the COPY (what autovacuum
  does after a bulk load); SQLite gets no ` + "`ANALYZE`" + ` from the harness — its statistics are
  whatever the adapter maintains itself (after the perf change, ` + "`PRAGMA optimize`" + `).
- **HTTP**: the four APIs (` + "`all.Mount`" + `, Whaly's rate limit off) and a bare net/http handler
  returning a fixed 420-byte JSON, both on 127.0.0.1 in the harness process, driven by its
  own HTTP/1.1 generator (8 keep-alive connections, one request in flight each, like
  ` + "`wrk -c8`" + `, time-bounded). The store is opened with the adapter's ` + "`Open`" + ` and today's pool
  defaults (SQLite: ` + "`DSNParams`" + `, which maps the file). Users are drawn from the key's partner.
  Every request sends the same key, so after the first one it is served from the
  permission service's key cache (` + "`KeyCacheTTL`" + `, 500 ms) and a GET costs one statement;
  the statement budget below counts the cold path (two).
- **Kratos** is a server, not a library: its figures are the issue's (perf-2026-12.md,
  measured 2026-12 on this machine type with wrk, SQLite, 100k identities, ANALYZE on
  both), as shares of the bare ceiling of their own run (GET identity 2.6 %; list page of
  50 at 340 req/s ≈ 0.71 %; exact email at 882 req/s ≈ 1.84 %); "userkit ÷ Kratos"
  divides our share of our bare ceiling by theirs.
- **Casbin** runs in the same process on the same RBAC-with-domains policy (partners as
  domains, one role per user, every 10th user an admin); both libraries must return the
  policy's decision for 128 sample requests before either is timed.
`
