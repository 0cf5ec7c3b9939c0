package registry

import (
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/importer"
)

// Read reads a file of one kind (see Kinds) and hands each good row to emit, in file
// order, while no problem has been found; once a row is bad the rest of the file is
// still checked but nothing more is emitted. At the end it returns importer.Problems
// when any row was bad, so the caller rolls back what it wrote: the import is all or
// nothing. An error from emit stops the read and is returned wrapped with the row.
// Memory grows only with the keys kept to find duplicates inside the file, never
// with the rows themselves (an XLSX file itself is held in memory). units may be
// nil: codes are then checked for form only and IDs stay 0.
//
// The file may be CSV or an XLSX workbook, told apart by its content. A plain layout
// is read from the worksheet named like the kind ("persons"), else from the first
// worksheet; its first non-empty row is the header with the CSV layout's column
// names. Text cells are read as typed; date cells and digit codes that Excel stored
// as numbers are read as importer.OpenTable says. Problems give the row as the
// spreadsheet shows it.
func Read(kind, file string, r io.Reader, units Units, emit func(Row) error) error {
	switch strings.ToLower(strings.TrimSpace(kind)) {
	case KindPersons:
		return ReadPersons(file, r, units, func(p Person) error { return emit(p) })
	case KindResidents:
		return ReadResidents(file, r, units, func(p Resident) error { return emit(p) })
	case KindCards:
		return ReadCards(file, r, func(c Card) error { return emit(c) })
	case KindBHXHPeriods:
		return ReadBHXHPeriods(file, r, func(p Period) error { return emit(p) })
	case KindBHTNPeriods:
		return ReadBHTNPeriods(file, r, func(p Period) error { return emit(p) })
	case KindDenominators:
		return ReadDenominators(file, r, units, func(d Denominator) error { return emit(d) })
	case KindTargets:
		return ReadTargets(file, r, units, func(t Target) error { return emit(t) })
	case KindD02, "d02_lt", "d02lt":
		return ReadD02(file, r, units, FormOptions{}, emit)
	case KindD03, "d03_ts", "d03ts":
		return ReadD03(file, r, units, FormOptions{}, emit)
	case KindD05, "d05_ts", "d05ts":
		return ReadD05(file, r, units, FormOptions{}, emit)
	}
	return fault.Newf(fault.Invalid, "loại tệp %q không có; các loại: %s", "unknown file kind %q; kinds: %s", kind, strings.Join(Kinds, ", "))
}

// readTable drives a plain layout of PRODUCT.md §5, given as CSV or as an XLSX
// workbook (importer.OpenTable: the worksheet named like the kind, such as
// "persons", else the first; its first row is the header). parse checks one row and
// reports its problems to the collector; good rows are emitted while the file is
// clean.
//
// keys (may be nil) is the file's check for repeated keys: at the end it reports the
// repeats it could not tell at their row (seen.finish).
func readTable[T any](file string, r io.Reader, kind string, required []string, keys *seen, parse func(*importer.CSV) (T, bool), emit func(T) error) error {
	defer keys.close()
	c := &importer.Collector{File: file}
	f, ok := importer.OpenTable(c, file, r, kind, required...)
	if !ok {
		return c.Err()
	}
	defer f.Close()
	for f.Next() {
		v, ok := parse(f)
		if !ok || c.Count() > 0 {
			continue
		}
		if err := emit(v); err != nil {
			return fmt.Errorf("%s row %d: %w", file, f.Row(), err)
		}
	}
	if err := keys.finish(f); err != nil {
		return err
	}
	return c.Err()
}

var personColumns = []string{"national_id", "bhxh_code", "full_name", "birth_date", "sex", "commune_code", "village_code", "household_id"}

// ReadPersons reads the persons layout (PRODUCT.md §5). Each person needs a national
// ID or a BHXH code (or both); a 12-digit ĐDCN in bhxh_code is taken as the national
// ID (CV 1804). village_code and household_id may be empty. The same national ID or
// BHXH code twice in the file is a problem.
func ReadPersons(file string, r io.Reader, units Units, emit func(Person) error) error {
	seen := newSeen()
	return readTable(file, r, KindPersons, personColumns, seen, func(f *importer.CSV) (Person, bool) {
		p, ok := readPerson(f, units, true)
		ok = seen.onceNum(f, "national_id", pack(p.NationalID, tagID), 0) && ok
		ok = seen.onceNum(f, "bhxh_code", pack(p.BHXHCode, tagCode), 0) && ok
		return p, ok
	}, emit)
}

// ReadResidents reads the residents layout (PRODUCT.md §5): the population database,
// where every resident has a national ID, and it is unique in the file.
func ReadResidents(file string, r io.Reader, units Units, emit func(Resident) error) error {
	seen := newSeen()
	cols := []string{"national_id", "full_name", "birth_date", "sex", "commune_code", "village_code", "household_id"}
	return readTable(file, r, KindResidents, cols, seen, func(f *importer.CSV) (Resident, bool) {
		p, ok := readPerson(f, units, false)
		ok = seen.onceNum(f, "national_id", pack(p.NationalID, tagID), 0) && ok
		return Resident{Row: p.Row, NationalID: p.NationalID, FullName: p.FullName, BirthDate: p.BirthDate,
			Sex: p.Sex, CommuneCode: p.CommuneCode, CommuneID: p.CommuneID, ProvinceCode: p.ProvinceCode,
			VillageCode: p.VillageCode, VillageID: p.VillageID, HouseholdID: p.HouseholdID}, ok
	}, emit)
}

// readPerson reads the columns persons and residents share; withBHXH adds bhxh_code.
func readPerson(f *importer.CSV, units Units, withBHXH bool) (Person, bool) {
	p := Person{Row: f.Row(), NationalID: f.Code("national_id", idWidth...)}
	name, err := CheckName(f.Get("full_name"))
	ok := bad(f, "full_name", err)
	p.FullName = name
	birth, bok := birthDate(f, "birth_date")
	p.BirthDate = birth
	sex, err := ParseSex(f.Get("sex"))
	ok = bad(f, "sex", err) && bok && ok
	p.Sex = sex
	if withBHXH {
		ok = readBHXHColumn(f, &p) && ok
	} else if p.NationalID == "" {
		f.Bad("national_id", "thiếu số định danh cá nhân", "national ID is missing")
		ok = false
	}
	if p.NationalID != "" {
		year := 0
		if bok {
			year = birth.Year()
		}
		_, err := CheckNationalID(p.NationalID, year, p.Sex)
		ok = badCode(f, "national_id", p.NationalID, err) && ok
	}
	return p, readResidence(f, units, &p) && ok
}

// birthDate reads an ISO birth date no earlier than 1900 (civil.Min).
func birthDate(f *importer.CSV, col string) (civil.Date, bool) {
	d, ok := f.Date(col, false)
	if ok && d < civil.Min {
		f.Bad(col, "ngày sinh trước năm 1900", "birth date before 1900")
		return d, false
	}
	return d, ok
}

// readBHXHColumn reads bhxh_code of a person: 10 digits, or a 12-digit ĐDCN that is
// then the national ID (CV 1804) and must agree with national_id when both are given.
func readBHXHColumn(f *importer.CSV, p *Person) bool {
	v := f.Code("bhxh_code", bhxhWidths...)
	if v == "" {
		if p.NationalID == "" {
			f.Bad("national_id", "cần số định danh cá nhân hoặc mã số BHXH", "a national ID or a BHXH code is needed")
			return false
		}
		return true
	}
	code, err := ParseBHXHCode(v)
	if !badCode(f, "bhxh_code", v, err) {
		return false
	}
	if code.Kind == KindBHXH {
		p.BHXHCode = code.Value
		return true
	}
	if p.NationalID != "" && p.NationalID != code.Value {
		f.Bad("bhxh_code", "mã số BHXH là số định danh "+code.Value+" khác national_id "+p.NationalID,
			"bhxh_code holds national ID "+code.Value+", which differs from national_id "+p.NationalID)
		return false
	}
	p.NationalID = code.Value
	return true
}

// readResidence resolves commune_code (required) and village_code and reads
// household_id (both optional).
func readResidence(f *importer.CSV, units Units, p *Person) bool {
	p.CommuneCode, p.VillageCode, p.HouseholdID = f.Code("commune_code", communeWidth...), f.Get("village_code"), f.Get("household_id")
	ok := true
	if p.CommuneCode == "" {
		f.Bad("commune_code", "thiếu mã xã", "commune code is missing")
		return false
	}
	if units != nil {
		id, prov, found := units.Commune(p.CommuneCode)
		if !found {
			f.Bad("commune_code", "không có xã mã "+strconv.Quote(p.CommuneCode)+" vào ngày nhập", "no commune with code "+strconv.Quote(p.CommuneCode)+" on the import date")
			return false
		}
		p.CommuneID, p.ProvinceCode = id, prov
		if p.VillageCode != "" {
			vid, vok := units.Village(id, p.VillageCode)
			if !vok {
				vi, en := zerosHint(f, p.VillageCode)
				f.Bad("village_code", "xã "+p.CommuneCode+" không có thôn/tổ mã "+strconv.Quote(p.VillageCode)+vi, "commune "+p.CommuneCode+" has no village with code "+strconv.Quote(p.VillageCode)+en)
				ok = false
			}
			p.VillageID = vid
		}
	}
	if !plainText(p.HouseholdID, MaxCodeLen) {
		f.Bad("household_id", "mã hộ gia đình không hợp lệ", "invalid household ID")
		ok = false
	}
	return ok
}

// The digit codes a workbook may hold as numbers, with the leading zeros each can
// have (importer.Width): a national ID begins with its province 001–096 (NĐ 137/2015
// Điều 13); a BHXH code, the numeric card number and a facility code with a 2-digit
// province; a commune code is 5 digits, 00001 to 32xxx.
var (
	idWidth       = []importer.Width{{Digits: 12, Zeros: 2}}
	bhxhWidths    = []importer.Width{{Digits: 10, Zeros: 1}, {Digits: 12, Zeros: 2}}
	communeWidth  = []importer.Width{{Digits: 5, Zeros: 4}}
	provinceWidth = []importer.Width{{Digits: 2, Zeros: 1}}
	facilityWidth = []importer.Width{{Digits: 5, Zeros: 1}}
)

// zerosHint completes a problem about a code of digits that a workbook may have
// stored as a number, dropping its leading zeros, where no fixed width tells how
// many (unit and village codes): it says how to fix the file.
func zerosHint(f *importer.CSV, code string) (vi, en string) {
	if !f.Workbook() || code == "" || code[0] == '0' || !isDigits(code, len(code)) {
		return "", ""
	}
	return "; nếu Excel lưu mã dạng số thì đã bỏ các số 0 ở đầu: định dạng cột là Văn bản (Text) rồi nhập lại mã",
		"; if Excel stored the code as a number it dropped the leading zeros: format the column as Text and enter the codes again"
}

// MaxCodeLen bounds free-form codes (household, employer, unit, village).
const MaxCodeLen = 40

// plainText reports whether s is at most n bytes without control characters.
func plainText(s string, n int) bool {
	if len(s) > n {
		return false
	}
	for _, r := range s {
		if r < ' ' || r == 0x7f || r == 0xFFFD {
			return false
		}
	}
	return true
}

// bad records err (bilingual) on a column of the current row; true when err is nil.
func bad(f *importer.CSV, col string, err error) bool {
	if err == nil {
		return true
	}
	vi, en := fault.Messages(err)
	f.Bad(col, vi, en)
	return false
}

// badCode is bad for a digit code, telling how to fix a workbook that stored it as a
// number.
func badCode(f *importer.CSV, col, code string, err error) bool {
	if err == nil {
		return true
	}
	vi, en := fault.Messages(err)
	hvi, hen := zerosHint(f, code)
	f.Bad(col, vi+hvi, en+hen)
	return false
}

// packCard packs a card number (15 characters or 10 digits) into 55 bits: the BHXH
// code, the province, the level and the two letters; 0 when it is not one.
func packCard(c CardNumber) uint64 {
	code, err := strconv.ParseUint(c.BHXHCode, 10, 64)
	if err != nil {
		return 0
	}
	v := code // < 2^34
	if c.Full() {
		prov, _ := strconv.Atoi(c.Province)
		v |= uint64(prov)<<34 | uint64(c.Level)<<41 | uint64(c.Participant[0]-'A'+1)<<44 | uint64(c.Participant[1]-'A'+1)<<49
	}
	return v | 1<<56
}

// fnv64 hashes the text part of a period key; it is paired with the exact BHXH code,
// so a collision would need two periods of one person to hash alike.
func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

var cardColumns = []string{"card_no", "bhxh_code", "group_code", "benefit_level", "valid_from", "valid_to", "issuing_province"}

// ReadCards reads the bhyt_cards layout (PRODUCT.md §5). A 15-character card_no must
// agree with group_code, benefit_level, issuing_province and bhxh_code; the group code
// must be in force on valid_from, which also fixes the payer group. The optional
// column initial_facility holds the 5-character facility code. The same card_no
// with the same valid_from twice is a problem.
func ReadCards(file string, r io.Reader, emit func(Card) error) error {
	seen := newSeen()
	codes := DefaultCodes()
	return readTable(file, r, KindCards, cardColumns, seen, func(f *importer.CSV) (Card, bool) {
		c, ok := readCard(f, codes)
		if ok {
			num, _ := ParseCard(c.CardNo)
			ok = seen.onceNum(f, "card_no", packCard(num), uint64(uint32(c.ValidFrom)))
		}
		return c, ok
	}, emit)
}

func readCard(f *importer.CSV, codes *CodeTable) (Card, bool) {
	c := Card{Row: f.Row(), IssuingProvince: f.Code("issuing_province", provinceWidth...)}
	group, gok := f.Required("group_code")
	c.GroupCode = strings.ToUpper(group)
	cardNo := f.Code("card_no", bhxhWidths[0])
	num, err := ParseCard(cardNo)
	ok := badCode(f, "card_no", cardNo, err) && gok
	c.CardNo = num.String()
	from, fok := f.Date("valid_from", false)
	to, tok := f.Date("valid_to", true)
	c.ValidFrom, c.ValidTo = from, to
	if fok && tok && to < from {
		f.Bad("valid_to", "ngày hết hạn trước ngày bắt đầu", "valid_to is before valid_from")
		tok = false
	}
	lvl, lok := f.Int("benefit_level")
	if lok && (lvl < 1 || lvl > 5) {
		f.Bad("benefit_level", "mức hưởng phải từ 1 đến 5", "benefit level must be 1 to 5")
		lok = false
	}
	c.BenefitLevel = int(lvl)
	ok = cardCode(f, &c, num, ok) && fok && tok && lok && ok
	if !KnownCardProvince(c.IssuingProvince) {
		f.Bad("issuing_province", "mã tỉnh phát hành "+strconv.Quote(c.IssuingProvince)+" không hợp lệ", "invalid issuing-province code "+strconv.Quote(c.IssuingProvince))
		ok = false
	}
	if fok && c.GroupCode != "" {
		pc, err := codes.Check(c.GroupCode, from)
		ok = bad(f, "group_code", err) && ok
		c.PayerGroup = pc.Payer
	}
	c.InitialFacility = strings.ToUpper(f.Code("initial_facility", facilityWidth...))
	if c.InitialFacility != "" && !facilityCode(c.InitialFacility) {
		f.Bad("initial_facility", "mã nơi ĐK KCB ban đầu phải gồm 5 ký tự", "initial facility code must be 5 characters")
		ok = false
	}
	return c, ok && (!num.Full() || agrees(f, c, num))
}

// cardCode reads bhxh_code of a card: the 10-digit code, which must be the last 10
// digits of the card number, or a ĐDCN kept as NationalID.
func cardCode(f *importer.CSV, c *Card, num CardNumber, numOK bool) bool {
	v := f.Code("bhxh_code", bhxhWidths...)
	code, err := ParseBHXHCode(v)
	if !badCode(f, "bhxh_code", v, err) {
		return false
	}
	c.BHXHCode = num.BHXHCode
	if code.Kind == KindDDCN {
		c.NationalID = code.Value
		return true
	}
	c.BHXHCode = code.Value
	if numOK && code.Value != num.BHXHCode {
		f.Bad("bhxh_code", "mã số BHXH khác 10 chữ số cuối của mã thẻ "+num.String(), "BHXH code differs from the last 10 digits of card "+num.String())
		return false
	}
	return true
}

// agrees checks the parts of a 15-character card number against their columns.
func agrees(f *importer.CSV, c Card, num CardNumber) bool {
	ok := true
	if c.GroupCode != num.Participant {
		f.Bad("group_code", "mã đối tượng "+c.GroupCode+" khác ký tự 1–2 của mã thẻ ("+num.Participant+")", "group code "+c.GroupCode+" differs from card characters 1–2 ("+num.Participant+")")
		ok = false
	}
	if c.BenefitLevel != num.Level {
		f.Bad("benefit_level", fmt.Sprintf("mức hưởng %d khác ký tự 3 của mã thẻ (%d)", c.BenefitLevel, num.Level), fmt.Sprintf("benefit level %d differs from card character 3 (%d)", c.BenefitLevel, num.Level))
		ok = false
	}
	if c.IssuingProvince != num.Province {
		f.Bad("issuing_province", "mã tỉnh "+c.IssuingProvince+" khác ký tự 4–5 của mã thẻ ("+num.Province+")", "issuing province "+c.IssuingProvince+" differs from card characters 4–5 ("+num.Province+")")
		ok = false
	}
	return ok
}

// facilityCode: 2-digit province + 3 letters or digits ("01001", forms-and-codes §8.6).
func facilityCode(s string) bool {
	if len(s) != 5 || !isDigits(s[:2], 2) {
		return false
	}
	for i := 2; i < 5; i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'A' && s[i] <= 'Z') {
			return false
		}
	}
	return true
}

var periodColumns = []string{"bhxh_code", "employer_code", "valid_from", "valid_to", "salary"}

// ReadBHXHPeriods reads the bhxh_periods layout (PRODUCT.md §5): kind is compulsory
// or voluntary; employer_code is required for compulsory periods and may be empty
// for voluntary ones. The same (code, scheme, employer, valid_from) twice is a problem.
func ReadBHXHPeriods(file string, r io.Reader, emit func(Period) error) error {
	seen := newSeen()
	cols := append([]string{"kind"}, periodColumns...)
	return readTable(file, r, KindBHXHPeriods, cols, seen, func(f *importer.CSV) (Period, bool) {
		p := Period{}
		ok := true
		switch strings.ToLower(f.Get("kind")) {
		case "compulsory":
			p.Scheme = BHXHCompulsory
		case "voluntary":
			p.Scheme = BHXHVoluntary
		default:
			f.Bad("kind", "loại phải là compulsory hoặc voluntary, có "+strconv.Quote(f.Get("kind")), "kind must be compulsory or voluntary, got "+strconv.Quote(f.Get("kind")))
			ok = false
		}
		return readPeriod(f, p, seen, ok)
	}, emit)
}

// ReadBHTNPeriods reads the bhtn_periods layout (PRODUCT.md §5); employer_code is
// required.
func ReadBHTNPeriods(file string, r io.Reader, emit func(Period) error) error {
	seen := newSeen()
	return readTable(file, r, KindBHTNPeriods, periodColumns, seen, func(f *importer.CSV) (Period, bool) {
		return readPeriod(f, Period{Scheme: BHTN}, seen, true)
	}, emit)
}

func readPeriod(f *importer.CSV, p Period, seen *seen, ok bool) (Period, bool) {
	p.Row = f.Row()
	v := f.Code("bhxh_code", bhxhWidths...)
	code, err := ParseBHXHCode(v)
	ok = badCode(f, "bhxh_code", v, err) && ok
	if code.Kind == KindDDCN {
		p.NationalID = code.Value
	} else {
		p.BHXHCode = code.Value
	}
	p.EmployerCode = f.Get("employer_code")
	if p.EmployerCode == "" && p.Scheme != BHXHVoluntary {
		f.Bad("employer_code", "thiếu mã đơn vị sử dụng lao động", "employer code is missing")
		ok = false
	} else if !employerCode(p.EmployerCode) {
		f.Bad("employer_code", "mã đơn vị "+strconv.Quote(p.EmployerCode)+" không hợp lệ", "invalid employer code "+strconv.Quote(p.EmployerCode))
		ok = false
	}
	from, fok := f.Date("valid_from", false)
	to, tok := f.Date("valid_to", true)
	p.ValidFrom, p.ValidTo = from, to
	if fok && tok && to < from {
		f.Bad("valid_to", "ngày kết thúc trước ngày bắt đầu", "valid_to is before valid_from")
		tok = false
	}
	salary, sok := f.Int("salary")
	if sok && salary <= 0 {
		f.Bad("salary", "tiền lương/thu nhập phải lớn hơn 0", "salary or income must be more than 0")
		sok = false
	}
	p.Salary = salary
	ok = ok && fok && tok && sok
	if ok {
		id, _ := strconv.ParseUint(code.Value, 10, 64)
		ok = seen.onceNum(f, "valid_from", id|1<<60, fnv64(string(p.Scheme)+"|"+p.EmployerCode+"|"+from.String()))
	}
	return p, ok
}

// employerCode: letters, digits and - _ . / up to MaxCodeLen (CV 1804 unit codes such
// as 0123456789DNA03, older codes such as TA0001A).
func employerCode(s string) bool {
	if len(s) > MaxCodeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || strings.IndexByte("-_./", b) >= 0) {
			return false
		}
	}
	return true
}

// ReadDenominators reads the denominators layout (PRODUCT.md §5): the unit must exist
// on the import date; labour force cannot exceed population; one row per unit and
// year.
func ReadDenominators(file string, r io.Reader, units Units, emit func(Denominator) error) error {
	seen := newSeen()
	return readTable(file, r, KindDenominators, []string{"unit_code", "year", "population", "labour_force"}, seen, func(f *importer.CSV) (Denominator, bool) {
		d := Denominator{Row: f.Row()}
		var ok bool
		d.UnitCode, d.UnitID, ok = readUnit(f, units)
		year, yok := f.Int("year")
		if yok && (year < 1900 || year > 2200) {
			f.Bad("year", "năm ngoài khoảng 1900–2200", "year outside 1900–2200")
			yok = false
		}
		d.Year = int(year)
		pop, pok := count(f, "population")
		lab, lok := count(f, "labour_force")
		d.Population, d.LabourForce = pop, lab
		if pok && lok && lab > pop {
			f.Bad("labour_force", "lực lượng lao động lớn hơn dân số", "labour force is larger than population")
			lok = false
		}
		ok = ok && yok && pok && lok
		if ok {
			ok = seen.once(f, "year", "den", d.UnitCode+"|"+strconv.Itoa(d.Year))
		}
		return d, ok
	}, emit)
}

func count(f *importer.CSV, col string) (int64, bool) {
	n, ok := f.Int(col)
	if ok && n < 0 {
		f.Bad(col, "số âm", "negative number")
		return n, false
	}
	return n, ok
}

func readUnit(f *importer.CSV, units Units) (string, int64, bool) {
	code, ok := f.Required("unit_code")
	if !ok {
		return code, 0, false
	}
	if !plainText(code, MaxCodeLen) {
		f.Bad("unit_code", "mã đơn vị hành chính không hợp lệ", "invalid unit code")
		return code, 0, false
	}
	if units == nil {
		return code, 0, true
	}
	id, found := units.Unit(code)
	if !found {
		vi, en := zerosHint(f, code)
		f.Bad("unit_code", "không có đơn vị hành chính mã "+strconv.Quote(code)+" vào ngày nhập"+vi, "no administrative unit with code "+strconv.Quote(code)+" on the import date"+en)
	}
	return code, id, found
}

// ReadTargets reads the targets layout (PRODUCT.md §5): value is an exact decimal
// (at most 100 for the percentage indicators, a whole number for
// voluntary_bhxh_count); document names the decision that set it. One row per unit,
// indicator and deadline.
func ReadTargets(file string, r io.Reader, units Units, emit func(Target) error) error {
	seen := newSeen()
	return readTable(file, r, KindTargets, []string{"unit_code", "indicator", "deadline", "value", "document"}, seen, func(f *importer.CSV) (Target, bool) {
		t := Target{Row: f.Row(), Indicator: Indicator(strings.ToLower(f.Get("indicator"))), Value: f.Get("value"), Document: f.Get("document")}
		var ok bool
		t.UnitCode, t.UnitID, ok = readUnit(f, units)
		iok := t.Indicator.Valid()
		if !iok {
			f.Bad("indicator", "chỉ tiêu "+strconv.Quote(string(t.Indicator))+" không có", "unknown indicator "+strconv.Quote(string(t.Indicator)))
		}
		d, dok := f.Date("deadline", false)
		t.Deadline = d
		vok := !iok || checkTargetValue(f, t)
		if t.Document == "" || !plainText(t.Document, 200) {
			f.Bad("document", "cần số, ký hiệu văn bản giao chỉ tiêu (tối đa 200 ký tự)", "the document that set the target is needed (at most 200 characters)")
			ok = false
		}
		ok = ok && iok && dok && vok
		if ok {
			ok = seen.once(f, "deadline", "target", t.UnitCode+"|"+string(t.Indicator)+"|"+d.String())
		}
		return t, ok
	}, emit)
}

// Valid reports whether i is one of the four indicators.
func (i Indicator) Valid() bool {
	for _, x := range Indicators {
		if i == x {
			return true
		}
	}
	return false
}

func checkTargetValue(f *importer.CSV, t Target) bool {
	v, ok := decimal(t.Value)
	switch {
	case !ok:
		f.Bad("value", "giá trị phải là số thập phân không âm viết bằng dấu chấm, có "+strconv.Quote(t.Value), "value must be a non-negative decimal with a point, got "+strconv.Quote(t.Value))
	case t.Indicator.Percent() && v.Cmp(big.NewRat(100, 1)) > 0:
		f.Bad("value", "tỷ lệ không thể quá 100", "a percentage cannot exceed 100")
	case !t.Indicator.Percent() && !v.IsInt():
		f.Bad("value", "số người phải là số nguyên", "a count must be a whole number")
	default:
		return true
	}
	return false
}

// decimal reads a plain non-negative decimal ("95.15", "1200"); big.Rat alone would
// also take "1/3" and "1e5".
func decimal(s string) (*big.Rat, bool) {
	whole, frac, point := strings.Cut(s, ".")
	if !isDigits(whole, len(whole)) || whole == "" || len(s) > 30 || (point && (frac == "" || !isDigits(frac, len(frac)))) {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}
