// Package cli is the `phusong` command: one file per subcommand, all run in-process
// by Main so tests call the real thing.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/store"
)

// env is what a subcommand runs with.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

type command struct {
	summary string
	run     func(e *env, args []string) error
}

var commands = map[string]command{}

func register(name, summary string, run func(e *env, args []string) error) {
	commands[name] = command{summary, run}
}

// Main runs `phusong ARGS…` and returns the exit code: 0 ok, 1 failure, 2 bad input
// or usage, 3 not found, 4 forbidden.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "phusong: lệnh không có / unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	if err := cmd.run(e, args[1:]); err != nil {
		return report(stderr, err)
	}
	return 0
}

func report(w io.Writer, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintln(w, "phusong:", err)
	switch fault.KindOf(err) {
	case fault.Invalid:
		return 2
	case fault.NotFound:
		return 3
	case fault.Forbidden, fault.Unauthenticated:
		return 4
	}
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func usage(w io.Writer) {
	fmt.Fprintln(w, "Phủ Sóng — BHXH, BHYT, BHTN coverage for steering committees\n\nUsage: phusong COMMAND [ARGS] [--db URL]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --db URL (or PHUSONG_DB): sqlite:PATH, PATH, or postgres://…; default ./phusong.db.")
}

// flags is a flag set with the options every subcommand shares.
type flags struct {
	*flag.FlagSet
	db     *string
	format *string
	date   *string
}

func newFlags(e *env, name string, withFormat, withDate bool) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	f := &flags{FlagSet: fs, db: fs.String("db", e.getenv("PHUSONG_DB"), "database URL (default ./phusong.db)")}
	if withFormat {
		f.format = fs.String("format", "table", "output format: table, csv or json")
	}
	if withDate {
		f.date = fs.String("date", "", "the date (YYYY-MM-DD); default today")
	}
	return f
}

// parse parses flags placed before, between or after positional arguments.
func (f *flags) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			return nil, err
		}
		rest := f.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func (f *flags) day() (civil.Date, error) {
	if f.date == nil || *f.date == "" {
		return civil.Today(), nil
	}
	d, err := civil.Parse(*f.date)
	if err != nil {
		return 0, fault.New(fault.Invalid, "--date: "+err.Error(), "--date: "+err.Error())
	}
	return d, nil
}

// open connects to the database and wraps it in the service layer.
func (f *flags) open(e *env) (*app.App, func(), error) {
	st, err := store.Open(e.ctx, *f.db)
	if err != nil {
		return nil, nil, err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return app.New(st, log), func() { st.Close() }, nil
}

// run parses the flags (positional arguments may stand anywhere), resolves --date
// (today when the command has none), opens the database and calls fn.
func (f *flags) run(e *env, args []string, fn func(a *app.App, d civil.Date, pos []string) error) error {
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	d, err := f.day()
	if err != nil {
		return err
	}
	a, done, err := f.open(e)
	if err != nil {
		return err
	}
	defer done()
	return fn(a, d, pos)
}

// openWith opens an input file and the database; done closes both.
func (f *flags) openWith(e *env, path string) (*app.App, *os.File, func(), error) {
	r, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	a, done, err := f.open(e)
	if err != nil {
		r.Close()
		return nil, nil, nil, err
	}
	return a, r, func() { done(); r.Close() }, nil
}

func oneArg(pos []string, what string) (string, error) {
	if len(pos) != 1 {
		return "", usagef("cần đúng một %s / need exactly one %s", what, what)
	}
	return strings.TrimSpace(pos[0]), nil
}
