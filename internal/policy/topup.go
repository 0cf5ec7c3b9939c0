package policy

import (
	"encoding/csv"
	"io"
	"math/big"
	"slices"
	"strings"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/importer"
)

// Schemes a province may top up (M9). The percent of a top-up applies to the same
// base as the national support of that scheme (convention C7):
//   - voluntary_bhxh: percent of 22 % × rural poverty line (ND 159/2025 base);
//   - household_bhyt: percent of the member's own premium after the household ladder;
//   - student_bhyt, bhyt_supported: percent of the full premium 4.5 % × LCS.
const (
	SchemeVoluntary     = "voluntary_bhxh"
	SchemeHousehold     = "household_bhyt"
	SchemeStudent       = "student_bhyt"
	SchemeBHYTSupported = "bhyt_supported"
)

// AllGroups in a top-up or count means every group of the scheme; it is the only
// group of household_bhyt and student_bhyt.
const AllGroups = "all"

// Schemes lists the schemes a top-up or a participant count may name.
var Schemes = []string{SchemeVoluntary, SchemeHousehold, SchemeStudent, SchemeBHYTSupported}

// TopUp is a province's own support on top of the national one, set by a People's
// Council resolution (nghị quyết HĐND), dated, optionally limited to some communes
// (e.g. coastal and island communes).
type TopUp struct {
	Province   string     `json:"province_code"`
	Scheme     string     `json:"scheme"`
	Group      string     `json:"group"`
	Percent    Decimal    `json:"percent"` // 10 means +10 % of the scheme's base (C7)
	ValidFrom  civil.Date `json:"valid_from"`
	ValidTo    civil.Date `json:"valid_to"` // civil.Max: open
	Resolution string     `json:"resolution"`
	Communes   []string   `json:"communes,omitempty"` // empty: the whole province
}

// TopUpColumns is the CSV layout of top-ups; communes is optional, codes separated
// by semicolons.
var TopUpColumns = []string{"province_code", "scheme", "group", "percent", "valid_from", "valid_to", "resolution"}

// ParseTopUps reads a top-ups CSV; the whole file is checked, including two
// resolutions giving the same participants support on the same day.
func ParseTopUps(file string, r io.Reader) ([]TopUp, error) {
	c := &importer.Collector{File: file}
	f, ok := importer.OpenCSV(c, r, TopUpColumns...)
	if !ok {
		return nil, c.Err()
	}
	var out []TopUp
	var rows []int
	for f.Next() {
		t, ok := readTopUp(f)
		if !ok {
			continue
		}
		if j := overlappingTopUp(out, t); j >= 0 {
			f.Bad("valid_from", "trùng phạm vi và thời gian với dòng "+itoa(rows[j]), "same scope and period as row "+itoa(rows[j]))
			continue
		}
		out = append(out, t)
		rows = append(rows, f.Row())
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func readTopUp(f *importer.CSV) (TopUp, bool) {
	t := TopUp{Province: f.Get("province_code"), Scheme: f.Get("scheme"), Group: f.Get("group"),
		Percent: Decimal(f.Get("percent")), Resolution: f.Get("resolution")}
	if t.Group == "" {
		t.Group = AllGroups
	}
	if s := f.Get("communes"); s != "" {
		for _, code := range strings.Split(s, ";") {
			t.Communes = append(t.Communes, strings.TrimSpace(code))
		}
	}
	from, okFrom := f.Date("valid_from", false)
	to, okTo := f.Date("valid_to", true)
	t.ValidFrom, t.ValidTo = from, to
	ok := okFrom && okTo
	for _, p := range checkTopUp(t) {
		f.Bad(p.col, p.vi, p.en)
		ok = false
	}
	return t, ok
}

// checkTopUp is what one top-up must satisfy: codes of 2 and 5 digits (QĐ 19/2025),
// a known scheme and group, 0 < percent ≤ 100, a period and a resolution number.
func checkTopUp(t TopUp) []problem {
	var out []problem
	add := func(col, vi, en string) { out = append(out, problem{col, vi, en}) }
	if !isCode(t.Province, 2) {
		add("province_code", "mã tỉnh phải gồm 2 chữ số, có "+quote(t.Province), "province code must be 2 digits, got "+quote(t.Province))
	}
	if p := checkSchemeGroup(t.Scheme, t.Group); p != nil {
		out = append(out, *p)
	}
	if r, ok := t.Percent.Rat(); !ok || r.Sign() <= 0 || r.Cmp(big.NewRat(100, 1)) > 0 {
		add("percent", "phần trăm phải lớn hơn 0 và không quá 100, có "+quote(string(t.Percent)), "percent must be above 0 and at most 100, got "+quote(string(t.Percent)))
	}
	if t.ValidTo < t.ValidFrom {
		add("valid_to", "ngày kết thúc trước ngày bắt đầu", "valid_to is before valid_from")
	}
	if t.Resolution == "" {
		add("resolution", "thiếu số nghị quyết HĐND", "People's Council resolution number is missing")
	}
	for _, code := range t.Communes {
		if !isCode(code, 5) {
			add("communes", "mã xã phải gồm 5 chữ số, có "+quote(code), "commune code must be 5 digits, got "+quote(code))
		}
	}
	return out
}

// checkSchemeGroup: a known scheme, and a group that scheme has (or "all").
func checkSchemeGroup(scheme, group string) *problem {
	groups, ok := schemeGroups(scheme)
	if !ok {
		want := strings.Join(Schemes, ", ")
		return &problem{"scheme", "chế độ không biết " + quote(scheme) + ", cần " + want, "unknown scheme " + quote(scheme) + ", want " + want}
	}
	if group != AllGroups && !slices.Contains(groups, group) {
		want := strings.Join(append([]string{AllGroups}, groups...), ", ")
		return &problem{"group", "nhóm không biết " + quote(group) + ", cần " + want, "unknown group " + quote(group) + ", want " + want}
	}
	return nil
}

func schemeGroups(scheme string) ([]string, bool) {
	switch scheme {
	case SchemeVoluntary:
		return VoluntaryGroups, true
	case SchemeBHYTSupported:
		return slices.DeleteFunc(slices.Clone(BHYTGroups), func(g string) bool { return g == "student" }), true
	case SchemeHousehold, SchemeStudent:
		return nil, true
	}
	return nil, false
}

func isCode(s string, n int) bool { return len(s) == n && allDigits(s) }

// overlappingTopUp is the index of a top-up that would give the same participant
// support on the same day as t (same province and scheme, groups and commune lists
// intersecting, periods overlapping), or -1. At most one top-up applies to anyone.
func overlappingTopUp(list []TopUp, t TopUp) int {
	for j, o := range list {
		if o.Province == t.Province && o.Scheme == t.Scheme && groupsMeet(o.Group, t.Group) &&
			communesMeet(o.Communes, t.Communes) && o.ValidFrom <= t.ValidTo && t.ValidFrom <= o.ValidTo {
			return j
		}
	}
	return -1
}

func groupsMeet(a, b string) bool { return a == b || a == AllGroups || b == AllGroups }

func communesMeet(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	return slices.ContainsFunc(a, func(c string) bool { return slices.Contains(b, c) })
}

// covers reports whether the top-up reaches a participant of group in commune of
// province on date d.
func (t TopUp) covers(province, commune, scheme, group string, d civil.Date) bool {
	return province != "" && t.Province == province && t.Scheme == scheme &&
		(t.Group == AllGroups || t.Group == group) && d.Within(t.ValidFrom, t.ValidTo) &&
		(len(t.Communes) == 0 || slices.Contains(t.Communes, commune))
}

// WriteTopUps writes top-ups in the layout ParseTopUps reads, with communes.
func WriteTopUps(w io.Writer, list []TopUp) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(append(slices.Clone(TopUpColumns), "communes")); err != nil {
		return err
	}
	for _, t := range list {
		rec := []string{t.Province, t.Scheme, t.Group, string(t.Percent), t.ValidFrom.String(),
			openEnd(t.ValidTo), t.Resolution, strings.Join(t.Communes, ";")}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
