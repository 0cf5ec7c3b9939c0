package geo

import (
	"sort"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
)

// Atlas is the whole geography in memory: a few tens of thousands of units, indexed
// by code, parent and lineage. It is built once from the store and rebuilt when the
// geography changes; every scope check and tree query is answered here.
type Atlas struct {
	units    map[int64]*Unit
	byCode   map[string][]*Unit // provinces, districts, communes; all versions of a code
	villages map[villageKey][]*Unit
	children map[int64][]int64 // parent → children at any time
	byLevel  map[Level][]*Unit
	succ     map[int64][]Link
	pred     map[int64][]Link
	maxID    int64
}

type villageKey struct {
	commune int64
	code    string
}

// NewAtlas indexes units and links. Units are taken by pointer; do not change them after.
func NewAtlas(units []*Unit, links []Link) *Atlas {
	a := &Atlas{
		units: map[int64]*Unit{}, byCode: map[string][]*Unit{}, villages: map[villageKey][]*Unit{},
		children: map[int64][]int64{}, byLevel: map[Level][]*Unit{},
		succ: map[int64][]Link{}, pred: map[int64][]Link{},
	}
	for _, u := range units {
		a.add(u)
	}
	for _, l := range links {
		a.succ[l.FromID] = append(a.succ[l.FromID], l)
		a.pred[l.ToID] = append(a.pred[l.ToID], l)
	}
	return a
}

func (a *Atlas) add(u *Unit) {
	a.units[u.ID] = u
	a.byLevel[u.Level] = append(a.byLevel[u.Level], u)
	if u.ID > a.maxID {
		a.maxID = u.ID
	}
	seen := map[int64]bool{}
	for _, p := range u.Parents {
		if p.ParentID != 0 && !seen[p.ParentID] {
			seen[p.ParentID] = true
			a.children[p.ParentID] = append(a.children[p.ParentID], u.ID)
		}
	}
	if u.Level == Village {
		for _, p := range u.Parents {
			k := villageKey{p.ParentID, u.Code}
			a.villages[k] = append(a.villages[k], u)
		}
		return
	}
	a.byCode[u.Code] = append(a.byCode[u.Code], u)
}

// Unit returns the unit with an ID, or nil.
func (a *Atlas) Unit(id int64) *Unit { return a.units[id] }

// MaxID is the largest unit ID; new units are numbered after it.
func (a *Atlas) MaxID() int64 { return a.maxID }

// Len is the number of units of all times.
func (a *Atlas) Len() int { return len(a.units) }

// Find is the province, district or commune with code valid on d.
func (a *Atlas) Find(code string, d civil.Date) (*Unit, error) {
	for _, u := range a.byCode[code] {
		if u.ValidOn(d) {
			return u, nil
		}
	}
	if len(a.byCode[code]) > 0 {
		return nil, fault.Newf(fault.NotFound, "mã %s không có hiệu lực ngày %s", "code %s is not in force on %s", code, d.VN())
	}
	return nil, fault.Newf(fault.NotFound, "không có đơn vị mã %s", "no unit with code %s", code)
}

// Versions are all units that ever had a code, oldest first.
func (a *Atlas) Versions(code string) []*Unit { return a.byCode[code] }

// FindVillage is the village with a code under a commune on d.
func (a *Atlas) FindVillage(communeID int64, code string, d civil.Date) (*Unit, error) {
	for _, u := range a.villages[villageKey{communeID, code}] {
		if u.ValidOn(d) && u.ParentOn(d) == communeID {
			return u, nil
		}
	}
	return nil, fault.Newf(fault.NotFound, "không có thôn/tổ mã %s trong xã này ngày %s", "no village %s in this commune on %s", code, d.VN())
}

// Children are the units whose parent is id on d, in Vietnamese order of name.
func (a *Atlas) Children(id int64, d civil.Date) []*Unit {
	var out []*Unit
	for _, cid := range a.children[id] {
		c := a.units[cid]
		if c.ValidOn(d) && c.ParentOn(d) == id {
			out = append(out, c)
		}
	}
	SortByName(out, d)
	return out
}

// List is every unit valid on d of a level ("" for all levels).
func (a *Atlas) List(d civil.Date, level Level) []*Unit {
	var out []*Unit
	for l, us := range a.byLevel {
		if level != "" && l != level {
			continue
		}
		for _, u := range us {
			if u.ValidOn(d) {
				out = append(out, u)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Ancestors of id on d, nearest first.
func (a *Atlas) Ancestors(id int64, d civil.Date) []*Unit {
	var out []*Unit
	for p := a.units[id].ParentOn(d); p != 0; p = a.units[p].ParentOn(d) {
		out = append(out, a.units[p])
	}
	return out
}

// ProvinceOf is the province a unit lies in on d (itself for a province).
func (a *Atlas) ProvinceOf(id int64, d civil.Date) *Unit {
	u := a.units[id]
	if u.Level == Province {
		return u
	}
	anc := a.Ancestors(id, d)
	if len(anc) == 0 {
		return nil
	}
	return anc[len(anc)-1]
}

// Successors are the lineage links out of a unit; Predecessors the links into it.
func (a *Atlas) Successors(id int64) []Link   { return a.succ[id] }
func (a *Atlas) Predecessors(id int64) []Link { return a.pred[id] }

// SubtreeEver is id and every unit that was ever below it.
func (a *Atlas) SubtreeEver(id int64) []int64 {
	out := []int64{id}
	seen := map[int64]bool{id: true}
	for i := 0; i < len(out); i++ {
		for _, c := range a.children[out[i]] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// Closure returns every (ancestor, descendant) pair over all time, the table the
// store keeps so SQL can filter by subtree without recursion.
func (a *Atlas) Closure(visit func(ancestor, descendant int64)) {
	for id := range a.units {
		for _, d := range a.SubtreeEver(id) {
			visit(id, d)
		}
	}
}

// LineageEver is id with every unit that flowed into it, transitively: the past of a
// unit, which a person granted the unit may look at.
func (a *Atlas) LineageEver(id int64) []int64 { return a.lineage(id, false) }

// Related are the units joined to id by lineage, either way and transitively, without
// id itself: nil for a unit no reorganisation touched.
func (a *Atlas) Related(id int64) []*Unit {
	if len(a.pred[id])+len(a.succ[id]) == 0 {
		return nil
	}
	ids := a.lineage(id, true)
	out := make([]*Unit, 0, len(ids)-1)
	for _, x := range ids[1:] {
		out = append(out, a.units[x])
	}
	return out
}

// lineage is id, then the units linked into it transitively, and with forward also
// those linked out of it (and out of and into each unit reached).
func (a *Atlas) lineage(id int64, forward bool) []int64 {
	out := []int64{id}
	seen := map[int64]bool{id: true}
	reach := func(x int64) {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	for i := 0; i < len(out); i++ {
		for _, l := range a.pred[out[i]] {
			reach(l.FromID)
		}
		if forward {
			for _, l := range a.succ[out[i]] {
				reach(l.ToID)
			}
		}
	}
	return out
}

// AllOfLevel is every unit of a level over all time, in ID order.
func (a *Atlas) AllOfLevel(l Level) []*Unit {
	out := append([]*Unit(nil), a.byLevel[l]...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// LastDay is the unit's last day in force, or today when it is still in force.
func (u *Unit) LastDay() civil.Date {
	if u.ValidTo.IsOpen() {
		if t := civil.Today(); t >= u.ValidFrom {
			return t
		}
		return u.ValidFrom
	}
	return u.ValidTo
}
