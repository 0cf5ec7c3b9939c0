package policy

import (
	"math/big"
	"strings"
)

// Decimal is an exact decimal number as written in a file: digits, an optional
// fraction after a point, an optional leading sign ("2340000", "0.03", "-5"). It is
// kept as text so that an import exported again is byte for byte the same.
type Decimal string

// Rat is the exact value; ok is false when the text is not a plain decimal (big.Rat
// alone would also accept "1/3" and "1e5", which a policy table must not hold).
func (d Decimal) Rat() (*big.Rat, bool) {
	s := strings.TrimPrefix(strings.TrimPrefix(string(d), "-"), "+")
	whole, frac, hasPoint := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || (hasPoint && (frac == "" || !allDigits(frac))) {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(string(d))
	return r, ok
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// Round is the one rounding rule of the package (convention C5): half up to the
// whole đồng, i.e. a fraction of exactly one half goes away from zero
// (274,060.5 → 274,061; −0.5 → −1). Every money amount is rounded once, here.
func Round(r *big.Rat) int64 {
	num := new(big.Int).Abs(r.Num())
	q, rem := new(big.Int).QuoRem(num, r.Denom(), new(big.Int))
	if rem.Lsh(rem, 1).Cmp(r.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if r.Sign() < 0 {
		q.Neg(q)
	}
	return q.Int64()
}

// mul multiplies exact values without touching its arguments.
func mul(xs ...*big.Rat) *big.Rat {
	out := big.NewRat(1, 1)
	for _, x := range xs {
		out.Mul(out, x)
	}
	return out
}

// pct turns a percent (3 for 3 %) into a fraction.
func pct(p *big.Rat) *big.Rat { return new(big.Rat).Quo(p, big.NewRat(100, 1)) }

func ratInt(n int64) *big.Rat { return new(big.Rat).SetInt64(n) }

// minInt64 is the smaller of two amounts.
func minInt64(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}
