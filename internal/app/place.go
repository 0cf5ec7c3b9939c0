package app

import (
	"slices"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/outreach"
)

// filedPlace is where a person whose records name a commune and a village lives on a
// date, on that date's boundaries. Records keep the units they named (a 2024 list
// names 2024 communes; a village merged in 2027 stays in the rows filed before), and
// lineage carries them onto the units of any date. A known village places a person
// exactly, even when their commune was split: the village went to one side.
type filedPlace struct {
	communes []*geo.Unit // in force on the date; more than one when the filing was split since
	villages []*geo.Unit // the same for the village, when one is known and can be placed
	// confirm: the unit the records name was split since, so the person lives in one
	// of several units; their residence is to confirm.
	confirm bool
	// filed is the unit the records name when it is not in force on the date:
	// a commune code, or COMMUNE/VILLAGE.
	filed string
}

// village is the one village the person lives in on the date, or nil.
func (fp filedPlace) village() *geo.Unit {
	if len(fp.villages) == 1 {
		return fp.villages[0]
	}
	return nil
}

// in reports whether the person may live in the commune (and village, when not nil).
func (fp filedPlace) in(commune, village *geo.Unit) bool {
	if village != nil {
		return slices.ContainsFunc(fp.villages, func(u *geo.Unit) bool { return u.ID == village.ID })
	}
	return slices.ContainsFunc(fp.communes, func(u *geo.Unit) bool { return u.ID == commune.ID })
}

// placeFiled places a filing (village 0: none) on d.
func placeFiled(atlas *geo.Atlas, communeID, villageID int64, d civil.Date) filedPlace {
	if v := atlas.Unit(villageID); v != nil {
		fp := filedPlace{villages: []*geo.Unit{v}}
		if !v.ValidOn(d) {
			fp.villages, fp.filed = atlas.PlaceOn(v, v.LastDay(), d), atlas.Ref(v, d)
			fp.confirm = len(fp.villages) > 1
		}
		if len(fp.villages) > 0 {
			for _, w := range fp.villages {
				if c := atlas.Unit(w.ParentOn(d)); c != nil && !slices.Contains(fp.communes, c) {
					fp.communes = append(fp.communes, c)
				}
			}
			return fp
		}
	}
	c := atlas.Unit(communeID)
	switch {
	case c == nil:
		return filedPlace{}
	case c.ValidOn(d):
		return filedPlace{communes: []*geo.Unit{c}}
	}
	cs := atlas.PlaceOn(c, c.LastDay(), d)
	return filedPlace{communes: cs, confirm: len(cs) > 1, filed: c.Code}
}

// carriedOnto are the units of u's level, not in force on d, that lineage carries
// (in whole or in part) onto u on d: the earlier units merged into it, or the later
// ones it became, whose records may name persons living in u on d.
func carriedOnto(atlas *geo.Atlas, u *geo.Unit, d civil.Date) []*geo.Unit {
	var out []*geo.Unit
	for _, r := range atlas.Related(u.ID) {
		if r.Level != u.Level || r.ValidOn(d) {
			continue
		}
		if slices.ContainsFunc(atlas.PlaceOn(r, r.LastDay(), d), func(x *geo.Unit) bool { return x.ID == u.ID }) {
			out = append(out, r)
		}
	}
	return out
}

// An assignment names a commune, or a village of it, as they were on the day it was
// made. A reorganisation since moves that ground into other units, and the
// assignment follows it there, no further:
//   - a village: the villages lineage places it in on the date (the same village,
//     moved to another commune, in most merges);
//   - a commune in force on the date: the persons living in it;
//   - a commune no longer in force: the persons its records name, and those filed
//     under the villages it had on its last day. A person registered after a merge
//     under the new commune, with no village, is not in the old commune's ground:
//     nothing tells where they live.

// assignmentGround is an assignment's ground on a date, found once and asked of
// each person.
type assignmentGround struct {
	d       civil.Date
	village *filedPlace // a village's assignment: where lineage places the village on d
	commune *geo.Unit   // a commune's assignment (nil: a village's, or not found)
}

func groundOf(atlas *geo.Atlas, as outreach.Assignment, d civil.Date) assignmentGround {
	g := assignmentGround{d: d}
	if as.VillageID != 0 {
		fp := placeFiled(atlas, as.UnitID, as.VillageID, d)
		g.village = &fp
		return g
	}
	g.commune = atlas.Unit(as.UnitID)
	return g
}

// covers reports whether a person whose records name (commune, village) (village 0:
// none) is in the ground.
func (g assignmentGround) covers(atlas *geo.Atlas, commune, village int64) bool {
	if g.village != nil {
		return slices.ContainsFunc(placeFiled(atlas, commune, village, g.d).villages, func(v *geo.Unit) bool {
			return slices.ContainsFunc(g.village.villages, func(w *geo.Unit) bool { return w.ID == v.ID })
		})
	}
	c := g.commune
	switch {
	case c == nil:
		return false
	case c.ValidOn(g.d):
		return placeFiled(atlas, commune, village, g.d).in(c, nil)
	case commune == c.ID:
		return true
	}
	v := atlas.Unit(village)
	return v != nil && v.ParentOn(c.LastDay()) == c.ID
}

// in reports whether the ground may hold persons of a place on its date (covers
// says which).
func (g assignmentGround) in(atlas *geo.Atlas, p outreachPlace) bool {
	c := g.commune
	switch {
	case g.village != nil:
		return g.village.in(p.commune, p.village)
	case c == nil:
		return false
	case c.ValidOn(g.d):
		return c.ID == p.commune.ID
	}
	return slices.ContainsFunc(atlas.PlaceOn(c, c.LastDay(), g.d), func(u *geo.Unit) bool { return u.ID == p.commune.ID })
}
