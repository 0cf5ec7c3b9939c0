package demo

import (
	"context"
	"testing"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

func TestDemoLoadsALiveProvince(t *testing.T) {
	a := app.New(testutil.NewStore(t, store.SQLite), nil)
	ctx := context.Background()
	accs, loaded, err := Load(ctx, a, Options{Persons: 3000})
	if err != nil || !loaded || len(accs) != len(accounts) {
		t.Fatalf("load: %v %v %d", err, loaded, len(accs))
	}
	for _, acc := range accs {
		if len(acc.Password) < 10 {
			t.Errorf("%s has a short password", acc.Username)
		}
	}
	cov, err := a.Coverage(ctx, app.System, app.CoverageQuery{Code: "68", Date: civil.Today(), ByChildren: true})
	if err != nil {
		t.Fatal(err)
	}
	if cov.Covered < 2500 || cov.DenominatorSource != "statistics" || len(cov.Children) != 124 {
		t.Errorf("Lâm Đồng in the demo: covered %d of %d (%s), %d communes", cov.Covered, cov.Denominator, cov.DenominatorSource, len(cov.Children))
	}
	prog, err := a.TargetsProgress(ctx, app.System, "24781", civil.Today())
	if err != nil || len(prog.Indicators) != 3 {
		t.Errorf("the ward has %d targets from the split: %v", len(prog.Indicators), err)
	}
	if _, again, err := Load(ctx, a, Options{Persons: 3000}); err != nil || again {
		t.Error("a second load into a database with accounts must do nothing")
	}
}
