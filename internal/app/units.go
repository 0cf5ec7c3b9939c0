package app

import (
	"context"
	"io"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/geo"
)

// UnitView is a unit as seen on one date (the JSON of `units list`, PRODUCT.md §5).
type UnitView struct {
	Code       string      `json:"code"`
	Name       string      `json:"name"`
	FullName   string      `json:"full_name"`
	Level      geo.Level   `json:"level"`
	Type       string      `json:"unit_type"`
	NameEN     string      `json:"name_en,omitempty"`
	ParentCode string      `json:"parent_code"`
	Ref        string      `json:"ref"` // the code to name it by: COMMUNE/VILLAGE for a village
	ValidFrom  civil.Date  `json:"valid_from"`
	ValidTo    *civil.Date `json:"valid_to"` // null while in force
	On         civil.Date  `json:"-"`
	ID         int64       `json:"-"`
}

// LinkView is one predecessor or successor (`units successors|predecessors`).
type LinkView struct {
	Code      string      `json:"code"`
	Ref       string      `json:"ref"` // the code to name it by: COMMUNE/VILLAGE for a village
	Name      string      `json:"name"`
	Share     float64     `json:"share"` // fraction of the predecessor that went to the successor
	SharePPM  int64       `json:"share_ppm"`
	Kind      string      `json:"kind"`
	Date      civil.Date  `json:"date"`
	Level     geo.Level   `json:"level"`
	ValidFrom civil.Date  `json:"valid_from"`
	ValidTo   *civil.Date `json:"valid_to"`
	Default   bool        `json:"default_share"` // the documented equal split, not set by an admin
}

// UnitDetail is a unit page: the unit, where it sits, what is below, where it came
// from and went to, and the other units that used its code.
type UnitDetail struct {
	UnitView
	Ancestors    []UnitView `json:"ancestors"`
	Children     []UnitView `json:"children"`
	Predecessors []LinkView `json:"predecessors"`
	Successors   []LinkView `json:"successors"`
	CodeHistory  []UnitView `json:"code_history"`
}

func view(a *geo.Atlas, u *geo.Unit, d civil.Date) UnitView {
	on := d
	if !u.ValidOn(d) {
		on = u.ValidTo
		if d < u.ValidFrom {
			on = u.ValidFrom
		}
	}
	n := u.NameOn(on)
	v := UnitView{Code: u.Code, Ref: a.Ref(u, on), Name: n.Name, FullName: n.FullName, Level: u.Level, Type: n.Type, NameEN: n.NameEN, ValidFrom: u.ValidFrom, On: on, ID: u.ID}
	if !u.ValidTo.IsOpen() {
		to := u.ValidTo
		v.ValidTo = &to
	}
	if p := a.Unit(u.ParentOn(on)); p != nil {
		v.ParentCode = p.Code
	}
	return v
}

func linkView(a *geo.Atlas, l geo.Link, other int64) LinkView {
	u := a.Unit(other)
	v := view(a, u, l.Date)
	if l.ToID != other { // a predecessor: name it as it was the day before
		v = view(a, u, l.Date.AddDays(-1))
	}
	return LinkView{Code: u.Code, Ref: v.Ref, Name: v.FullName, Share: float64(l.SharePPM) / geo.WholeShare, SharePPM: l.SharePPM,
		Kind: l.Kind, Date: l.Date, Level: u.Level, ValidFrom: v.ValidFrom, ValidTo: v.ValidTo, Default: l.ShareSetBy == ""}
}

// UnitAt finds a unit by code (COMMUNE/VILLAGE for a village) on a date, within the
// caller's reach.
func (a *App) UnitAt(ctx context.Context, sc *auth.Scope, code string, d civil.Date) (*geo.Atlas, *geo.Unit, error) {
	atlas, err := a.Atlas(ctx)
	if err != nil {
		return nil, nil, err
	}
	u, err := atlas.FindCode(code, d)
	if err != nil {
		return nil, nil, err
	}
	if !sc.Can(auth.UnitsRead, u.ID) {
		return nil, nil, fault.ErrForbidden
	}
	return atlas, u, nil
}

// Units lists the units valid on d, of a level and/or under a parent, that the caller
// may see.
func (a *App) Units(ctx context.Context, sc *auth.Scope, d civil.Date, level geo.Level, parent string) ([]UnitView, error) {
	atlas, err := a.Atlas(ctx)
	if err != nil {
		return nil, err
	}
	var us []*geo.Unit
	if parent != "" {
		p, err := atlas.Find(parent, d)
		if err != nil {
			return nil, err
		}
		if !sc.Visible(p.ID) {
			return nil, fault.ErrForbidden
		}
		us = atlas.Children(p.ID, d)
	} else {
		us = atlas.List(d, level)
	}
	out := make([]UnitView, 0, len(us))
	for _, u := range us {
		if (level == "" || u.Level == level) && sc.Visible(u.ID) {
			out = append(out, view(atlas, u, d))
		}
	}
	return out, nil
}

// UnitShow is the detail of a unit valid on d.
func (a *App) UnitShow(ctx context.Context, sc *auth.Scope, code string, d civil.Date) (*UnitDetail, error) {
	atlas, u, err := a.UnitAt(ctx, sc, code, d)
	if err != nil {
		return nil, err
	}
	det := &UnitDetail{UnitView: view(atlas, u, d)}
	for _, p := range atlas.Ancestors(u.ID, d) {
		det.Ancestors = append(det.Ancestors, view(atlas, p, d))
	}
	for _, c := range atlas.Children(u.ID, d) {
		if sc.Visible(c.ID) {
			det.Children = append(det.Children, view(atlas, c, d))
		}
	}
	det.Predecessors = a.links(atlas, u, false)
	det.Successors = a.links(atlas, u, true)
	for _, v := range atlas.Versions(u.Code) {
		det.CodeHistory = append(det.CodeHistory, view(atlas, v, v.ValidFrom))
	}
	return det, nil
}

func (a *App) links(atlas *geo.Atlas, u *geo.Unit, forward bool) []LinkView {
	out := []LinkView{}
	if forward {
		for _, l := range atlas.Successors(u.ID) {
			out = append(out, linkView(atlas, l, l.ToID))
		}
		return out
	}
	for _, l := range atlas.Predecessors(u.ID) {
		out = append(out, linkView(atlas, l, l.FromID))
	}
	return out
}

// Successors and Predecessors of the unit with code valid on d.
func (a *App) Successors(ctx context.Context, sc *auth.Scope, code string, d civil.Date) ([]LinkView, error) {
	atlas, u, err := a.UnitAt(ctx, sc, code, d)
	if err != nil {
		return nil, err
	}
	return a.links(atlas, u, true), nil
}

func (a *App) Predecessors(ctx context.Context, sc *auth.Scope, code string, d civil.Date) ([]LinkView, error) {
	atlas, u, err := a.UnitAt(ctx, sc, code, d)
	if err != nil {
		return nil, err
	}
	return a.links(atlas, u, false), nil
}

// SamePlace is where the unit with code valid on d lies on another date, restricted
// to what the caller may read.
func (a *App) SamePlace(ctx context.Context, sc *auth.Scope, code string, d, other civil.Date) ([]UnitView, error) {
	atlas, u, err := a.UnitAt(ctx, sc, code, d)
	if err != nil {
		return nil, err
	}
	var out []UnitView
	for _, p := range atlas.PlaceOn(u, d, other) {
		if sc.Can(auth.UnitsRead, p.ID) {
			out = append(out, view(atlas, p, other))
		}
	}
	return out, nil
}

// RebaseResult is figures carried to another date's units, and what could not be.
type RebaseResult struct {
	Figures  []geo.Figure   `json:"figures"`
	Unmapped []geo.Unmapped `json:"unmapped"`
}

// Rebase reads a CSV unit_code,value keyed by the units valid on from, and sums the
// figures onto the units valid on to. Only units in the caller's scope may appear.
func (a *App) Rebase(ctx context.Context, sc *auth.Scope, from, to civil.Date, file string, r io.Reader) (*RebaseResult, error) {
	atlas, err := a.Atlas(ctx)
	if err != nil {
		return nil, err
	}
	figs, err := geo.ParseFigures(file, r)
	if err != nil {
		return nil, err
	}
	for _, f := range figs {
		if u, err := atlas.Find(f.UnitCode, from); err == nil && !sc.Can(auth.FiguresRead, u.ID) && !sc.Can(auth.UnitsRead, u.ID) {
			return nil, fault.ErrForbidden
		}
	}
	out, lost := atlas.Rebase(from, to, figs)
	if lost == nil {
		lost = []geo.Unmapped{}
	}
	return &RebaseResult{Figures: out, Unmapped: lost}, nil
}
