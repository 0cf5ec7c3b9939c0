package cli

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/civil"
)

func init() {
	register("import", "import a file (CSV; villages and registry kinds also XLSX): phusong import KIND FILE [--dry-run] (kinds: "+strings.Join(importKindNames(), ", ")+")", runImport)
}

// importer runs one kind of import; each capability adds its kinds here.
type importFunc func(ctx context.Context, a *app.App, file string, r io.Reader, date civil.Date, dryRun bool) (any, error)

var importKinds = map[string]importFunc{}

func init() {
	for _, k := range app.PolicyKinds {
		kind := k
		importKinds[kind] = func(ctx context.Context, a *app.App, file string, r io.Reader, _ civil.Date, dry bool) (any, error) {
			return a.ImportPolicy(ctx, app.System, kind, file, r, dry)
		}
	}
	for _, k := range app.RegistryKinds {
		kind := k
		importKinds[kind] = func(ctx context.Context, a *app.App, file string, r io.Reader, d civil.Date, dry bool) (any, error) {
			return a.ImportRegistry(ctx, app.System, kind, file, r, d, dry, progressOf(ctx))
		}
	}
	for _, k := range app.GeoKinds {
		kind := k
		importKinds[kind] = func(ctx context.Context, a *app.App, file string, r io.Reader, d civil.Date, dry bool) (any, error) {
			return a.ImportGeo(ctx, app.System, kind, file, r, d, dry)
		}
	}
}

type progressKey struct{}

// progressOf is the terminal bar of an import, told the bytes read so far.
func progressOf(ctx context.Context) func(int64) {
	bar, ok := ctx.Value(progressKey{}).(*progress)
	if !ok {
		return nil
	}
	return func(done int64) { bar.Add(done - bar.done) }
}

func importKindNames() []string {
	names := []string{"villages", "reorg", "shares"}
	for k := range importKinds {
		if k != "villages" && k != "reorg" && k != "shares" {
			names = append(names, k)
		}
	}
	sort.Strings(names[3:])
	return names
}

func runImport(e *env, args []string) error {
	f := newFlags(e, "import", true, true)
	dry := f.Bool("dry-run", false, "check the file whole and report, writing nothing")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("phusong import KIND FILE — kinds: %s", strings.Join(importKindNames(), ", "))
	}
	run, ok := importKinds[pos[0]]
	if !ok {
		return usagef("loại tệp không có %q; có: %s / unknown kind %q; kinds: %s", pos[0], strings.Join(importKindNames(), ", "), pos[0], strings.Join(importKindNames(), ", "))
	}
	d, err := f.day()
	if err != nil {
		return err
	}
	a, r, done, err := f.openWith(e, pos[1])
	if err != nil {
		return err
	}
	defer done()
	ctx := e.ctx
	if st, err := r.Stat(); err == nil && st.Size() > 0 {
		bar := newProgress(e.stderr, pos[0], st.Size())
		ctx = context.WithValue(ctx, progressKey{}, bar)
		defer bar.Done()
	}
	res, err := run(ctx, a, filepath.Base(pos[1]), r, d, *dry)
	if err != nil {
		return err
	}
	if *f.format == "json" {
		return writeJSON(e.stdout, res)
	}
	if *dry {
		fmt.Fprint(e.stdout, "kiểm tra xong, không ghi gì / checked, nothing written: ")
	} else {
		fmt.Fprint(e.stdout, "đã nhập / imported: ")
	}
	return writeJSON(e.stdout, res)
}
