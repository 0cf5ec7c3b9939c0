// Package policy holds the effective-dated policy tables of BHXH, BHYT and BHTN and
// the calculators built on them: compulsory contributions, voluntary BHXH, household
// and student BHYT, state-supported BHYT groups, the late-payment charge and the
// budget of a province's own support (M9).
//
// The package is pure domain: no database, no HTTP, no flags. Figures live in data,
// never in code: the reference rows are embedded from rules.csv (DefaultRules) and an
// admin may replace them by import (ParseRules); provincial top-ups come from
// ParseTopUps. NewBook validates both and answers "value in force on date D".
//
// # Units of rules.csv
//
// Columns: parameter,key,value,valid_from,valid_to,source. valid_to is inclusive and
// empty means open. value is an exact decimal ("2340000", "0.03", "4.5"); its unit is
// the suffix of the parameter name:
//
//   - _vnd: whole đồng per month (base salary, reference level, minimum wages,
//     poverty line);
//   - _pct: a percent as the law writes it (3 means 3 %, 0.03 means 0.03 %);
//   - _pct_per_day: a percent per day (the late-payment charge);
//   - _multiple: a multiplier of another parameter (caps, floors);
//   - _months: a whole number of months.
//
// # Conventions
//
// Every choice made where the regulations leave room (late-charge day count,
// compulsory floor, 2026 BHTN employee rate, 2027 voluntary floor, rounding, default
// region, what a local top-up percent applies to) is written once, in
// docs/policy-conventions.md, and the code cites it as "convention Cn".
//
// Money is int64 đồng. Arithmetic is exact (math/big.Rat); every amount goes through
// Round (half up to the whole đồng) exactly once, and totals are sums of rounded
// amounts.
package policy
