package targets

import (
	"bytes"
	"math/big"
	"strconv"
	"strings"
)

// Decimal is an exact decimal number kept as written ("96", "93.46", "-2.99", "1000").
// The empty Decimal means "none" and is null in JSON. Arithmetic goes through Rat,
// never through float64.
type Decimal string

// Rat is the exact value; ok is false for the empty Decimal and for any text that
// is not a plain decimal (big.Rat alone would also take "1/3" and "1e5").
func (d Decimal) Rat() (*big.Rat, bool) {
	s := strings.TrimPrefix(strings.TrimPrefix(string(d), "-"), "+")
	whole, frac, hasPoint := strings.Cut(s, ".")
	if !allDigits(whole) || (hasPoint && !allDigits(frac)) {
		return nil, false
	}
	return new(big.Rat).SetString(string(d))
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// DecimalOf writes r with the given number of decimals, rounded half away from zero
// (93.005 → 93.01, −0.005 → −0.01).
func DecimalOf(r *big.Rat, places int) Decimal {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(places)), nil)
	n := roundHalfUp(new(big.Rat).Mul(r, new(big.Rat).SetInt(scale)))
	neg := n.Sign() < 0
	digits := new(big.Int).Abs(n).String()
	if places > 0 {
		if len(digits) <= places {
			digits = strings.Repeat("0", places-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-places] + "." + digits[len(digits)-places:]
	}
	if neg {
		digits = "-" + digits
	}
	return Decimal(digits)
}

// IntDecimal writes a whole number.
func IntDecimal(n int64) Decimal { return Decimal(strconv.FormatInt(n, 10)) }

// roundHalfUp is the nearest integer, a half going away from zero.
func roundHalfUp(r *big.Rat) *big.Int {
	num := new(big.Int).Abs(r.Num())
	q, rem := new(big.Int).QuoRem(num, r.Denom(), new(big.Int))
	if rem.Lsh(rem, 1).Cmp(r.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if r.Sign() < 0 {
		q.Neg(q)
	}
	return q
}

// ceil is the smallest integer ≥ r.
func ceil(r *big.Rat) *big.Int {
	q, m := new(big.Int).DivMod(r.Num(), r.Denom(), new(big.Int)) // Euclidean: m ≥ 0
	if m.Sign() != 0 {
		q.Add(q, big.NewInt(1))
	}
	return q
}

// MarshalJSON writes the number as a JSON number (plain numbers in the API,
// PRODUCT.md §4), or null when empty.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if _, ok := d.Rat(); !ok {
		return []byte("null"), nil
	}
	return []byte(strings.TrimPrefix(string(d), "+")), nil
}

// UnmarshalJSON reads a JSON number, a string holding one, or null.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*d = ""
		return nil
	}
	s := string(b)
	if u, err := strconv.Unquote(s); err == nil {
		s = u
	}
	if _, ok := Decimal(s).Rat(); !ok {
		return &decimalError{s}
	}
	*d = Decimal(s)
	return nil
}

type decimalError struct{ text string }

func (e *decimalError) Error() string {
	return "số không hợp lệ " + strconv.Quote(e.text) + " / invalid number " + strconv.Quote(e.text)
}
