// Command bench measures userkit side by side with its references and
// peers in one run and prints a ratio table; with -write it also rewrites
// the section of ../BENCHMARKS.md between <!-- bench:begin --> and
// <!-- bench:end -->.
//
//	cd bench && go run . -scale 100000          # about 5 minutes
//	cd bench && go run . -scale 10000           # quick run
//	cd bench && go run . -scale 100000 -big     # adds 1M users on PostgreSQL
//
// Every figure is a ratio against a reference measured in the same run,
// in interleaved rounds (reference, subject, reference, subject, ...); the
// ratio is the median of the per-round ratios, and absolute figures are
// medians for the record only. PostgreSQL measures run when
// USERKIT_POSTGRES_DSN is set, each size in a database bench_<pid>_<n>
// created and dropped by the run.
//
// This is its own Go module (so that Casbin never reaches userkit's
// go.mod). The calls into userkit are in the lib_*.go files.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"
)

type config struct {
	scale    int
	big      bool
	rounds   int
	httpTime time.Duration
	opTime   time.Duration
	out      string
	write    bool
	pgDSN    string
	only     string
	cpuprof  string
}

func main() {
	var c config
	flag.IntVar(&c.scale, "scale", 100_000, "users in the main data set (lists also run at scale/10)")
	flag.BoolVar(&c.big, "big", false, "also list and search at 1,000,000 users on PostgreSQL (loading takes about a minute)")
	flag.IntVar(&c.rounds, "rounds", 3, "interleaved rounds per measure")
	flag.DurationVar(&c.httpTime, "http", 2*time.Second, "load time per HTTP target per round (after a 0.5 s warm-up)")
	flag.DurationVar(&c.opTime, "op", 100*time.Millisecond, "time per in-process measure per round (in-process measures run 3x -rounds rounds)")
	flag.StringVar(&c.out, "out", "../BENCHMARKS.md", "file whose bench:begin/end section is rewritten")
	flag.BoolVar(&c.write, "write", true, "rewrite the section of -out")
	flag.StringVar(&c.only, "only", "", "comma-separated measures to run (http,service,lists,login,import,memory,permissions); default all")
	flag.StringVar(&c.cpuprof, "cpuprofile", "", "write a CPU profile of the HTTP measures (server and load generator) to this file")
	flag.Parse()
	c.pgDSN = os.Getenv("USERKIT_POSTGRES_DSN")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, c); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// microRounds is the number of rounds of the in-process measures: short
// and many, so that reference and subject see the same load.
func (c config) microRounds() int { return 3 * c.rounds }

func (c config) wants(m string) bool {
	if c.only == "" {
		return true
	}
	for _, x := range strings.Split(c.only, ",") {
		if strings.TrimSpace(x) == m {
			return true
		}
	}
	return false
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s  "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func run(ctx context.Context, c config) error {
	start := time.Now()
	dir, err := os.MkdirTemp("", "userkit-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	r := &report{cfg: c, machine: machineInfo()}
	var pg *pgAdmin
	if c.pgDSN != "" {
		if pg, err = newPGAdmin(ctx, c.pgDSN); err != nil {
			return fmt.Errorf("PostgreSQL at USERKIT_POSTGRES_DSN: %w", err)
		}
		defer pg.close()
		r.machine.postgres = pgVersion(ctx, pg.db)
	} else {
		r.notes = append(r.notes, "USERKIT_POSTGRES_DSN was not set: the PostgreSQL measures were skipped.")
	}

	small := max(1000, c.scale/10)
	sets := map[string]*dataset{}
	load := func(engine string, n int) (*dataset, error) {
		key := fmt.Sprintf("%s/%d", engine, n)
		if d := sets[key]; d != nil {
			return d, nil
		}
		var d *dataset
		var err error
		switch engine {
		case "sqlite":
			d, err = loadSQLite(ctx, dir, n)
		default:
			d, err = loadPostgres(ctx, pg, n)
		}
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", key, err)
		}
		logf("loaded %s in %v", key, d.load.Round(100*time.Millisecond))
		r.loads = append(r.loads, fmt.Sprintf("%s %s users %v", engine, commas(n), d.load.Round(100*time.Millisecond)))
		sets[key] = d
		return d, nil
	}
	defer func() {
		for _, d := range sets {
			d.db.Close()
		}
	}()

	primary, err := load("sqlite", c.scale)
	if err != nil {
		return err
	}
	r.machine.sqlite = sqliteVersion(ctx, primary.db)
	var mainPG *dataset
	if pg != nil && (c.wants("service") || c.wants("lists")) {
		if mainPG, err = load("postgres", c.scale); err != nil {
			return err
		}
	}

	if c.wants("http") {
		logf("HTTP GET one user and Venuzle lists, SQLite %s users", commas(c.scale))
		if c.cpuprof != "" {
			f, err := os.Create(c.cpuprof)
			if err != nil {
				return err
			}
			defer f.Close()
			if err := pprof.StartCPUProfile(f); err != nil {
				return err
			}
		}
		err := measureHTTP(ctx, c, r, primary)
		if c.cpuprof != "" {
			pprof.StopCPUProfile()
		}
		if err != nil {
			return fmt.Errorf("http: %w", err)
		}
	}
	if c.wants("service") {
		logf("users.Service.Get vs bare SELECT")
		for _, d := range []*dataset{primary, mainPG} {
			if d == nil {
				continue
			}
			if err := measureServiceGet(ctx, c, r, d); err != nil {
				return fmt.Errorf("service %s: %w", d.engine, err)
			}
		}
	}
	if c.wants("lists") {
		engines := []string{"sqlite"}
		if pg != nil {
			engines = append(engines, "postgres")
		}
		for _, e := range engines {
			sizes := []int{small, c.scale}
			if e == "postgres" && c.big && c.scale < 1_000_000 {
				sizes = append(sizes, 1_000_000)
			}
			var ds []*dataset
			for _, n := range sizes {
				d, err := load(e, n)
				if err != nil {
					return err
				}
				ds = append(ds, d)
			}
			logf("lists and search, %s", e)
			if err := measureLists(ctx, c, r, ds); err != nil {
				return fmt.Errorf("lists %s: %w", e, err)
			}
		}
	}
	if c.wants("login") {
		logf("login vs raw argon2id")
		if err := measureLogin(ctx, c, r, primary); err != nil {
			return fmt.Errorf("login: %w", err)
		}
	}
	if c.wants("import") {
		logf("import vs raw INSERT loop")
		if err := measureImport(ctx, c, r, filepath.Join(dir, "import")); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	// The in-memory measures last, with the databases closed, so that
	// their heaps do not share the process with the SQL pools.
	for k, d := range sets {
		d.db.Close()
		delete(sets, k)
	}
	if c.wants("memory") {
		logf("memory store vs plain maps, %s users", commas(c.scale))
		if err := measureMemory(ctx, c, r); err != nil {
			return fmt.Errorf("memory: %w", err)
		}
	}
	if c.wants("permissions") {
		logf("permission check vs Casbin, %s users", commas(c.scale))
		if err := measurePermissions(ctx, c, r); err != nil {
			return fmt.Errorf("permissions: %w", err)
		}
	}
	r.elapsed = time.Since(start)
	text := r.render()
	fmt.Println(text)
	if c.write {
		if err := rewriteSection(c.out, text); err != nil {
			return err
		}
		logf("rewrote the bench section of %s", c.out)
	}
	return nil
}
