package geo

import "github.com/phusong/phusong/internal/civil"

// Change is what one geography write does: units created, units ended, name and
// parent periods opened and closed, lineage links added or re-shared. The store
// applies a Change in one transaction; nothing is ever rewritten or deleted, so a
// figure recorded against a unit keeps its meaning.
type Change struct {
	NewUnits    []*Unit
	EndUnits    []End
	NewNames    []UnitName
	EndNames    []End // From identifies the period
	NewParents  []UnitParent
	EndParents  []End
	NewLinks    []Link
	ShareUpdate []Link // FromID, ToID, SharePPM, ShareSetBy
}

// End closes a unit or one of its periods (the one starting From) at To.
type End struct {
	UnitID int64
	From   civil.Date
	To     civil.Date
}

// UnitName and UnitParent are periods added to an existing unit.
type UnitName struct {
	UnitID int64
	NamePeriod
}

type UnitParent struct {
	UnitID int64
	ParentPeriod
}

// Empty reports whether the change does nothing.
func (c *Change) Empty() bool {
	return len(c.NewUnits)+len(c.EndUnits)+len(c.NewNames)+len(c.EndNames)+len(c.NewParents)+len(c.EndParents)+len(c.NewLinks)+len(c.ShareUpdate) == 0
}
