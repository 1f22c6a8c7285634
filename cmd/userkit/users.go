package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"
	"github.com/userkit/userkit"
	"github.com/userkit/userkit/users"
)

// formatOf picks the file format: the --format flag, else the extension.
func formatOf(flagValue, path string) (string, error) {
	f := strings.ToLower(flagValue)
	if f == "" {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".jsonl", ".ndjson", ".json":
			f = "jsonl"
		case ".csv":
			f = "csv"
		default:
			return "", usagef("cannot tell the format of %q from its extension: pass --format jsonl or --format csv", path)
		}
	}
	if f != "jsonl" && f != "csv" {
		return "", usagef("--format %q: want jsonl or csv", flagValue)
	}
	return f, nil
}

// result is one line of the --results file.
type result struct {
	Item   int                        `json:"item"` // 1-based position of the record in the input
	Email  string                     `json:"email,omitempty"`
	Status string                     `json:"status"` // created, attached, exists or failed
	ID     string                     `json:"id,omitempty"`
	Error  string                     `json:"error,omitempty"`
	Fields map[string]userkit.Problem `json:"fields,omitempty"`
}

func failure(item int, email string, err error) result {
	r := result{Item: item, Email: email, Status: string(users.ImportFailed), Error: err.Error()}
	if f := userkit.FieldsOf(err); len(f) > 0 {
		r.Fields = f
	}
	return r
}

// usersImport: create users from a JSON Lines or CSV file, a result per
// item. With --resume, items already in the results file are skipped and
// new results are appended, so an interrupted import can be run again
// with the same command.
func usersImport(stderr io.Writer, args []string) (func(*env) error, error) {
	fs := newFlags(stderr, "users import")
	format := fs.String("format", "", "input `format`: jsonl or csv (default: from the file extension)")
	resultsPath := fs.String("results", "", "write a JSON line per item to `FILE`")
	resume := fs.Bool("resume", false, "skip the items already reported in the --results file, and append to it")
	chunk := fs.Int("chunk", users.DefaultImportChunk, "users per transaction")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return nil, err
	}
	path := pos[0]
	f, err := formatOf(*format, path)
	if err != nil {
		return nil, err
	}
	if *resume && *resultsPath == "" {
		return nil, usagef("users import: --resume needs --results FILE")
	}
	if *chunk < 1 {
		return nil, usagef("users import: --chunk must be at least 1")
	}
	return func(e *env) error {
		done := map[int]bool{}
		if *resume {
			if done, err = reported(*resultsPath); err != nil {
				return err
			}
		}
		var out *json.Encoder
		if *resultsPath != "" {
			flags := os.O_CREATE | os.O_WRONLY | os.O_TRUNC
			if *resume {
				flags = os.O_CREATE | os.O_WRONLY | os.O_APPEND
			}
			rf, err := os.OpenFile(*resultsPath, flags, 0o644)
			if err != nil {
				return err
			}
			defer rf.Close()
			out = json.NewEncoder(rf)
		}
		in, err := os.Open(path)
		if err != nil {
			return err
		}
		defer in.Close()

		var bar *progressbar.ProgressBar
		if isTerminal(e.stdout) {
			n, err := countRecords(path, f)
			if err != nil {
				return err
			}
			bar = progressbar.NewOptions(n, progressbar.OptionSetWriter(e.stderr), progressbar.OptionSetDescription("importing"),
				progressbar.OptionShowCount(), progressbar.OptionSetItsString("users"), progressbar.OptionShowIts(),
				progressbar.OptionThrottle(100_000_000), progressbar.OptionClearOnFinish())
		}
		counts := map[string]int{}
		report := func(r result) error {
			counts[r.Status]++
			if bar != nil {
				_ = bar.Add(1)
			}
			if r.Status == string(users.ImportFailed) && out == nil {
				fmt.Fprintf(e.stderr, "item %d (%s): %s\n", r.Item, r.Email, r.Error)
			}
			if out != nil {
				return out.Encode(r)
			}
			return nil
		}

		type sent struct {
			item  int
			email string
		}
		var queue []sent // what went to ImportSeq, by its Index
		var readErr error
		skipped := 0
		items := func(yield func(users.ImportItem) bool) {
			for n, rec := range records(in, f, &readErr) {
				if done[n] {
					skipped++
					if bar != nil {
						_ = bar.Add(1)
					}
					continue
				}
				if rec.err != nil {
					if err := report(failure(n, rec.row.Email, rec.err)); err != nil {
						readErr = err
						return
					}
					continue
				}
				it, err := rec.row.item()
				if err != nil {
					if err := report(failure(n, rec.row.Email, &userkit.Error{Kind: userkit.Invalid, Message: err.Error()})); err != nil {
						readErr = err
						return
					}
					continue
				}
				queue = append(queue, sent{n, rec.row.Email})
				if !yield(it) {
					return
				}
			}
		}
		err = e.users.ImportSeq(e.ctx, items, &users.ImportOptions{ChunkSize: *chunk}, func(r users.ImportResult) error {
			s := queue[r.Index]
			if r.Err != nil {
				return report(failure(s.item, s.email, r.Err))
			}
			res := result{Item: s.item, Email: s.email, Status: string(r.Status)}
			if r.User.ID != [16]byte{} {
				res.ID = r.User.ID.String()
			}
			return report(res)
		})
		if bar != nil {
			_ = bar.Finish()
		}
		total := counts["created"] + counts["attached"] + counts["exists"] + counts["failed"]
		fmt.Fprintf(e.stderr, "%d item(s): %d created, %d attached, %d existed, %d failed", total,
			counts["created"], counts["attached"], counts["exists"], counts["failed"])
		if skipped > 0 {
			fmt.Fprintf(e.stderr, "; %d skipped (already in %s)", skipped, *resultsPath)
		}
		fmt.Fprintln(e.stderr)
		if err == nil {
			err = readErr
		}
		if err != nil {
			return fmt.Errorf("import stopped (the results so far are committed; rerun with --resume to go on): %w", err)
		}
		if counts["failed"] > 0 {
			return &partialError{failed: counts["failed"], total: total}
		}
		return nil
	}, nil
}

// reported reads the item numbers of a results file, for --resume. A
// missing file is empty. A torn last line (a crash while writing it) is
// cut off, so that the results appended next start on a line of their
// own; its item is imported again (and then reports "exists").
func reported(path string) (map[int]bool, error) {
	done := map[int]bool{}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return done, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var complete int64 // bytes up to the end of the last whole line
	for {
		line, err := br.ReadBytes('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		complete += int64(len(line))
		var r result
		if json.Unmarshal(line, &r) == nil && r.Item > 0 {
			done[r.Item] = true
		}
	}
	if fi, err := f.Stat(); err == nil && fi.Size() > complete {
		if err := os.Truncate(path, complete); err != nil {
			return nil, err
		}
	}
	return done, nil
}

// record is one input record, or why it could not be read.
type record struct {
	row row
	err error
}

// records yields the records of r by 1-based item number. A malformed
// record is yielded with its error; an error that ends the input (an
// unreadable file, a CSV without a header) is stored in *fatal.
func records(r io.Reader, format string, fatal *error) iter.Seq2[int, record] {
	return func(yield func(int, record) bool) {
		if format == "csv" {
			cr := csv.NewReader(r)
			cr.FieldsPerRecord = -1
			header, err := cr.Read()
			if err != nil {
				if err != io.EOF {
					*fatal = fmt.Errorf("reading the CSV header: %w", err)
				}
				return
			}
			set := make([]func(*row, string) error, len(header))
			known := false
			for i, h := range header {
				for _, c := range columns {
					if strings.EqualFold(strings.TrimSpace(h), c.name) {
						set[i], known = c.set, true
					}
				}
			}
			if !known {
				*fatal = errors.New("the CSV header names no known column (email, first_name, last_name, ...)")
				return
			}
			for n := 1; ; n++ {
				fields, err := cr.Read()
				if err == io.EOF {
					return
				}
				var rec record
				if err != nil {
					var pe *csv.ParseError
					if !errors.As(err, &pe) {
						*fatal = err
						return
					}
					rec.err = &userkit.Error{Kind: userkit.Invalid, Message: err.Error()}
				}
				for i, v := range fields {
					if i < len(set) && set[i] != nil && rec.err == nil {
						if err := set[i](&rec.row, v); err != nil {
							rec.err = &userkit.Error{Kind: userkit.Invalid, Message: fmt.Sprintf("column %s: %v", header[i], err)}
						}
					}
				}
				if !yield(n, rec) {
					return
				}
			}
		}
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		n := 0
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" {
				continue
			}
			n++
			var rec record
			dec := json.NewDecoder(strings.NewReader(line))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&rec.row); err != nil {
				rec.err = &userkit.Error{Kind: userkit.Invalid, Message: "not a JSON object of a user: " + err.Error()}
			}
			if !yield(n, rec) {
				return
			}
		}
		if err := sc.Err(); err != nil {
			*fatal = err
		}
	}
}

// countRecords counts the records of a file, for the progress bar.
func countRecords(path, format string) (int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var fatal error
	n := 0
	for range records(f, format, &fatal) {
		n++
	}
	return n, fatal
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// usersExport: every user, keyset paged, as JSON Lines or CSV. No
// password hashes: an export is for other systems and people, not a
// backup.
func usersExport(stderr io.Writer, args []string) (func(*env) error, error) {
	fs := newFlags(stderr, "users export")
	format := fs.String("format", "", "output `format`: jsonl (default) or csv")
	outPath := fs.String("out", "", "write to `FILE` instead of stdout")
	if _, err := parse(fs, args, 0); err != nil {
		return nil, err
	}
	switch {
	case *format != "":
		if _, err := formatOf(*format, ""); err != nil {
			return nil, err
		}
	case strings.EqualFold(filepath.Ext(*outPath), ".csv"):
		*format = "csv"
	default:
		*format = "jsonl"
	}
	return func(e *env) error {
		w := e.stdout
		if *outPath != "" {
			file, err := os.Create(*outPath)
			if err != nil {
				return err
			}
			defer file.Close()
			w = file
		}
		bw := bufio.NewWriter(w)
		n, err := exportUsers(e.ctx, e, bw, *format)
		if ferr := bw.Flush(); err == nil {
			err = ferr
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "%d user(s) exported\n", n)
		return nil
	}, nil
}

func exportUsers(ctx context.Context, e *env, w io.Writer, format string) (int, error) {
	list := func(ctx context.Context, r userkit.PageRequest) (userkit.Page[users.User], error) {
		return e.users.List(ctx, users.ListParams{PageRequest: r})
	}
	var cw *csv.Writer
	enc := json.NewEncoder(w)
	cols := exportColumns()
	get := map[string]func(*row) string{}
	for _, c := range columns {
		get[c.name] = c.get
	}
	if format == "csv" {
		cw = csv.NewWriter(w)
		if err := cw.Write(cols); err != nil {
			return 0, err
		}
	}
	n := 0
	for u, err := range userkit.All(ctx, list) {
		if err != nil {
			return n, err
		}
		r := rowOf(u)
		if cw != nil {
			vals := make([]string, len(cols))
			for i, c := range cols {
				vals[i] = get[c](&r)
			}
			if err := cw.Write(vals); err != nil {
				return n, err
			}
		} else if err := enc.Encode(r); err != nil {
			return n, err
		}
		n++
	}
	if cw != nil {
		cw.Flush()
		return n, cw.Error()
	}
	return n, nil
}
