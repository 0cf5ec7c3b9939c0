package policy

import (
	"math/big"
	"slices"
	"strings"

	"github.com/phusong/phusong/internal/civil"
)

// VoluntaryCycles are the payment modes in months (Law 41/2024 Art 36.2). Several
// years in advance (discounted, ND 159/2025) is not computed here.
var VoluntaryCycles = []int{1, 3, 6, 12}

// VoluntaryInput is one voluntary BHXH payment. Group is the single highest tier the
// participant qualifies for (ND 159/2025: several tiers → the highest only).
// SupportedMonthsUsed counts the months of state support already received, against
// the 120-month limit. Months 0 means 1.
type VoluntaryInput struct {
	Date                civil.Date `json:"date"`
	Income              int64      `json:"income"`
	Group               string     `json:"group"`
	Province            string     `json:"province_code,omitempty"`
	Commune             string     `json:"commune_code,omitempty"`
	Months              int        `json:"months"`
	SupportedMonthsUsed int        `json:"supported_months_used,omitempty"`
}

// VoluntaryResult: the first four amounts are per month (for a month that still has
// support), Total is what the participant pays for the whole payment.
type VoluntaryResult struct {
	FullContribution int64  `json:"full_contribution"`
	StateSupport     int64  `json:"state_support"`
	LocalSupport     int64  `json:"local_support"`
	ParticipantPays  int64  `json:"participant_pays"`
	Months           int    `json:"months"`
	Total            int64  `json:"total"`
	SupportedMonths  int    `json:"supported_months"` // months of this payment with support (≤ Months)
	LocalResolution  string `json:"local_resolution,omitempty"`
}

// Voluntary computes a voluntary BHXH payment: 22 % of the chosen income (Law
// 41/2024 Art 36.1) less the state support k × 22 % × CN (ND 159/2025) and the
// province's top-up on the same base (convention C7).
func (b *Book) Voluntary(in VoluntaryInput) (VoluntaryResult, error) {
	if in.Months == 0 {
		in.Months = 1
	}
	if err := checkVoluntaryInput(in); err != nil {
		return VoluntaryResult{}, err
	}
	if err := b.checkVoluntaryIncome(in.Date, in.Income); err != nil {
		return VoluntaryResult{}, err
	}
	local, resolution := b.localPct(in.Province, in.Commune, SchemeVoluntary, in.Group, in.Date)
	m, err := b.voluntaryMonth(in.Date, in.Income, in.Group, local)
	if err != nil {
		return VoluntaryResult{}, err
	}
	supported, err := b.supportedMonths(in)
	if err != nil {
		return VoluntaryResult{}, err
	}
	if supported == 0 {
		m.StateSupport, m.LocalSupport, m.ParticipantPays = 0, 0, m.FullContribution // V12
	}
	m.Months, m.SupportedMonths = in.Months, supported
	m.Total = m.ParticipantPays*int64(supported) + m.FullContribution*int64(in.Months-supported)
	if m.LocalSupport > 0 {
		m.LocalResolution = resolution
	}
	return m, nil
}

func checkVoluntaryInput(in VoluntaryInput) error {
	if !slices.Contains(VoluntaryGroups, in.Group) {
		return unknownGroup(in.Group, VoluntaryGroups)
	}
	if !slices.Contains(VoluntaryCycles, in.Months) {
		return errf("số tháng đóng phải là 1, 3, 6 hoặc 12, có %d", "months must be 1, 3, 6 or 12, got %d", in.Months)
	}
	if in.SupportedMonthsUsed < 0 {
		return errf("số tháng đã được hỗ trợ không được âm, có %d", "supported months used cannot be negative, got %d", in.SupportedMonthsUsed)
	}
	return nil
}

func unknownGroup(g string, groups []string) error {
	want := strings.Join(groups, ", ")
	return errf("nhóm không biết %q, cần một trong: %s", "unknown group %q, want one of: %s", g, want)
}

// checkVoluntaryIncome: the chosen income lies between CN and 20 × MTC (Law
// 41/2024 Art 31.2).
func (b *Book) checkVoluntaryIncome(d civil.Date, income int64) error {
	if income < 0 {
		return errf("thu nhập không được âm, có %d", "income cannot be negative, got %d", income)
	}
	floor, ceiling, err := b.voluntaryBounds(d)
	if err != nil {
		return err
	}
	if income < floor {
		return errf("thu nhập %d thấp hơn mức sàn %d (chuẩn nghèo nông thôn)", "income %d is below the floor %d (rural poverty line)", income, floor)
	}
	if income > ceiling {
		return errf("thu nhập %d vượt mức trần %d (20 lần mức tham chiếu)", "income %d is above the ceiling %d (20 × reference level)", income, ceiling)
	}
	return nil
}

func (b *Book) voluntaryBounds(d civil.Date) (floor, ceiling int64, err error) {
	cn, err := b.value(RuralPovertyLine, "", d)
	if err != nil {
		return 0, 0, err
	}
	m, err := b.value(VoluntaryCeiling, "", d)
	if err != nil {
		return 0, 0, err
	}
	mtc, err := b.value(ReferenceLevel, "", d)
	if err != nil {
		return 0, 0, err
	}
	return Round(cn), Round(mul(m, mtc)), nil
}

// voluntaryMonth is one supported month at income with the local percent given.
// Local support is cut so that the participant never pays below zero.
func (b *Book) voluntaryMonth(d civil.Date, income int64, group string, local *big.Rat) (VoluntaryResult, error) {
	rate, err := b.value(VoluntaryRate, "", d)
	if err != nil {
		return VoluntaryResult{}, err
	}
	cn, err := b.value(RuralPovertyLine, "", d)
	if err != nil {
		return VoluntaryResult{}, err
	}
	k, err := b.value(VoluntarySupport, group, d)
	if err != nil {
		return VoluntaryResult{}, err
	}
	supportBase := mul(pct(rate), cn) // 22 % × CN, ND 159/2025
	r := VoluntaryResult{FullContribution: Round(mul(ratInt(income), pct(rate)))}
	r.StateSupport = minInt64(Round(mul(supportBase, pct(k))), r.FullContribution)
	r.LocalSupport = minInt64(Round(mul(supportBase, pct(local))), r.FullContribution-r.StateSupport)
	r.ParticipantPays = r.FullContribution - r.StateSupport - r.LocalSupport
	return r, nil
}

// supportedMonths is how many months of this payment still have support under the
// 120-month limit (ND 159/2025; ND 134/2015 before).
func (b *Book) supportedMonths(in VoluntaryInput) (int, error) {
	maxMonths, err := b.value(VoluntaryMaxMonths, "", in.Date)
	if err != nil {
		return 0, err
	}
	left := int(maxMonths.Num().Int64()) - in.SupportedMonthsUsed
	return max(0, min(left, in.Months)), nil
}
