package policy

import (
	"math/big"
	"slices"
	"strings"
)

// Parameter names of rules.csv. The suffix gives the unit (see the package doc).
const (
	BaseSalary         = "base_salary_vnd"              // lương cơ sở (LCS)
	ReferenceLevel     = "reference_level_vnd"          // mức tham chiếu (MTC); LCS before 01/07/2025
	RegionalMinWage    = "regional_min_wage_vnd"        // lương tối thiểu vùng, key = region 1..4
	RuralPovertyLine   = "rural_poverty_line_vnd"       // chuẩn nghèo nông thôn (CN)
	CompulsoryRate     = "compulsory_rate_pct"          // key = fund.payer
	CompulsoryCap      = "compulsory_cap_multiple"      // key bhxh|bhyt (× MTC), bhtn (× LTTV)
	CompulsoryFloor    = "compulsory_floor_multiple"    // key bhxh (× MTC)
	VoluntaryRate      = "voluntary_rate_pct"           // 22 %
	VoluntaryCeiling   = "voluntary_ceiling_multiple"   // × MTC
	VoluntarySupport   = "voluntary_support_pct"        // key = voluntary group
	VoluntaryMaxMonths = "voluntary_support_max_months" // 120
	BHYTRate           = "bhyt_rate_pct"                // 4.5 % of LCS
	HouseholdLadder    = "bhyt_household_pct"           // key = member order 1..5 (5 = fifth on)
	BHYTSupport        = "bhyt_support_pct"             // key = BHYT group
	LateChargeRate     = "late_charge_pct_per_day"      // 0.03 %/day
)

// Funds and payers of compulsory contributions; a compulsory_rate_pct key is
// "fund.payer", e.g. "pension_survivor.employee".
var (
	Funds  = []string{"sickness_maternity", "occupational", "pension_survivor", "bhyt", "bhtn"}
	Payers = []string{"employer", "employee", "owner"}
)

// VoluntaryGroups are the support tiers of voluntary BHXH (ND 159/2025): island means
// residents of island communes and special zones.
var VoluntaryGroups = []string{"poor", "near_poor", "ethnic_minority", "island", "other"}

// BHYTGroups are the state-supported BHYT groups of Law on BHYT Art 12.4 as amended
// by Law 51/2024 (regulations.md §5.3).
var BHYTGroups = []string{"near_poor", "near_poor_poor_commune", "student", "security_force",
	"agri_household", "village_health_worker", "village_worker", "ethnic_minority_ex_difficult",
	"artisan", "trafficking_victim"}

type unit int

const (
	unitVND unit = iota
	unitPct
	unitMultiple
	unitMonths
)

type paramSpec struct {
	unit unit
	keys []string // nil: the key must be empty
}

var params = map[string]paramSpec{
	BaseSalary:         {unitVND, nil},
	ReferenceLevel:     {unitVND, nil},
	RegionalMinWage:    {unitVND, []string{"1", "2", "3", "4"}},
	RuralPovertyLine:   {unitVND, nil},
	CompulsoryRate:     {unitPct, rateKeys()},
	CompulsoryCap:      {unitMultiple, []string{"bhxh", "bhyt", "bhtn"}},
	CompulsoryFloor:    {unitMultiple, []string{"bhxh"}},
	VoluntaryRate:      {unitPct, nil},
	VoluntaryCeiling:   {unitMultiple, nil},
	VoluntarySupport:   {unitPct, VoluntaryGroups},
	VoluntaryMaxMonths: {unitMonths, nil},
	BHYTRate:           {unitPct, nil},
	HouseholdLadder:    {unitPct, []string{"1", "2", "3", "4", "5"}},
	BHYTSupport:        {unitPct, BHYTGroups},
	LateChargeRate:     {unitPct, nil},
}

func rateKeys() []string {
	var keys []string
	for _, f := range Funds {
		for _, p := range Payers {
			keys = append(keys, f+"."+p)
		}
	}
	return keys
}

// Parameters lists the known parameter names, sorted.
func Parameters() []string {
	names := make([]string, 0, len(params))
	for n := range params {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// problem is one bad field of a rule or top-up, before it gets a row number.
type problem struct{ col, vi, en string }

// checkValue checks a parameter's key and value; nil when fine.
func checkValue(param, key string, v Decimal) *problem {
	spec, ok := params[param]
	if !ok {
		return &problem{"parameter", "tham số không biết: " + param, "unknown parameter: " + param}
	}
	if !validKey(spec, key) {
		want := "(trống/empty)"
		if spec.keys != nil {
			want = strings.Join(spec.keys, ", ")
		}
		return &problem{"key", "khoá không hợp lệ " + quote(key) + ", cần " + want, "invalid key " + quote(key) + ", want " + want}
	}
	r, ok := v.Rat()
	if !ok {
		return &problem{"value", "giá trị không phải số thập phân " + quote(string(v)), "value is not a plain decimal " + quote(string(v))}
	}
	return checkRange(spec.unit, r, v)
}

func validKey(spec paramSpec, key string) bool {
	if spec.keys == nil {
		return key == ""
	}
	return slices.Contains(spec.keys, key)
}

// checkRange: money and months are positive whole numbers, percents lie in 0..100,
// multiples are positive; everything stays far below what int64 đồng can hold.
func checkRange(u unit, r *big.Rat, v Decimal) *problem {
	bad := func(vi, en string) *problem {
		return &problem{"value", vi + " " + quote(string(v)), en + " " + quote(string(v))}
	}
	switch {
	case (u == unitVND || u == unitMonths) && (!r.IsInt() || r.Sign() <= 0):
		return bad("cần số nguyên dương, có", "want a positive whole number, got")
	case u == unitPct && (r.Sign() < 0 || r.Cmp(big.NewRat(100, 1)) > 0):
		return bad("phần trăm phải từ 0 đến 100, có", "percent must be between 0 and 100, got")
	case u == unitMultiple && r.Sign() <= 0:
		return bad("hệ số phải dương, có", "multiple must be positive, got")
	case r.Cmp(big.NewRat(maxValue, 1)) > 0:
		return bad("giá trị quá lớn", "value is too large")
	}
	return nil
}

// maxValue bounds every parameter (a trillion đồng a month), so that products of
// rules and inputs stay within int64.
const maxValue = 1_000_000_000_000

func quote(s string) string { return `"` + s + `"` }
