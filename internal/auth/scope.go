package auth

import (
	"github.com/phusong/phusong/internal/geo"
)

// Grant gives a role on a unit and everything below it. UnitID 0 is national.
type Grant struct {
	Role   Role   `json:"role"`
	UnitID int64  `json:"-"`
	Unit   string `json:"unit_code,omitempty"`
}

// Scope is what one caller may touch: their grants resolved against the geography.
// A grant covers its unit's subtree at every date, and the units that flowed into it
// (so a ward officer can read the figures of the old wards merged into theirs).
type Scope struct {
	UserID   int64
	Username string
	Grants   []Grant
	covered  []map[int64]bool // per grant; nil = national
	visible  map[int64]bool   // covered units and their ancestors, for navigation
	national bool
}

// Anonymous is the scope of a caller who has not logged in: public pages only.
var Anonymous = &Scope{}

// NewScope resolves grants against an atlas.
func NewScope(userID int64, username string, grants []Grant, a *geo.Atlas) *Scope {
	s := &Scope{UserID: userID, Username: username, Grants: grants, visible: map[int64]bool{}}
	for _, g := range grants {
		if g.UnitID == 0 {
			s.covered = append(s.covered, nil)
			s.national = true
			continue
		}
		set := map[int64]bool{}
		for _, root := range a.LineageEver(g.UnitID) {
			for _, id := range a.SubtreeEver(root) {
				set[id] = true
			}
			s.markAncestors(a, root)
		}
		s.covered = append(s.covered, set)
		for id := range set {
			s.visible[id] = true
		}
	}
	return s
}

func (s *Scope) markAncestors(a *geo.Atlas, id int64) {
	u := a.Unit(id)
	if u == nil {
		return
	}
	for _, p := range u.Parents {
		if p.ParentID != 0 && !s.visible[p.ParentID] {
			s.visible[p.ParentID] = true
			s.markAncestors(a, p.ParentID)
		}
	}
}

// LoggedIn reports whether the scope belongs to a user.
func (s *Scope) LoggedIn() bool { return s != nil && s.UserID != 0 }

// National reports whether some grant covers the whole country.
func (s *Scope) National() bool { return s != nil && s.national }

// Can reports whether the caller may do p on unit (0 = not about a unit: any grant
// carrying p suffices).
func (s *Scope) Can(p Permission, unit int64) bool {
	if s == nil {
		return false
	}
	for i, g := range s.Grants {
		if !g.Role.Has(p) {
			continue
		}
		if unit == 0 || s.covered[i] == nil || s.covered[i][unit] {
			return true
		}
	}
	return false
}

// CanNational reports whether p is granted over the whole country.
func (s *Scope) CanNational(p Permission) bool {
	if s == nil {
		return false
	}
	for i, g := range s.Grants {
		if g.Role.Has(p) && s.covered[i] == nil {
			return true
		}
	}
	return false
}

// Visible reports whether a unit's name may be shown for navigation: covered, or an
// ancestor of a covered unit.
func (s *Scope) Visible(unit int64) bool {
	return s.Can(UnitsRead, unit) || (s != nil && s.visible[unit])
}

// Roots are the granted units for a permission (empty with a national grant).
func (s *Scope) Roots(p Permission) []int64 {
	var out []int64
	for _, g := range s.Grants {
		if g.Role.Has(p) && g.UnitID != 0 {
			out = append(out, g.UnitID)
		}
	}
	return out
}
