package registry

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/phusong/phusong/internal/fault"
)

// Sex is "M" (nam) or "F" (nữ); "" when a list does not say.
type Sex string

const (
	Male    Sex = "M"
	Female  Sex = "F"
	SexNone Sex = ""
)

// ParseSex reads the sex as files write it: M/F (plain CSV), Nam/Nữ (paper forms),
// 1/0 (VNPT and Viettel templates: 1 nam, 0 nữ) and 2 (nữ in some XML files).
func ParseSex(s string) (Sex, error) {
	switch s { // the plain CSV form, without folding
	case "M":
		return Male, nil
	case "F":
		return Female, nil
	}
	switch foldKey(s) {
	case "m", "nam", "1", "male":
		return Male, nil
	case "f", "nữ", "nu", "0", "2", "female":
		return Female, nil
	}
	return SexNone, fault.Newf(fault.Invalid,
		"giới tính %q không hợp lệ, cần M/F hoặc Nam/Nữ",
		"invalid sex %q, want M/F or Nam/Nữ", s)
}

// NationalID is a 12-digit số định danh cá nhân (the number on the CCCD) split into
// its parts (NĐ 137/2015 Điều 13, forms-and-codes.md §8.5).
type NationalID struct {
	Number    string // the 12 digits
	Province  string // positions 1–3: province of birth registration, e.g. "079"
	Sex       Sex    // from position 4
	BirthYear int    // century from position 4, year from positions 5–6
}

// ParseNationalID checks the structure of a national ID: 12 digits, a known
// birth-registration prefix, and a century/sex digit for a birth year that has
// already happened (20th or 21st century).
func ParseNationalID(s string) (NationalID, error) {
	if !isDigits(s, 12) {
		return NationalID{}, fault.Newf(fault.Invalid,
			"số định danh cá nhân phải gồm đúng 12 chữ số, có %q",
			"national ID must be exactly 12 digits, got %q", s)
	}
	if _, ok := birthProvinces[s[:3]]; !ok {
		return NationalID{}, fault.Newf(fault.Invalid,
			"số định danh %s: mã tỉnh nơi đăng ký khai sinh %s không có trong danh mục 63 tỉnh",
			"national ID %s: birth-registration province prefix %s is not one of the 63 province codes", s, s[:3])
	}
	d := int(s[3] - '0')
	if d > 3 {
		return NationalID{}, fault.Newf(fault.Invalid,
			"số định danh %s: chữ số thứ 4 (%d) chỉ người sinh từ năm 2100, chưa thể có",
			"national ID %s: digit 4 (%d) means born in 2100 or later, which cannot be yet", s, d)
	}
	yy, _ := strconv.Atoi(s[4:6])
	id := NationalID{Number: s, Province: s[:3], Sex: Male, BirthYear: 1900 + 100*(d/2) + yy}
	if d%2 == 1 {
		id.Sex = Female
	}
	return id, nil
}

// Check tells whether the ID agrees with what else is known of the person: the birth
// year (0 when unknown) and the sex (SexNone when unknown).
func (id NationalID) Check(birthYear int, sex Sex) error {
	if birthYear != 0 && birthYear != id.BirthYear {
		return fault.Newf(fault.Invalid,
			"số định danh %s chỉ năm sinh %d (chữ số 4–6), khác năm sinh %d",
			"national ID %s encodes birth year %d (digits 4–6), not %d", id.Number, id.BirthYear, birthYear)
	}
	if sex != SexNone && sex != id.Sex {
		return fault.New(fault.Invalid,
			fmt.Sprintf("số định danh %s chỉ giới tính %s (chữ số thứ 4), khác giới tính %s", id.Number, sexVI(id.Sex), sexVI(sex)),
			fmt.Sprintf("national ID %s encodes sex %s (digit 4), not %s", id.Number, id.Sex, sex))
	}
	return nil
}

// CheckNationalID parses s and checks it against a birth year and sex (0 and SexNone
// when unknown).
func CheckNationalID(s string, birthYear int, sex Sex) (NationalID, error) {
	id, err := ParseNationalID(s)
	if err != nil {
		return id, err
	}
	return id, id.Check(birthYear, sex)
}

func sexVI(s Sex) string {
	if s == Female {
		return "nữ (F)"
	}
	return "nam (M)"
}

// CodeKind tells which identifier a "Mã số BHXH" column held.
type CodeKind string

const (
	// KindBHXH is the 10-digit mã số BHXH (QĐ 595 Điều 2.13).
	KindBHXH CodeKind = "bhxh"
	// KindDDCN is the 12-digit số định danh cá nhân, which replaces the mã số BHXH
	// in transactions from 1/8/2025 (CV 1804/BHXH-QLT).
	KindDDCN CodeKind = "ddcn"
)

// BHXHCode is what a "Mã số BHXH" column holds: a 10-digit code or, since 1/8/2025,
// a 12-digit national ID.
type BHXHCode struct {
	Value string
	Kind  CodeKind
}

// ParseBHXHCode reads a mã số BHXH and tells whether it is the 10-digit BHXH code
// or a 12-digit ĐDCN (which must then be a valid national ID).
func ParseBHXHCode(s string) (BHXHCode, error) {
	switch {
	case isDigits(s, 10):
		return BHXHCode{Value: s, Kind: KindBHXH}, nil
	case isDigits(s, 12):
		if _, err := ParseNationalID(s); err != nil {
			return BHXHCode{}, err
		}
		return BHXHCode{Value: s, Kind: KindDDCN}, nil
	}
	return BHXHCode{}, fault.Newf(fault.Invalid,
		"mã số BHXH phải gồm 10 chữ số (hoặc 12 chữ số định danh cá nhân), có %q",
		"BHXH code must be 10 digits (or a 12-digit national ID), got %q", s)
}

// CardNumber is a mã thẻ BHYT split into its parts. The 15-character form
// (QĐ 1351/QĐ-BHXH) carries all four; the 2021 card (QĐ 1666/QĐ-BHXH) prints only
// the 10-digit code, and then Participant, Level and Province are empty/zero and come
// from other columns.
type CardNumber struct {
	Participant string // mã đối tượng, 2 letters, e.g. "HS"
	Level       int    // mức hưởng 1–5
	Province    string // mã tỉnh phát hành, 2 digits
	BHXHCode    string // the 10-digit mã số BHXH
}

// Full reports whether the number had all four parts (the 15-character form).
func (c CardNumber) Full() bool { return c.Participant != "" }

// String is the 15-character form when known, else the 10-digit code.
func (c CardNumber) String() string {
	if !c.Full() {
		return c.BHXHCode
	}
	return c.Participant + strconv.Itoa(c.Level) + c.Province + c.BHXHCode
}

// ParseCard reads a BHYT card number: 15 characters (letters in any case) or the 10
// digits of the 2021 card. Whether the participant code exists on a date is
// CheckCard's business.
func ParseCard(s string) (CardNumber, error) {
	if isDigits(s, 10) {
		return CardNumber{BHXHCode: s}, nil
	}
	if len(s) != 15 {
		return CardNumber{}, fault.Newf(fault.Invalid,
			"mã thẻ BHYT phải gồm 15 ký tự (hoặc 10 chữ số của thẻ mẫu 2021), có %q",
			"BHYT card number must be 15 characters (or the 10 digits of the 2021 card), got %q", s)
	}
	code := strings.ToUpper(s[:2])
	if !isLetters(code) {
		return CardNumber{}, fault.Newf(fault.Invalid,
			"mã thẻ %q: ký tự 1–2 phải là mã đối tượng gồm 2 chữ cái",
			"card %q: characters 1–2 must be a 2-letter participant code", s)
	}
	if s[2] < '1' || s[2] > '5' {
		return CardNumber{}, fault.Newf(fault.Invalid,
			"mã thẻ %q: ký tự 3 (mức hưởng) phải từ 1 đến 5",
			"card %q: character 3 (benefit level) must be 1 to 5", s)
	}
	if !isDigits(s[3:5], 2) || !KnownCardProvince(s[3:5]) {
		return CardNumber{}, fault.Newf(fault.Invalid,
			"mã thẻ %q: ký tự 4–5 (%s) không phải mã tỉnh phát hành",
			"card %q: characters 4–5 (%s) are not an issuing-province code", s, s[3:5])
	}
	if !isDigits(s[5:], 10) {
		return CardNumber{}, fault.Newf(fault.Invalid,
			"mã thẻ %q: ký tự 6–15 phải là mã số BHXH 10 chữ số",
			"card %q: characters 6–15 must be the 10-digit BHXH code", s)
	}
	return CardNumber{Participant: code, Level: int(s[2] - '0'), Province: s[3:5], BHXHCode: s[5:]}, nil
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}
