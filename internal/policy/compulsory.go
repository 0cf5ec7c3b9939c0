package policy

import (
	"math/big"

	"github.com/phusong/phusong/internal/civil"
)

// Kinds of compulsory participant.
const (
	KindEmployee          = "employee"           // labour contract, civil servant…: employer and employee shares
	KindHouseholdBusiness = "household_business" // Law 41/2024 Art 2.1.m–n: owner pays 3 % + 22 % of a self-chosen basis
)

// CompulsoryInput is one person's month: the date it is for, the monthly contribution
// salary and the employer's region (1..4; 0 means region 1, convention C6).
type CompulsoryInput struct {
	Date   civil.Date `json:"date"`
	Salary int64      `json:"salary"`
	Region int        `json:"region"`
	Kind   string     `json:"kind"` // "" means employee
}

// Shares are one payer's amounts per fund (đồng per month) and their total.
type Shares struct {
	SicknessMaternity int64 `json:"sickness_maternity"`
	Occupational      int64 `json:"occupational"`
	PensionSurvivor   int64 `json:"pension_survivor"`
	BHYT              int64 `json:"bhyt"`
	BHTN              int64 `json:"bhtn"`
	Total             int64 `json:"total"`
}

// Bases are the contribution bases after the caps.
type Bases struct {
	BHXH int64 `json:"bhxh"`
	BHYT int64 `json:"bhyt"`
	BHTN int64 `json:"bhtn"`
}

// CompulsoryResult is the monthly contribution. For a household-business owner the
// owner's amounts are under Employee (the insured person pays them).
type CompulsoryResult struct {
	Date     civil.Date `json:"date"`
	Kind     string     `json:"kind"`
	Region   int        `json:"region"`
	Salary   int64      `json:"salary"`
	Bases    Bases      `json:"bases"`
	Employer Shares     `json:"employer"`
	Employee Shares     `json:"employee"`
	Total    int64      `json:"total"`
	// BelowRegionalMinimum flags a salary under the region's minimum wage, which a
	// labour contract may not pay (convention C2: flagged, not raised).
	BelowRegionalMinimum bool `json:"below_regional_minimum"`
}

// Compulsory computes the monthly compulsory BHXH, BHYT and BHTN contributions.
func (b *Book) Compulsory(in CompulsoryInput) (CompulsoryResult, error) {
	in, err := normalizeCompulsory(in)
	if err != nil {
		return CompulsoryResult{}, err
	}
	res := CompulsoryResult{Date: in.Date, Kind: in.Kind, Region: in.Region, Salary: in.Salary}
	if err := b.compulsoryBases(in, &res); err != nil {
		return CompulsoryResult{}, err
	}
	if in.Kind == KindHouseholdBusiness {
		err = b.ownerShares(in.Date, &res)
	} else {
		err = b.employeeShares(in.Date, &res)
	}
	if err != nil {
		return CompulsoryResult{}, err
	}
	res.Total = res.Employer.Total + res.Employee.Total
	return res, nil
}

func normalizeCompulsory(in CompulsoryInput) (CompulsoryInput, error) {
	if in.Region == 0 {
		in.Region = 1 // convention C6
	}
	if in.Kind == "" {
		in.Kind = KindEmployee
	}
	switch {
	case in.Salary <= 0:
		return in, errf("tiền lương đóng phải lớn hơn 0, có %d", "contribution salary must be above 0, got %d", in.Salary)
	case in.Region < 1 || in.Region > 4:
		return in, errf("vùng phải từ 1 đến 4, có %d", "region must be 1 to 4, got %d", in.Region)
	case in.Kind != KindEmployee && in.Kind != KindHouseholdBusiness:
		return in, errf("loại đối tượng không biết %q, cần employee hoặc household_business",
			"unknown kind %q, want employee or household_business", in.Kind)
	}
	return in, nil
}

// compulsoryBases applies the caps: BHXH and BHYT 20 × MTC (Law 41/2024 Art 31.1.đ;
// ND 188/2025 Art 6), BHTN 20 × LTTV of the region (Luật Việc làm 2025 Art 34.2), and
// the floor MTC (Art 31.1.đ, convention C2).
func (b *Book) compulsoryBases(in CompulsoryInput, res *CompulsoryResult) error {
	mtc, err := b.value(ReferenceLevel, "", in.Date)
	if err != nil {
		return err
	}
	lttv, err := b.value(RegionalMinWage, itoa(in.Region), in.Date)
	if err != nil {
		return err
	}
	if err := b.checkCompulsoryFloor(in, mtc); err != nil {
		return err
	}
	res.BelowRegionalMinimum = in.Kind == KindEmployee && ratInt(in.Salary).Cmp(lttv) < 0
	if res.Bases.BHXH, err = b.capped(in, "bhxh", mtc); err != nil {
		return err
	}
	if res.Bases.BHYT, err = b.capped(in, "bhyt", mtc); err != nil {
		return err
	}
	res.Bases.BHTN, err = b.capped(in, "bhtn", lttv)
	return err
}

// capped is min(salary, cap multiple × base). A household-business owner chooses a
// basis of at most 20 × MTC (Art 31.1.d), so above it is an error, not a cap.
func (b *Book) capped(in CompulsoryInput, key string, base *big.Rat) (int64, error) {
	m, err := b.value(CompulsoryCap, key, in.Date)
	if err != nil {
		return 0, err
	}
	limit := Round(mul(m, base))
	if in.Kind == KindHouseholdBusiness && in.Salary > limit {
		return 0, errf("mức thu nhập chọn đóng %d vượt mức trần %d", "chosen basis %d is above the ceiling %d", in.Salary, limit)
	}
	return minInt64(in.Salary, limit), nil
}

// checkCompulsoryFloor rejects a basis under floor × MTC where a floor row is in
// force (from 01/07/2025); earlier dates have no floor row and no check.
func (b *Book) checkCompulsoryFloor(in CompulsoryInput, mtc *big.Rat) error {
	m, err := b.value(CompulsoryFloor, "bhxh", in.Date)
	if err != nil {
		return nil // no floor in the tables for this date (convention C2)
	}
	if floor := Round(mul(m, mtc)); in.Salary < floor {
		return errf("tiền lương đóng %d thấp hơn mức sàn %d (mức tham chiếu)",
			"contribution salary %d is below the floor %d (reference level)", in.Salary, floor)
	}
	return nil
}

// employeeShares applies each fund's employer and employee rates to its base.
func (b *Book) employeeShares(d civil.Date, res *CompulsoryResult) error {
	for _, payer := range []struct {
		name string
		s    *Shares
	}{{"employer", &res.Employer}, {"employee", &res.Employee}} {
		if err := b.fundShares(d, payer.name, Funds, res.Bases, payer.s); err != nil {
			return err
		}
	}
	return nil
}

// ownerShares: a household-business owner pays sickness-maternity and
// pension-survivor only (Law 41/2024 Art 33.4).
func (b *Book) ownerShares(d civil.Date, res *CompulsoryResult) error {
	return b.fundShares(d, "owner", []string{"sickness_maternity", "pension_survivor"}, res.Bases, &res.Employee)
}

func (b *Book) fundShares(d civil.Date, payer string, funds []string, bases Bases, s *Shares) error {
	for _, fund := range funds {
		rate, err := b.value(CompulsoryRate, fund+"."+payer, d)
		if err != nil {
			return err
		}
		amount := Round(mul(ratInt(fundBase(fund, bases)), pct(rate)))
		*s.field(fund) = amount
		s.Total += amount
	}
	return nil
}

func fundBase(fund string, bases Bases) int64 {
	switch fund {
	case "bhyt":
		return bases.BHYT
	case "bhtn":
		return bases.BHTN
	}
	return bases.BHXH
}

func (s *Shares) field(fund string) *int64 {
	switch fund {
	case "sickness_maternity":
		return &s.SicknessMaternity
	case "occupational":
		return &s.Occupational
	case "pension_survivor":
		return &s.PensionSurvivor
	case "bhyt":
		return &s.BHYT
	}
	return &s.BHTN
}
