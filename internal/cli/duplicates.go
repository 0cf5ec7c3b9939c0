package cli

import (
	"github.com/phusong/phusong/internal/app"
)

func init() {
	register("duplicates", "possible duplicate persons and overlapping cards below a unit", runDuplicates)
}

func runDuplicates(e *env, args []string) error {
	f := newFlags(e, "duplicates", true, true)
	unit := f.String("unit", "", "unit code (valid on --date)")
	if _, err := f.parse(args); err != nil {
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
	fs, err := a.Duplicates(e.ctx, app.System, *unit, d)
	if err != nil {
		return err
	}
	t := table{header: []string{"kind", "key", "first_national_id", "first_bhxh_code", "second_national_id", "second_bhxh_code"}, json: fs}
	for _, x := range fs {
		t.rows = append(t.rows, []string{string(x.Kind), x.Key, x.First.NationalID, x.First.BHXHCode, x.Second.NationalID, x.Second.BHXHCode})
	}
	return write(e.stdout, *f.format, t)
}
