package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/registry"
	"github.com/phusong/phusong/internal/store"
)

// RegistryKinds are the registry files `phusong import` takes: the plain layouts of
// PRODUCT.md §5 and the BHXH lists D02-LT, D03-TS, D05-TS (CSV or XLSX).
var RegistryKinds = registry.Kinds

// RegistryResult says what an import wrote (or, with dry run, would write).
type RegistryResult struct {
	Kind   string         `json:"kind"`
	File   string         `json:"file"`
	DryRun bool           `json:"dry_run"`
	Rows   map[string]int `json:"rows"`
}

// unitsOn resolves import codes on one date, and checks each unit against the
// caller's grants for a permission.
type unitsOn struct {
	atlas *geo.Atlas
	date  civil.Date
	sc    *auth.Scope
	perm  auth.Permission
	out   []string // codes outside the caller's scope
}

func (u *unitsOn) Commune(code string) (int64, string, bool) {
	c, err := u.atlas.Find(code, u.date)
	if err != nil || c.Level != geo.Commune {
		return 0, "", false
	}
	u.check(c)
	p := u.atlas.ProvinceOf(c.ID, u.date)
	if p == nil {
		return 0, "", false
	}
	return c.ID, p.Code, true
}

func (u *unitsOn) Village(communeID int64, code string) (int64, bool) {
	v, err := u.atlas.FindVillage(communeID, code, u.date)
	if err != nil {
		return 0, false
	}
	return v.ID, true
}

func (u *unitsOn) Unit(code string) (int64, bool) {
	x, err := u.atlas.Find(code, u.date)
	if err != nil {
		return 0, false
	}
	u.check(x)
	return x.ID, true
}

func (u *unitsOn) check(x *geo.Unit) {
	if !u.sc.Can(u.perm, x.ID) && len(u.out) < 10 {
		u.out = append(u.out, x.Code)
	}
}

// ImportRegistry reads a registry file whole and writes it in one transaction; a file
// with any bad row, or naming a unit outside the caller's grants, writes nothing.
// progress, if set, is told how many bytes of the file have been read.
func (a *App) ImportRegistry(ctx context.Context, sc *auth.Scope, kind, file string, r io.Reader, date civil.Date, dryRun bool, progress func(int64)) (*RegistryResult, error) {
	perm := auth.RegistryWrite
	if kind == registry.KindTargets {
		perm = auth.TargetsWrite
	}
	if !sc.Can(perm, 0) {
		return nil, fault.ErrForbidden
	}
	atlas, err := a.Atlas(ctx)
	if err != nil {
		return nil, err
	}
	units := &unitsOn{atlas: atlas, date: date, sc: sc, perm: perm}
	res := &RegistryResult{Kind: kind, File: file, DryRun: dryRun, Rows: map[string]int{}}
	if progress != nil {
		r = &countingReader{r: r, report: progress}
	}
	if dryRun {
		err := registry.Read(kind, file, r, units, func(row registry.Row) error {
			res.Rows[store.RowKind(row)]++
			return nil
		})
		return res, a.importOutcome(err, units)
	}
	if a.KeepIndex {
		// Build the index first (cheap on an empty registry), so that this import
		// updates it from its own rows and nothing is read back afterwards.
		if _, err := a.engine(ctx); err != nil {
			return nil, err
		}
	}
	before, err := a.Store.RegistryVersion(ctx)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	tx, err := a.Store.BeginRegistry(ctx, file)
	if err != nil {
		return nil, err
	}
	tx.ProvinceOf = a.provinceOf(before)
	tx.AsOf = date
	// A card file's rows are merged into the card table after the commit
	// (store/cardlog.go): the upsert of a daily file dirties a page for nearly every
	// row. With the index merging the file into the book's cards (cardbook.go), the
	// write was what bounded the time until the dashboard showed a 100k-card file
	// on PostgreSQL: 1.2–1.7 s through the log against 3.3–4.3 s in place
	// (bench/README.md, session 7).
	tx.DeferCards = kind == "bhyt_cards"
	tx.KeysUnique = registry.RefusesRepeats(kind)
	if e := a.currentEngine(before); e != nil {
		tx.MaybeMoved = e.maybeMoved
	}
	var pend *pending // what the index needs of the rows, when the index is current
	var pf *prefetch
	if tx.ProvinceOf != nil {
		pend = newPending()
		pend.asOf = date
		if e := a.currentEngine(before); e != nil {
			pf = newPrefetch(ctx, a.Store, e)
		}
	}
	overflow := false // the import has more rows than pend may keep: the index is rebuilt
	// A key repeated far apart in a large file is reported by the reader only at the
	// end of the file (registry.KeysInMemory), while a load that trusts the keys to
	// be unique (KeysUnique) meets it in the database first: the writing stops there,
	// and the reader's report, naming the rows, is what the import returns.
	var repeated error
	err = pipeline(func(emit func(registry.Row) error) error {
		return registry.Read(kind, file, r, units, emit)
	}, func(row registry.Row) error {
		if repeated != nil {
			return nil
		}
		if pend != nil {
			pend.add(row)
			if pend.rows() > a.pendingMax() {
				pend, overflow = nil, true
				if pf != nil {
					pf.abort()
					pf = nil
				}
			}
		}
		if pf != nil {
			pf.want(row)
		}
		err := tx.Add(row)
		if err != nil && tx.KeysUnique && store.IsUnique(err) {
			repeated = err
			return nil
		}
		return err
	})
	if err == nil {
		err = repeated
	}
	if err = a.importOutcome(err, units); err != nil {
		if pf != nil {
			pf.abort()
		}
		_ = tx.Rollback()
		return nil, err
	}
	written := time.Now()
	err = tx.Commit()
	if pf != nil {
		pf.finish(pend)
	}
	if err != nil {
		return nil, err
	}
	committed := time.Now()
	res.Rows = tx.Counts()
	a.audit(ctx, sc, "import."+kind, file, fmt.Sprint(res.Rows))
	if pend != nil {
		if err := a.applyImport(ctx, before, tx.Version(), pend); err != nil {
			a.Log.Warn("coverage index not updated; it is rebuilt on the next query", "err", err)
		}
	}
	a.Store.MergeCardsLater() // the card rows of a card file, now the index has them
	if overflow && a.KeepIndex {
		// The rebuild reads the cards once they are merged (store.SettleCards).
		a.Log.Info("import too large to keep for the index; rebuilding it", "kind", kind, "rows", res.Rows)
		if _, err := a.engine(ctx); err != nil {
			a.Log.Warn("coverage index not rebuilt; it is rebuilt on the next query", "err", err)
		}
	}
	a.Log.Info("import", "kind", kind, "file", file, "rows", res.Rows, "write_ms", written.Sub(start).Milliseconds(),
		"commit_ms", committed.Sub(written).Milliseconds(), "index_ms", time.Since(committed).Milliseconds())
	return res, nil
}

// importOutcome refuses a file that named units outside the caller's grants.
func (a *App) importOutcome(err error, units *unitsOn) error {
	if err != nil {
		return err
	}
	if len(units.out) > 0 {
		sort.Strings(units.out)
		return fault.Newf(fault.Forbidden, "tệp có đơn vị ngoài phạm vi được giao: %s", "the file names units outside your grants: %s", strings.Join(units.out, ", "))
	}
	return nil
}

type countingReader struct {
	r      io.Reader
	n      int64
	report func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	c.report(c.n)
	return n, err
}

// pipelineBatch is how many rows the reader hands the writer at a time.
const pipelineBatch = 2048

// pipeline runs read (parsing and checking a file) and write (the store) side by
// side: read in its own goroutine hands good rows over in batches, so checking the
// next rows overlaps writing the last ones. An error on either side stops both; the
// reader's error (a bad file) comes first, as it explains the rest.
func pipeline(read func(emit func(registry.Row) error) error, write func(registry.Row) error) error {
	batches := make(chan []registry.Row, 4)
	stop := make(chan struct{})
	errStopped := errors.New("stopped")
	var readErr error
	go func() {
		defer close(batches)
		batch := make([]registry.Row, 0, pipelineBatch)
		send := func() error {
			select {
			case batches <- batch:
				batch = make([]registry.Row, 0, pipelineBatch)
				return nil
			case <-stop:
				return errStopped
			}
		}
		readErr = read(func(row registry.Row) error {
			batch = append(batch, row)
			if len(batch) == pipelineBatch {
				return send()
			}
			return nil
		})
		if readErr == nil && len(batch) > 0 {
			readErr = send()
		}
	}()
	var writeErr error
	for b := range batches {
		if writeErr != nil {
			continue // drain, so the reader finishes
		}
		for _, row := range b {
			if writeErr = write(row); writeErr != nil {
				close(stop)
				break
			}
		}
	}
	if readErr != nil && !errors.Is(readErr, errStopped) {
		return readErr
	}
	return writeErr
}
