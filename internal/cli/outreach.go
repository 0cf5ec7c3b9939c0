package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/outreach"
)

func init() {
	register("outreach", "outreach lists: phusong outreach uncovered|expiring|lapsed|students --unit CODE; assign; contact", runOutreach)
}

const outreachUsage = `phusong outreach uncovered|expiring|lapsed|students --unit CODE [--village V] [--date D] [--days N] [--format table|csv|json|xlsx] [--out FILE]
phusong outreach assign KIND --unit CODE [--village V] [--date D] [--days N] --collector USERNAME
phusong outreach contact PERSON_KEY --outcome enrolled|refused|moved|deceased|unreachable [--note TEXT] [--date D]
Every form takes --as USERNAME to act with that user's grants (default: the operator, all rights).`

func runOutreach(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("%s", outreachUsage)
	}
	switch args[0] {
	case "assign":
		return runOutreachAssign(e, args[1:])
	case "contact":
		return runOutreachContact(e, args[1:])
	}
	if _, err := outreach.ParseKind(args[0]); err != nil {
		return usagef("%s", outreachUsage)
	}
	return runOutreachList(e, args[0], args[1:])
}

// outreachFlags are the flags of every outreach form.
type outreachFlags struct {
	*flags
	unit, village, as *string
	days              *int
}

func newOutreachFlags(e *env, name string, withFormat bool) *outreachFlags {
	f := &outreachFlags{flags: newFlags(e, name, withFormat, true)}
	f.unit = f.String("unit", "", "commune code (valid on --date)")
	f.village = f.String("village", "", "village code under the commune (default: the whole commune)")
	f.days = f.Int("days", 0, "expiring: cards ending within this many days (default 30)")
	f.as = f.String("as", "", "act with this user's grants (default: the operator, all rights)")
	return f
}

// scope is the operator's, or the named user's.
func (f *outreachFlags) scope(e *env, a *app.App) (*auth.Scope, error) {
	if *f.as == "" {
		return app.System, nil
	}
	u, err := a.Store.UserByName(e.ctx, *f.as)
	if err != nil {
		return nil, err
	}
	return a.ScopeOf(e.ctx, u.ID)
}

// session resolves --date, opens the database and the caller's scope (--as).
func (f *outreachFlags) session(e *env) (*app.App, *auth.Scope, civil.Date, func(), error) {
	d, err := f.day()
	if err != nil {
		return nil, nil, 0, nil, err
	}
	a, done, err := f.open(e)
	if err != nil {
		return nil, nil, 0, nil, err
	}
	sc, err := f.scope(e, a)
	if err != nil {
		done()
		return nil, nil, 0, nil, err
	}
	return a, sc, d, done, nil
}

func runOutreachList(e *env, kind string, args []string) error {
	f := newOutreachFlags(e, "outreach "+kind, true)
	out := f.String("out", "", "write the list to this file (required for xlsx)")
	if _, err := f.parse(args); err != nil {
		return err
	}
	format := *f.format
	if *f.unit == "" {
		return usagef("%s", outreachUsage)
	}
	switch {
	case format == "xlsx" && *out == "":
		return usagef("--format xlsx cần --out FILE / --format xlsx needs --out FILE")
	case format != "table" && format != "csv" && format != "json" && format != "xlsx":
		return usagef("--format phải là table, csv, json hoặc xlsx / --format must be table, csv, json or xlsx, not %q", format)
	case format == "table" && *out != "":
		return usagef("--out cần --format csv, json hoặc xlsx / --out needs --format csv, json or xlsx")
	}
	a, sc, d, done, err := f.session(e)
	if err != nil {
		return err
	}
	defer done()
	l, err := a.Outreach(e.ctx, sc, kind, *f.unit, d, *f.days, *f.village)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "%s: %d người / persons listed, %d đã loại (chuyển đi, đã mất) / excluded (moved, deceased)\n", l.Heading(), l.Listed, l.Excluded)
	if format == "table" {
		return write(e.stdout, "table", outreachTable(l))
	}
	return exportTo(e, a, sc, l, format, *out)
}

func outreachTable(l *outreach.List) table {
	t := table{header: outreach.Header(l.Kind), json: l}
	for _, r := range l.Rows {
		t.rows = append(t.rows, outreach.Cells(l.Kind, r))
	}
	return t
}

// exportTo writes an audited export to a file, or to standard output.
func exportTo(e *env, a *app.App, sc *auth.Scope, l *outreach.List, format, path string) error {
	var buf bytes.Buffer
	if err := a.ExportOutreach(e.ctx, sc, l, format, &buf); err != nil {
		return err
	}
	var w io.Writer = e.stdout
	if path != "" {
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "đã ghi / written: %s\n", path)
		return nil
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func runOutreachAssign(e *env, args []string) error {
	f := newOutreachFlags(e, "outreach assign", true)
	collector := f.String("collector", "", "username of the collector")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	kind, err := oneArg(pos, "danh sách / list kind")
	if err != nil || *f.unit == "" || *collector == "" {
		return usagef("%s", outreachUsage)
	}
	a, sc, d, done, err := f.session(e)
	if err != nil {
		return err
	}
	defer done()
	as, err := a.Assign(e.ctx, sc, kind, *f.unit, d, *f.days, *f.village, *collector)
	if err != nil {
		return err
	}
	t := table{header: []string{"id", "kind", "unit_code", "village_code", "date", "days", "collector"}, json: as,
		rows: [][]string{{fmt.Sprint(as.ID), string(as.Kind), as.UnitCode, as.VillageCode, as.Date.String(), fmt.Sprint(as.Days), as.Collector}}}
	return write(e.stdout, *f.format, t)
}

func runOutreachContact(e *env, args []string) error {
	f := newOutreachFlags(e, "outreach contact", true)
	outcome := f.String("outcome", "", "enrolled, refused, moved, deceased or unreachable")
	note := f.String("note", "", "what was said or seen")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	key, err := oneArg(pos, "mã người / person key")
	if err != nil || *outcome == "" {
		return usagef("%s", outreachUsage)
	}
	a, sc, d, done, err := f.session(e)
	if err != nil {
		return err
	}
	defer done()
	c, err := a.RecordContact(e.ctx, sc, key, *outcome, *note, d)
	if err != nil {
		return err
	}
	t := table{header: []string{"id", "person_key", "outcome", "contacted_on", "assignment_id", "note"}, json: c,
		rows: [][]string{{fmt.Sprint(c.ID), c.PersonKey, string(c.Outcome), c.ContactedOn.String(), fmt.Sprint(c.AssignmentID), strings.ReplaceAll(c.Note, "\n", " ")}}}
	return write(e.stdout, *f.format, t)
}
