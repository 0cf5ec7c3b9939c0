package cli

import (
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/geo"
)

func init() {
	register("units", "administrative units on a date: list, show, successors, predecessors, rebase", runUnits)
}

func runUnits(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("phusong units list|show|successors|predecessors|rebase …")
	}
	switch args[0] {
	case "list":
		return unitsList(e, args[1:])
	case "show":
		return unitsShow(e, args[1:])
	case "successors", "predecessors":
		return unitsLinks(e, args[0], args[1:])
	case "rebase":
		return unitsRebase(e, args[1:])
	}
	return usagef("units: lệnh con không có / unknown subcommand %q", args[0])
}

func unitsList(e *env, args []string) error {
	f := newFlags(e, "units list", true, true)
	level := f.String("level", "", "province, district, commune or village")
	parent := f.String("parent", "", "code of the parent unit (valid on --date)")
	return f.run(e, args, func(a *app.App, d civil.Date, _ []string) error {
		lvl, ok := geo.ParseLevel(*level)
		if *level != "" && !ok {
			return usagef("--level phải là province, district, commune hoặc village / --level must be province, district, commune or village")
		}
		us, err := a.Units(e.ctx, app.System, d, lvl, *parent)
		if err != nil {
			return err
		}
		return write(e.stdout, *f.format, unitTable(us))
	})
}

func unitTable(us []app.UnitView) table {
	t := table{header: []string{"code", "name", "level", "parent_code", "valid_from", "valid_to"}, json: us}
	for _, u := range us {
		t.rows = append(t.rows, []string{u.Code, u.FullName, string(u.Level), u.ParentCode, u.ValidFrom.String(), openEnd(u.ValidTo)})
	}
	return t
}

func openEnd(d *civil.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

func unitsShow(e *env, args []string) error {
	f := newFlags(e, "units show", true, true)
	return f.run(e, args, func(a *app.App, d civil.Date, pos []string) error {
		code, err := oneArg(pos, "mã đơn vị / unit code")
		if err != nil {
			return err
		}
		det, err := a.UnitShow(e.ctx, app.System, code, d)
		if err != nil {
			return err
		}
		return printUnit(e, *f.format, det)
	})
}

func printUnit(e *env, format string, det *app.UnitDetail) error {
	if format == "json" {
		return writeJSON(e.stdout, det)
	}
	fmt.Fprintf(e.stdout, "%s %s (%s, %s)\nhiệu lực / valid: %s – %s\n", det.Code, det.FullName, det.Level, det.Type, det.ValidFrom, orOpen(det.ValidTo))
	for _, anc := range det.Ancestors {
		fmt.Fprintf(e.stdout, "thuộc / in: %s %s\n", anc.Code, anc.FullName)
	}
	fmt.Fprintf(e.stdout, "đơn vị trực thuộc / children: %d\n", len(det.Children))
	printLinks(e, "tiền thân / predecessors", det.Predecessors)
	printLinks(e, "kế thừa / successors", det.Successors)
	return nil
}

func orOpen(d *civil.Date) string {
	if d == nil {
		return "nay / now"
	}
	return d.String()
}

func printLinks(e *env, label string, ls []app.LinkView) {
	fmt.Fprintf(e.stdout, "%s: %d\n", label, len(ls))
	for _, l := range ls {
		fmt.Fprintf(e.stdout, "  %s %s  share %s  (%s, %s)\n", l.Code, l.Name, strconv.FormatFloat(l.Share, 'f', -1, 64), l.Kind, l.Date)
	}
}

func unitsLinks(e *env, which string, args []string) error {
	f := newFlags(e, "units "+which, true, true)
	return f.run(e, args, func(a *app.App, d civil.Date, pos []string) error {
		code, err := oneArg(pos, "mã đơn vị / unit code")
		if err != nil {
			return err
		}
		get := a.Successors
		if which == "predecessors" {
			get = a.Predecessors
		}
		ls, err := get(e.ctx, app.System, code, d)
		if err != nil {
			return err
		}
		t := table{header: []string{"code", "name", "share", "kind", "date"}, json: ls}
		for _, l := range ls {
			t.rows = append(t.rows, []string{l.Code, l.Name, strconv.FormatFloat(l.Share, 'f', -1, 64), l.Kind, l.Date.String()})
		}
		return write(e.stdout, *f.format, t)
	})
}

func unitsRebase(e *env, args []string) error {
	f := newFlags(e, "units rebase", true, false)
	from := f.String("from-date", "", "the date whose units key FILE (YYYY-MM-DD)")
	to := f.String("to-date", "", "the date whose units the figures are summed onto; default today")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	file, err := oneArg(pos, "tệp / FILE")
	if err != nil {
		return err
	}
	d0, err := civil.Parse(*from)
	if err != nil {
		return usagef("--from-date: %v", err)
	}
	d := civil.Today()
	if *to != "" {
		if d, err = civil.Parse(*to); err != nil {
			return usagef("--to-date: %v", err)
		}
	}
	a, r, done, err := f.openWith(e, file)
	if err != nil {
		return err
	}
	defer done()
	res, err := a.Rebase(e.ctx, app.System, d0, d, filepath.Base(file), r)
	if err != nil {
		return err
	}
	for _, u := range res.Unmapped {
		fmt.Fprintf(e.stderr, "không chuyển được / not mapped: %s %d: %s / %s\n", u.UnitCode, u.Value, u.VI, u.EN)
	}
	t := table{header: []string{"unit_code", "value"}, json: res.Figures}
	for _, fg := range res.Figures {
		t.rows = append(t.rows, []string{fg.UnitCode, strconv.FormatInt(fg.Value, 10)})
	}
	return write(e.stdout, *f.format, t)
}
