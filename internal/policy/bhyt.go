package policy

import (
	"math/big"
	"slices"

	"github.com/phusong/phusong/internal/civil"
)

// StudentCycles are the payment cycles of pupils and students in months (ND 188/2025).
var StudentCycles = []int{3, 6, 12}

// HouseholdInput is a household's BHYT payment: members joining in the same fiscal
// year, in order (ND 188/2025 Art 6.5). Months 0 means 12; 1..12 are accepted
// because the household cycles after ND 188 are not confirmed (U10).
type HouseholdInput struct {
	Date     civil.Date `json:"date"`
	Members  int        `json:"members"`
	Months   int        `json:"months"`
	Province string     `json:"province_code,omitempty"`
	Commune  string     `json:"commune_code,omitempty"`
}

// MemberAmount is one member's premium: per month before and after the local
// top-up, and Amount for the whole payment.
type MemberAmount struct {
	Order        int   `json:"order"`
	Premium      int64 `json:"monthly_premium"`       // ladder share of 4.5 % × LCS
	LocalSupport int64 `json:"monthly_local_support"` // province top-up (C7)
	Monthly      int64 `json:"monthly"`               // what the household pays per month
	Amount       int64 `json:"amount"`                // Monthly × months
}

// HouseholdResult lists the members in order and the totals.
type HouseholdResult struct {
	Members         []MemberAmount `json:"members"`
	Months          int            `json:"months"`
	TotalMonthly    int64          `json:"total_monthly"`
	Total           int64          `json:"total"`
	LocalResolution string         `json:"local_resolution,omitempty"`
}

// maxMembers bounds a household list; a longer one is a data error.
const maxMembers = 100

// Household computes household BHYT: the first member pays 4.5 % × LCS, the 2nd,
// 3rd and 4th 70, 60 and 50 % of that, the 5th onward 40 % (ND 188/2025 Art 6.5).
func (b *Book) Household(in HouseholdInput) (HouseholdResult, error) {
	if in.Months == 0 {
		in.Months = 12
	}
	if in.Members < 1 || in.Members > maxMembers {
		return HouseholdResult{}, errf("số thành viên phải từ 1 đến 100, có %d", "members must be 1 to 100, got %d", in.Members)
	}
	if in.Months < 1 || in.Months > 12 {
		return HouseholdResult{}, errf("số tháng phải từ 1 đến 12, có %d", "months must be 1 to 12, got %d", in.Months)
	}
	local, resolution := b.localPct(in.Province, in.Commune, SchemeHousehold, AllGroups, in.Date)
	res := HouseholdResult{Months: in.Months}
	for order := 1; order <= in.Members; order++ {
		m, err := b.householdMember(in.Date, order, local)
		if err != nil {
			return HouseholdResult{}, err
		}
		m.Amount = m.Monthly * int64(in.Months)
		res.Members = append(res.Members, m)
		res.TotalMonthly += m.Monthly
		res.Total += m.Amount
	}
	if local.Sign() > 0 {
		res.LocalResolution = resolution
	}
	return res, nil
}

// householdMember is the monthly premium of the member in that order.
func (b *Book) householdMember(d civil.Date, order int, local *big.Rat) (MemberAmount, error) {
	full, err := b.bhytPremium(d)
	if err != nil {
		return MemberAmount{}, err
	}
	ladder, err := b.value(HouseholdLadder, itoa(min(order, 5)), d)
	if err != nil {
		return MemberAmount{}, err
	}
	own := mul(full, pct(ladder))
	m := MemberAmount{Order: order, Premium: Round(own)}
	m.LocalSupport = minInt64(Round(mul(own, pct(local))), m.Premium)
	m.Monthly = m.Premium - m.LocalSupport
	return m, nil
}

// bhytPremium is 4.5 % × LCS per month, exact (ND 188/2025 Art 6).
func (b *Book) bhytPremium(d civil.Date) (*big.Rat, error) {
	rate, err := b.value(BHYTRate, "", d)
	if err != nil {
		return nil, err
	}
	lcs, err := b.value(BaseSalary, "", d)
	if err != nil {
		return nil, err
	}
	return mul(pct(rate), lcs), nil
}

// StudentInput is a pupil's or student's BHYT payment; Months 0 means 12.
type StudentInput struct {
	Date     civil.Date `json:"date"`
	Months   int        `json:"months"`
	Province string     `json:"province_code,omitempty"`
	Commune  string     `json:"commune_code,omitempty"`
}

// BHYTInput is a payment of a state-supported BHYT group (Law on BHYT Art 12.4).
type BHYTInput struct {
	Date     civil.Date `json:"date"`
	Group    string     `json:"group"`
	Months   int        `json:"months"`
	Province string     `json:"province_code,omitempty"`
	Commune  string     `json:"commune_code,omitempty"`
}

// BHYTResult has the shape of VoluntaryResult: the first four amounts per month,
// Total for the payment.
type BHYTResult struct {
	Group            string `json:"group"`
	FullContribution int64  `json:"full_contribution"`
	StateSupport     int64  `json:"state_support"`
	LocalSupport     int64  `json:"local_support"`
	ParticipantPays  int64  `json:"participant_pays"`
	Months           int    `json:"months"`
	Total            int64  `json:"total"`
	LocalResolution  string `json:"local_resolution,omitempty"`
}

// Student computes a pupil's or student's BHYT: 4.5 % × LCS less the state support
// (30 % before 01/07/2025, 50 % from then, ND 188/2025) and any top-up.
func (b *Book) Student(in StudentInput) (BHYTResult, error) {
	return b.BHYTSupported(BHYTInput{Date: in.Date, Group: "student", Months: in.Months, Province: in.Province, Commune: in.Commune})
}

// BHYTSupported computes the payment of any state-supported BHYT group; months 0
// means 12, students pay for 3, 6 or 12 months, other groups 1 to 12.
func (b *Book) BHYTSupported(in BHYTInput) (BHYTResult, error) {
	if in.Months == 0 {
		in.Months = 12
	}
	if err := checkBHYTInput(in); err != nil {
		return BHYTResult{}, err
	}
	scheme := bhytScheme(in.Group)
	local, resolution := b.localPct(in.Province, in.Commune, scheme, in.Group, in.Date)
	r, err := b.bhytMonth(in.Date, in.Group, local)
	if err != nil {
		return BHYTResult{}, err
	}
	r.Months, r.Total = in.Months, r.ParticipantPays*int64(in.Months)
	if r.LocalSupport > 0 {
		r.LocalResolution = resolution
	}
	return r, nil
}

func checkBHYTInput(in BHYTInput) error {
	if !slices.Contains(BHYTGroups, in.Group) {
		return unknownGroup(in.Group, BHYTGroups)
	}
	if in.Group == "student" && !slices.Contains(StudentCycles, in.Months) {
		return errf("học sinh, sinh viên đóng 3, 6 hoặc 12 tháng, có %d", "students pay for 3, 6 or 12 months, got %d", in.Months)
	}
	if in.Months < 1 || in.Months > 12 {
		return errf("số tháng phải từ 1 đến 12, có %d", "months must be 1 to 12, got %d", in.Months)
	}
	return nil
}

// bhytScheme: students have their own top-up scheme, the other groups share one.
func bhytScheme(group string) string {
	if group == "student" {
		return SchemeStudent
	}
	return SchemeBHYTSupported
}

// bhytMonth is one month of a supported group; support is a percent of the full
// premium, and the local top-up is cut so the participant never pays below zero.
func (b *Book) bhytMonth(d civil.Date, group string, local *big.Rat) (BHYTResult, error) {
	full, err := b.bhytPremium(d)
	if err != nil {
		return BHYTResult{}, err
	}
	k, err := b.value(BHYTSupport, group, d)
	if err != nil {
		return BHYTResult{}, err
	}
	r := BHYTResult{Group: group, FullContribution: Round(full)}
	r.StateSupport = minInt64(Round(mul(full, pct(k))), r.FullContribution)
	r.LocalSupport = minInt64(Round(mul(full, pct(local))), r.FullContribution-r.StateSupport)
	r.ParticipantPays = r.FullContribution - r.StateSupport - r.LocalSupport
	return r, nil
}
