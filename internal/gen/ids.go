package gen

import (
	"fmt"

	"github.com/phusong/phusong/internal/civil"
)

// ids hands out unique identifiers. Each is a counter per bucket passed through an
// affine bijection, so numbers look scattered but never repeat, and the state is
// fixed in size whatever the number of persons.
type ids struct {
	seed uint64
	// national IDs: bucket = birth-province prefix (2-digit old code) × digit 4 × year
	nid [100][4][100]int32
	// BHXH codes: bucket = 2-digit province prefix
	bhxh [100]int64
}

const (
	nidSpace  = 1_000_000   // digits 7–12
	bhxhSpace = 100_000_000 // digits 3–10
	nidMul    = 741_457     // coprime to 10: x → (a·x + b) mod 10^6 is a bijection
	bhxhMul   = 27_182_819  // coprime to 10
	taxMul    = 31_415_927  // coprime to 10
	taxSpace  = 100_000_000 // tax code digits 3–10
)

// nationalID builds a số định danh cá nhân (forms-and-codes.md §8.5): 3-digit
// birth-registration prefix (pre-2025 province code with a leading 0), century/sex
// digit, two digits of the birth year, six serial digits.
func (g *ids) nationalID(prefix string, birthYear int, female bool) ([12]byte, error) {
	p := atoi(prefix)
	d4 := (birthYear/100 - 19) * 2
	if female {
		d4++
	}
	if d4 < 0 || d4 > 3 {
		return [12]byte{}, fmt.Errorf("gen: birth year %d outside 1900–2099", birthYear)
	}
	yy := birthYear % 100
	n := g.nid[p][d4][yy]
	if n >= nidSpace {
		return [12]byte{}, fmt.Errorf("gen: more than %d national IDs for prefix 0%s, digit %d, year %d", nidSpace, prefix, d4, birthYear)
	}
	g.nid[p][d4][yy]++
	off := hash64(g.seed, uint64(p<<16|d4<<8|yy)) % nidSpace
	serial := (uint64(n)*nidMul + off) % nidSpace
	var b [12]byte
	b[0], b[1], b[2] = '0', prefix[0], prefix[1]
	b[3] = byte('0' + d4)
	b[4], b[5] = byte('0'+yy/10), byte('0'+yy%10)
	putDigits(b[6:], serial)
	return b, nil
}

// bhxhCode is a 10-digit mã số BHXH: the 2-digit code of the province that first
// registered the person and 8 scattered digits.
func (g *ids) bhxhCode(prefix string) ([10]byte, error) {
	p := atoi(prefix)
	n := g.bhxh[p]
	if n >= bhxhSpace {
		return [10]byte{}, fmt.Errorf("gen: more than %d BHXH codes for province %s", bhxhSpace, prefix)
	}
	g.bhxh[p]++
	off := hash64(g.seed, uint64(0xb000+p)) % bhxhSpace
	var b [10]byte
	b[0], b[1] = prefix[0], prefix[1]
	putDigits(b[2:], (uint64(n)*bhxhMul+off)%bhxhSpace)
	return b, nil
}

// taxCode is a 10-digit enterprise tax code (mã số doanh nghiệp) for employer k:
// province prefix and 8 scattered digits, unique over k < 10^8. No check digit.
func taxCode(seed uint64, province string, k int64) [10]byte {
	var b [10]byte
	b[0], b[1] = province[0], province[1]
	off := hash64(seed, 0x7a7) % taxSpace
	putDigits(b[2:], (uint64(k)*taxMul+off)%taxSpace)
	return b
}

func putDigits(b []byte, v uint64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
}

// cardNo is the 15-character mã thẻ BHYT (QĐ 1351/QĐ-BHXH, forms-and-codes.md §8.2):
// participant code, benefit digit, issuing province, BHXH code.
func cardNo(group string, level int, province string, bhxh [10]byte) [15]byte {
	var b [15]byte
	b[0], b[1] = group[0], group[1]
	b[2] = byte('0' + level)
	b[3], b[4] = province[0], province[1]
	copy(b[5:], bhxh[:])
	return b
}

// addMonths is civil.Date.AddMonths without time.Time: whole months, clamped to the
// end of the target month.
func addMonths(d civil.Date, n int) civil.Date {
	y, m, day := ymd(d)
	t := y*12 + (m - 1) + n
	y, m = t/12, t%12+1
	if last := civil.DaysIn(y, m); day > last {
		day = last
	}
	return civil.FromYMD(y, m, day)
}

func yearOf(d civil.Date) int {
	y, _, _ := ymd(d)
	return y
}

// ageOn is the age in whole years on d of a person born on birth.
func ageOn(birth, d civil.Date) int {
	by, bm, bd := ymd(birth)
	y, m, dd := ymd(d)
	a := y - by
	if m < bm || (m == bm && dd < bd) {
		a--
	}
	return a
}
