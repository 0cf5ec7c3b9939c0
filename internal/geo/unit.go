// Package geo is the dated geography of Vietnam (M1): provinces, districts (before
// 1 July 2025), communes and villages, each an identity with a lifespan, a history of
// names and of parents, and lineage links (with shares) to the units it came from.
//
// Codes are reused across reorganisations — 00004 was Phường Trúc Bạch until
// 30 June 2025 and is Phường Ba Đình since — so a unit is found by code AND date,
// never by code alone.
package geo

import (
	"github.com/phusong/phusong/internal/civil"
)

// Level is the tier of a unit.
type Level string

const (
	Province Level = "province"
	District Level = "district" // before 1 July 2025 only
	Commune  Level = "commune"
	Village  Level = "village" // thôn, ấp, bản, tổ dân phố under a commune
)

// ParseLevel accepts the English level names.
func ParseLevel(s string) (Level, bool) {
	switch l := Level(s); l {
	case Province, District, Commune, Village:
		return l, true
	}
	return "", false
}

// ReorgDate is the day the two-tier local government began (NA Resolution 202/2025/QH15
// and the commune resolutions of June 2025).
var ReorgDate = civil.MustParse("2025-07-01")

// WholeShare is a lineage share of 100 %, in parts per million.
const WholeShare = 1_000_000

// Unit is one administrative unit over its lifespan [ValidFrom, ValidTo].
type Unit struct {
	ID        int64
	Code      string
	Level     Level
	ValidFrom civil.Date
	ValidTo   civil.Date // civil.Max when still in force
	Names     []NamePeriod
	Parents   []ParentPeriod
}

// NamePeriod is what a unit was called, and of which type, during a period.
type NamePeriod struct {
	From, To civil.Date
	Name     string // "Ba Đình"
	FullName string // "Phường Ba Đình"
	Type     string // phuong, xa, thi_tran, dac_khu, quan, huyen, tinh, thanh_pho_tw, thon …
	NameEN   string
}

// ParentPeriod is the unit's parent during a period. ParentID is 0 for provinces.
type ParentPeriod struct {
	From, To civil.Date
	ParentID int64
}

// Link says that (part of) unit From became (part of) unit To on Date. SharePPM is
// the part of From that went to To, in parts per million; the shares of one From sum
// to WholeShare.
type Link struct {
	FromID   int64      `json:"-"`
	ToID     int64      `json:"-"`
	SharePPM int64      `json:"-"`
	Date     civil.Date `json:"date"`
	Kind     string     `json:"kind"` // full, partial, unchanged, renamed, retyped, special_zone, merge, split
	Source   string     `json:"source"`
	// ShareSetBy is empty for the documented default (equal parts), else who set it.
	ShareSetBy string `json:"share_set_by,omitempty"`
}

// ValidOn reports whether the unit exists on d.
func (u *Unit) ValidOn(d civil.Date) bool { return d.Within(u.ValidFrom, u.ValidTo) }

// NameOn is the name in force on d (the nearest period when d is outside the lifespan).
func (u *Unit) NameOn(d civil.Date) NamePeriod {
	best := u.Names[0]
	for _, n := range u.Names {
		if n.From <= d {
			best = n
		}
	}
	return best
}

// ParentOn is the parent's ID on d, 0 when none.
func (u *Unit) ParentOn(d civil.Date) int64 {
	for _, p := range u.Parents {
		if d.Within(p.From, p.To) {
			return p.ParentID
		}
	}
	return 0
}
