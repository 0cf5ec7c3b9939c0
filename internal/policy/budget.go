package policy

import (
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/phusong/phusong/internal/civil"
)

// WhatIf changes a top-up for the estimate: Points percentage points are added to
// the percent in force for Scheme ("" = every scheme) and Group ("all" = every
// group), province-wide; where no top-up is in force the change starts from 0. The
// result is kept within 0..100 (convention C8).
type WhatIf struct {
	Scheme string  `json:"scheme,omitempty"`
	Group  string  `json:"group"`
	Points Decimal `json:"points"`
}

// ParseWhatIf reads "[scheme:]group=±points[%]", e.g. "near_poor=+5%" or
// "household_bhyt:all=-10".
func ParseWhatIf(s string) (WhatIf, error) {
	lhs, rhs, ok := strings.Cut(s, "=")
	w := WhatIf{Group: strings.TrimSpace(lhs)}
	if sc, g, has := strings.Cut(w.Group, ":"); has {
		w.Scheme, w.Group = sc, g
	}
	w.Points = Decimal(strings.TrimSuffix(strings.TrimSpace(rhs), "%"))
	if _, okNum := w.Points.Rat(); !ok || !okNum || w.Group == "" {
		return WhatIf{}, errf("giả định không hợp lệ %q, cần dạng [chế_độ:]nhóm=+5%%", "invalid what-if %q, want [scheme:]group=+5%%", s)
	}
	if p := checkWhatIfGroup(w); p != nil {
		return WhatIf{}, &Error{VI: p.vi, EN: p.en}
	}
	return w, nil
}

// checkWhatIfGroup: the group must exist in the scheme named, or in some scheme.
func checkWhatIfGroup(w WhatIf) *problem {
	if w.Scheme != "" {
		return checkSchemeGroup(w.Scheme, w.Group)
	}
	for _, s := range Schemes {
		if checkSchemeGroup(s, w.Group) == nil {
			return nil
		}
	}
	return checkSchemeGroup(SchemeVoluntary, w.Group)
}

func (w WhatIf) matches(scheme, group string) bool {
	return (w.Scheme == "" || w.Scheme == scheme) && (w.Group == AllGroups || w.Group == group)
}

// BudgetInput asks for the local support cost of a province over a calendar year.
// InProvince tells whether a commune belongs to the province (the geography lives
// elsewhere); nil accepts every commune.
type BudgetInput struct {
	Province   string
	Year       int
	Counts     []ParticipantCount
	InProvince func(communeCode string) bool
	WhatIf     []WhatIf
}

// BudgetLine is the cost of one count over the year, with the top-ups as they are
// (Baseline) and with the what-if changes (Changed).
type BudgetLine struct {
	ParticipantCount
	Baseline int64 `json:"baseline"`
	Changed  int64 `json:"changed"`
}

// BudgetTotal is a subtotal by scheme, by scheme and group, or by commune.
type BudgetTotal struct {
	Scheme   string `json:"scheme,omitempty"`
	Group    string `json:"group,omitempty"`
	Commune  string `json:"commune_code,omitempty"`
	Baseline int64  `json:"baseline"`
	Changed  int64  `json:"changed"`
}

// BudgetResult is the year's local support cost, side by side before and after the
// what-if changes.
type BudgetResult struct {
	Province  string        `json:"province_code"`
	Year      int           `json:"year"`
	Lines     []BudgetLine  `json:"lines"`
	ByScheme  []BudgetTotal `json:"by_scheme"`
	ByGroup   []BudgetTotal `json:"by_group"`
	ByCommune []BudgetTotal `json:"by_commune"`
	Baseline  int64         `json:"baseline"`
	Changed   int64         `json:"changed"`
}

// SupportBudget estimates what the province's own support costs in a year: for each
// month, the top-up and rules in force on its first day, per participant, times the
// count (convention C8).
func (b *Book) SupportBudget(in BudgetInput) (BudgetResult, error) {
	if err := checkBudgetInput(in); err != nil {
		return BudgetResult{}, err
	}
	res := BudgetResult{Province: in.Province, Year: in.Year}
	for _, pc := range in.Counts {
		line := BudgetLine{ParticipantCount: pc}
		for m := time.January; m <= time.December; m++ {
			base, changed, err := b.monthCost(in, pc, civil.Of(in.Year, m, 1))
			if err != nil {
				return BudgetResult{}, err
			}
			line.Baseline += base
			line.Changed += changed
		}
		res.Lines = append(res.Lines, line)
	}
	res.summarise()
	return res, nil
}

func checkBudgetInput(in BudgetInput) error {
	if !isCode(in.Province, 2) {
		return errf("mã tỉnh phải gồm 2 chữ số, có %q", "province code must be 2 digits, got %q", in.Province)
	}
	if in.Year < 1900 || in.Year > 9998 {
		return errf("năm không hợp lệ %d", "invalid year %d", in.Year)
	}
	for i, pc := range in.Counts {
		if ps := checkCount(pc); len(ps) > 0 {
			return countProblemText(i, ps)
		}
		if in.InProvince != nil && !in.InProvince(pc.Commune) {
			return errf("xã %s không thuộc tỉnh %s", "commune %s is not in province %s", pc.Commune, in.Province)
		}
	}
	return nil
}

// monthCost is one count's local support in the month starting d, baseline and changed.
func (b *Book) monthCost(in BudgetInput, pc ParticipantCount, d civil.Date) (base, changed int64, err error) {
	pctNow, _ := b.localPct(in.Province, pc.Commune, pc.Scheme, pc.Group, d)
	pctNew := withWhatIf(pctNow, in.WhatIf, pc.Scheme, pc.Group)
	if base, err = b.localPerParticipant(d, pc, pctNow); err != nil {
		return 0, 0, err
	}
	if changed, err = b.localPerParticipant(d, pc, pctNew); err != nil {
		return 0, 0, err
	}
	return base * pc.Count, changed * pc.Count, nil
}

func withWhatIf(p *big.Rat, changes []WhatIf, scheme, group string) *big.Rat {
	out := new(big.Rat).Set(p)
	for _, w := range changes {
		if w.matches(scheme, group) {
			pts, _ := w.Points.Rat()
			out.Add(out, pts)
		}
	}
	if out.Sign() < 0 {
		return new(big.Rat)
	}
	if hundred := big.NewRat(100, 1); out.Cmp(hundred) > 0 {
		return hundred
	}
	return out
}

// localPerParticipant is one participant's local support in a month at percent p;
// voluntary participants are taken at the income floor (convention C8).
func (b *Book) localPerParticipant(d civil.Date, pc ParticipantCount, p *big.Rat) (int64, error) {
	switch pc.Scheme {
	case SchemeVoluntary:
		floor, _, err := b.voluntaryBounds(d)
		if err != nil {
			return 0, err
		}
		r, err := b.voluntaryMonth(d, floor, pc.Group, p)
		return r.LocalSupport, err
	case SchemeHousehold:
		m, err := b.householdMember(d, pc.MemberOrder, p)
		return m.LocalSupport, err
	case SchemeStudent:
		r, err := b.bhytMonth(d, "student", p)
		return r.LocalSupport, err
	}
	r, err := b.bhytMonth(d, pc.Group, p)
	return r.LocalSupport, err
}

// summarise adds the subtotals, each sorted by its key.
func (r *BudgetResult) summarise() {
	scheme, group, commune := map[string]*BudgetTotal{}, map[string]*BudgetTotal{}, map[string]*BudgetTotal{}
	for _, l := range r.Lines {
		addTo(scheme, l.Scheme, BudgetTotal{Scheme: l.Scheme}, l)
		addTo(group, l.Scheme+"|"+l.Group, BudgetTotal{Scheme: l.Scheme, Group: l.Group}, l)
		addTo(commune, l.Commune, BudgetTotal{Commune: l.Commune}, l)
		r.Baseline += l.Baseline
		r.Changed += l.Changed
	}
	r.ByScheme, r.ByGroup, r.ByCommune = sorted(scheme), sorted(group), sorted(commune)
}

func addTo(m map[string]*BudgetTotal, key string, zero BudgetTotal, l BudgetLine) {
	t, ok := m[key]
	if !ok {
		t = &zero
		m[key] = t
	}
	t.Baseline += l.Baseline
	t.Changed += l.Changed
}

func sorted(m map[string]*BudgetTotal) []BudgetTotal {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]BudgetTotal, 0, len(keys))
	for _, k := range keys {
		out = append(out, *m[k])
	}
	return out
}
