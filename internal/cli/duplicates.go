package cli

import (
	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/civil"
)

func init() {
	register("duplicates", "possible duplicate persons and overlapping cards below a unit", runDuplicates)
}

func runDuplicates(e *env, args []string) error {
	f := newFlags(e, "duplicates", true, true)
	unit := f.String("unit", "", "unit code (valid on --date)")
	return f.run(e, args, func(a *app.App, d civil.Date, _ []string) error {
		fs, err := a.Duplicates(e.ctx, app.System, *unit, d)
		if err != nil {
			return err
		}
		t := table{header: []string{"kind", "key", "first_national_id", "first_bhxh_code", "second_national_id", "second_bhxh_code"}, json: fs}
		for _, x := range fs {
			t.rows = append(t.rows, []string{string(x.Kind), x.Key, x.First.NationalID, x.First.BHXHCode, x.Second.NationalID, x.Second.BHXHCode})
		}
		return write(e.stdout, *f.format, t)
	})
}
