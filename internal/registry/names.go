package registry

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"

	"github.com/phusong/phusong/internal/fault"
)

// MaxNameRunes bounds a full name; the longest Vietnamese names are far shorter.
const MaxNameRunes = 100

// NormalizeName is a full name as stored: NFC, trimmed, runs of white space
// (including no-break spaces) collapsed to one space. Case is kept as written.
func NormalizeName(s string) string {
	return strings.Join(strings.Fields(norm.NFC.String(s)), " ")
}

// CheckName normalises a full name and rejects what cannot be one: empty, too long,
// holding digits or control characters, or without a letter.
func CheckName(s string) (string, error) {
	n := NormalizeName(s)
	if n == "" {
		return "", fault.New(fault.Invalid, "thiếu họ tên", "full name is missing")
	}
	if utf8.RuneCountInString(n) > MaxNameRunes {
		return "", fault.Newf(fault.Invalid, "họ tên dài quá %d ký tự", "full name is longer than %d characters", MaxNameRunes)
	}
	letter := false
	for _, r := range n {
		switch {
		case r == utf8.RuneError || unicode.IsControl(r):
			return "", fault.New(fault.Invalid, "họ tên có ký tự không hợp lệ", "full name holds an invalid character")
		case unicode.IsDigit(r):
			return "", fault.Newf(fault.Invalid, "họ tên %q có chữ số", "full name %q holds a digit", n)
		case unicode.IsLetter(r):
			letter = true
		}
	}
	if !letter {
		return "", fault.Newf(fault.Invalid, "họ tên %q không có chữ cái", "full name %q has no letter", n)
	}
	return n, nil
}

// NameKey is the form of a name used to match duplicates: normalised, case-folded,
// NFC, with the tone mark of a final "oa", "oe", "uy" always on the second vowel
// ("Hòa" and "Hoà", "Thủy" and "Thuỷ" are one name written in the old and the new
// placement). Tone marks are otherwise kept: "Nguyễn" and "Nguyên" differ.
func NameKey(s string) string { return foldKey(s) }

// folders hands out case folders: a cases.Caser keeps state and must not be shared
// between goroutines, and readers run concurrently in the server.
var folders = sync.Pool{New: func() any { c := cases.Fold(); return &c }}

// foldKey is NormalizeName, case-folded, with tone placement unified; used for
// names, headers and words read from forms.
func foldKey(s string) string {
	c := folders.Get().(*cases.Caser)
	s = c.String(NormalizeName(s))
	folders.Put(c)
	return norm.NFC.String(moveTones(norm.NFD.String(s)))
}

func isTone(r rune) bool {
	switch r {
	case '\u0300', '\u0301', '\u0303', '\u0309', '\u0323':
		return true
	}
	return false
}

// moveTones rewrites, in NFD text, "o"+tone+"a|e" and "u"+tone+"y" at the end of a
// syllable to carry the tone on the second vowel (the "new" placement).
func moveTones(s string) string {
	rs := []rune(s)
	for i := 0; i+2 < len(rs); i++ {
		first, tone, second := rs[i], rs[i+1], rs[i+2]
		pair := (first == 'o' && (second == 'a' || second == 'e')) || (first == 'u' && second == 'y')
		if !pair || !isTone(tone) {
			continue
		}
		if i+3 < len(rs) && (unicode.IsLetter(rs[i+3]) || isMark(rs[i+3])) {
			continue // not the end of the syllable, or the second vowel has its own mark
		}
		rs[i+1], rs[i+2] = second, tone
	}
	return string(rs)
}

func isMark(r rune) bool { return unicode.Is(unicode.Mn, r) }
