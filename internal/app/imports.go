package app

import (
	"context"
	"fmt"
	"io"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/geo"
)

// ImportResult says what an import did (or, with dry run, would do).
type ImportResult struct {
	Kind      string `json:"kind"`
	File      string `json:"file"`
	DryRun    bool   `json:"dry_run"`
	Created   int    `json:"created"`
	Ended     int    `json:"ended"`
	Changed   int    `json:"changed"`
	Links     int    `json:"links"`
	Unchanged bool   `json:"unchanged"` // the file's content is already in force
}

// GeoKinds are the geography files `phusong import` takes.
var GeoKinds = []string{"villages", "reorg", "shares"}

// ImportGeo checks a geography file whole against the current atlas and, unless
// dryRun, writes it in one transaction. Villages may be added by anyone who may write
// units of their commune; reorganisations and shares are national (admin) work.
func (a *App) ImportGeo(ctx context.Context, sc *auth.Scope, kind, file string, r io.Reader, date civil.Date, dryRun bool) (*ImportResult, error) {
	atlas, err := a.Atlas(ctx)
	if err != nil {
		return nil, err
	}
	var ch *geo.Change
	switch kind {
	case "villages":
		ch, err = geo.ParseVillages(atlas, file, r, date)
	case "reorg":
		if !sc.CanNational(auth.UnitsWrite) {
			return nil, fault.ErrForbidden
		}
		ch, err = geo.ParseReorg(atlas, file, r)
	case "shares":
		if !sc.CanNational(auth.UnitsWrite) {
			return nil, fault.ErrForbidden
		}
		ch, err = geo.ParseShares(atlas, file, r, sc.Username)
	default:
		return nil, fault.Newf(fault.Invalid, "loại tệp không có: %s", "unknown file kind: %s", kind)
	}
	if err != nil {
		return nil, err
	}
	if err := checkChangeScope(sc, ch); err != nil {
		return nil, err
	}
	res := &ImportResult{Kind: kind, File: file, DryRun: dryRun, Created: len(ch.NewUnits), Ended: len(ch.EndUnits),
		Changed: len(ch.NewNames) + len(ch.NewParents) + len(ch.ShareUpdate), Links: len(ch.NewLinks), Unchanged: ch.Empty()}
	if dryRun || ch.Empty() {
		return res, nil
	}
	if err := a.Store.ApplyGeoChange(ctx, ch); err != nil {
		return nil, err
	}
	a.audit(ctx, sc, "import."+kind, file, fmt.Sprintf("created %d, ended %d, changed %d, links %d", res.Created, res.Ended, res.Changed, res.Links))
	return res, nil
}

// checkChangeScope refuses a change that touches a unit outside the caller's grants.
func checkChangeScope(sc *auth.Scope, ch *geo.Change) error {
	if sc.CanNational(auth.UnitsWrite) {
		return nil
	}
	for _, u := range ch.NewUnits {
		for _, p := range u.Parents {
			if !sc.Can(auth.UnitsWrite, p.ParentID) {
				return fault.ErrForbidden
			}
		}
	}
	if len(ch.EndUnits)+len(ch.EndNames)+len(ch.EndParents)+len(ch.NewLinks)+len(ch.ShareUpdate) > 0 {
		return fault.ErrForbidden
	}
	return nil
}
