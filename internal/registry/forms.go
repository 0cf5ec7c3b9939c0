package registry

import (
	"fmt"
	"io"
	"strings"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/importer"
)

// FormOptions complete what a BHXH list may leave to its title block. A value set
// here wins over the title block.
type FormOptions struct {
	// EmployerCode is the employer of a D02-LT (its "Mã đơn vị").
	EmployerCode string
	// ParticipantCode is the mã đối tượng of a D03-TS list, when neither a column
	// nor the title block's "Mã đối tượng" gives it.
	ParticipantCode string
	// IssuingProvince is the 2-digit province issuing the cards of a D03-TS list;
	// otherwise it is taken from the facility code, else left empty.
	IssuingProvince string
}

// Fields shared by the three lists (forms-and-codes.md §2.2, §3.2, §4.1, and the
// vendor templates of §2.4 and §3.3).
var (
	fSTT     = field("stt", "STT")
	fName    = field("name", "Họ và tên", "Họ tên", "Họ, chữ đệm và tên", "Họ và tên người tham gia")
	fBHXH    = field("bhxh", "Mã số BHXH", "Mã số bảo hiểm xã hội", "Mã BHXH", "Mã số BHXH/Số định danh cá nhân")
	fCCCD    = field("cccd", "Số CCCD/CMND/Hộ chiếu", "Số CCCD/ĐDCN/Hộ chiếu", "Số CCCD", "CCCD", "CMND/CCCD", "Số CCCD/CMND", "Số định danh cá nhân", "Số ĐDCN/CCCD")
	fBirth   = field("birth", "Ngày, tháng, năm sinh", "Ngày sinh", "Ngày tháng năm sinh")
	fSex     = field("sex", "Giới tính")
	fCommune = field("commune", "Mã xã", "Mã xã đang sinh sống", "Mã xã nơi cư trú")
)

var d02Spec = &formSpec{
	name: "D02-LT",
	fields: []formField{fSTT, fName, fBHXH, fBirth, fSex, fCCCD, fCommune,
		field("salary", "Hệ số/Mức lương", "Mức lương", "Tiền lương", "Hệ số lương/Mức lương"),
		field("allow_position", "Phụ cấp – Chức vụ", "Phụ cấp chức vụ"),
		field("allow_wage", "Phụ cấp – Phụ cấp lương", "Phụ cấp lương"),
		field("allow_extra", "Phụ cấp – Các khoản bổ sung", "Các khoản bổ sung"),
		field("contract_open", "HĐLĐ không xác định thời hạn – Ngày bắt đầu", "HĐLĐ không xác định thời hạn Ngày bắt đầu", "HĐLĐ không xác định thời hạn"),
		field("contract_fixed", "HĐLĐ xác định thời hạn – Ngày bắt đầu", "HĐLĐ xác định thời hạn Ngày bắt đầu"),
		field("contract_other", "HĐLĐ khác – Ngày bắt đầu", "HĐLĐ khác Ngày bắt đầu"),
		field("start", "Thời điểm đơn vị bắt đầu đóng BHXH", "Thời điểm bắt đầu đóng BHXH", "Từ tháng", "Tháng/năm bắt đầu"),
		field("end", "Thời điểm đơn vị kết thúc đóng BHXH", "Thời điểm kết thúc đóng BHXH", "Đến tháng", "Tháng/năm kết thúc"),
	},
	required: []string{"name", "bhxh", "salary"},
	titles:   []string{"mã đơn vị"},
}

var d03Spec = &formSpec{
	name: "D03-TS",
	fields: []formField{fSTT, fName, fBHXH, fCCCD, fBirth, fSex, fCommune,
		field("facility", "Nơi đăng ký KCB ban đầu", "Nơi ĐK KCB ban đầu", "Mã bệnh viện", "Mã nơi đăng ký KCB ban đầu"),
		field("from", "Từ tháng", "Từ ngày", "Từ tháng (thời điểm thẻ có giá trị)"),
		field("months", "Số tháng đóng", "Số tháng"),
		field("group", "Mã đối tượng"),
		field("level", "Mức hưởng", "Mức hưởng BHYT", "Mã quyền lợi"),
	},
	required: []string{"name", "bhxh", "from", "months"},
	titles:   []string{"mã đối tượng", "mã đơn vị"},
}

var d05Spec = &formSpec{
	name: "D05-TS",
	fields: []formField{fSTT, fName, fBHXH, fCCCD, fBirth, fSex, fCommune,
		field("income", "Mức thu nhập tháng đóng", "Mức thu nhập", "Mức thu nhập làm căn cứ đóng", "Mức tiền đóng"),
		field("months", "Phương thức đóng – Số tháng", "Số tháng", "Phương thức đóng số tháng"),
		field("from", "Phương thức đóng – Từ tháng/năm", "Từ tháng/năm", "Từ tháng", "Phương thức đóng từ tháng năm"),
	},
	required: []string{"name", "bhxh", "income", "months", "from"},
}

// section is the part of a BHXH list a row is in: I. Tăng (increase) or II. Giảm.
type section int

const (
	increase section = iota
	decrease
)

// sectionOf recognises "I. Tăng", "II. Giảm", "Tăng", "Giảm" in a row's first
// non-empty cell.
func sectionOf(cells []string) (section, bool) {
	for j := range cells {
		c := cell(cells, j)
		if c == "" {
			continue
		}
		k := wordsKey(c)
		for _, roman := range []string{"iii ", "ii ", "i "} {
			k = strings.TrimPrefix(k, roman)
		}
		switch {
		case strings.HasPrefix(k, "tăng"):
			return increase, true
		case strings.HasPrefix(k, "giảm"):
			return decrease, true
		}
		return 0, false
	}
	return 0, false
}

// readForm drives a BHXH list: find the header, then hand each person row to handle,
// which returns the rows it makes; they are emitted while the file is clean.
func readForm(file string, r io.Reader, spec *formSpec, handle func(*formRow, *formHeader, section) []Row, emit func(Row) error) error {
	c := &importer.Collector{File: file}
	wb, err := openWorkbook(file, r)
	if err != nil {
		c.CannotOpen(err)
		return c.Err()
	}
	defer wb.Close()
	var emitErr error
	found := false
	err = wb.sheets(func(s sheet) bool {
		rs := &lookahead{sheet: s}
		h, ok := findHeader(rs, spec)
		if !ok {
			if s.Err() != nil {
				c.Add(s.Row(), 0, "", "không đọc được tệp: "+s.Err().Error(), "cannot read the file: "+s.Err().Error())
				found = true
			}
			return found
		}
		found = true
		h.date1904 = wb.date1904()
		if !h.missingColumns(c, spec) {
			return true
		}
		emitErr = formRows(c, rs, h, handle, emit)
		return true
	})
	if err != nil {
		c.Add(0, 0, "", "tệp XLSX hỏng: "+err.Error(), "broken XLSX file: "+err.Error())
	}
	if emitErr != nil {
		return emitErr
	}
	if !found {
		c.Add(0, 0, "", "không tìm thấy dòng tiêu đề "+spec.name+" (có \"Họ và tên\" và \"Mã số BHXH\")",
			"no "+spec.name+" header row found (with \"Họ và tên\" and \"Mã số BHXH\")")
	}
	return c.Err()
}

func formRows(c *importer.Collector, rs *lookahead, h *formHeader, handle func(*formRow, *formHeader, section) []Row, emit func(Row) error) error {
	sec := increase
	for rs.Next() {
		fr := &formRow{c: c, h: h, row: rs.Row(), cells: rs.Cells(), ok: true}
		if fr.get("bhxh") == "" && fr.get("cccd") == "" {
			if s, ok := sectionOf(fr.cells); ok {
				sec = s
			} else if stt := fr.get("stt"); stt != "" && isDigits(stt, len(stt)) && fr.get("name") != "" {
				fr.bad("bhxh", "thiếu mã số BHXH và số CCCD", "both the BHXH code and the national ID are missing")
			}
			continue // title, group, total and signature rows
		}
		rows := handle(fr, h, sec)
		if !fr.ok || c.Count() > 0 {
			continue
		}
		for _, row := range rows {
			if err := emit(row); err != nil {
				return fmt.Errorf("%s row %d: %w", c.File, fr.row, err)
			}
		}
	}
	if err := rs.Err(); err != nil {
		c.Add(rs.Row(), 0, "", "không đọc được dòng: "+err.Error(), "cannot read row: "+err.Error())
	}
	return nil
}

// formPerson reads who a list row is about. The "Mã số BHXH" column may hold a
// 10-digit code or a 12-digit ĐDCN (CV 1804); the ID column a 12-digit national ID
// (checked against birth year and sex), or an old 9-digit CMND or a passport number,
// which are not kept.
func formPerson(fr *formRow, units Units) Person {
	p := Person{Row: fr.row, BirthPrecision: PrecisionUnknown}
	name, err := CheckName(fr.get("name"))
	fr.badErr("name", err)
	p.FullName = name
	code, err := ParseBHXHCode(fr.get("bhxh"))
	if fr.get("bhxh") != "" && fr.badErr("bhxh", err) {
		if code.Kind == KindDDCN {
			p.NationalID = code.Value
		} else {
			p.BHXHCode = code.Value
		}
	}
	if fr.has("birth") {
		p.BirthDate, p.BirthPrecision, _ = fr.date("birth", false)
	}
	if v := fr.get("sex"); v != "" {
		p.Sex, err = ParseSex(v)
		fr.badErr("sex", err)
	}
	formNationalID(fr, &p)
	formCommune(fr, units, &p)
	return p
}

func formNationalID(fr *formRow, p *Person) {
	v := fr.get("cccd")
	if !isDigits(v, 12) {
		if p.NationalID != "" {
			fr.nationalCheck("bhxh", p)
		}
		return
	}
	if p.NationalID != "" && p.NationalID != v {
		fr.bad("cccd", "số CCCD "+v+" khác số định danh ở cột Mã số BHXH ("+p.NationalID+")", "national ID "+v+" differs from the one in the BHXH code column ("+p.NationalID+")")
		return
	}
	p.NationalID = v
	fr.nationalCheck("cccd", p)
}

func (fr *formRow) nationalCheck(key string, p *Person) {
	year := 0
	if p.BirthPrecision != PrecisionUnknown {
		year = p.BirthDate.Year()
	}
	_, err := CheckNationalID(p.NationalID, year, p.Sex)
	fr.badErr(key, err)
}

func formCommune(fr *formRow, units Units, p *Person) {
	p.CommuneCode = fr.get("commune")
	if p.CommuneCode == "" || units == nil {
		return
	}
	id, prov, ok := units.Commune(p.CommuneCode)
	if !ok {
		fr.bad("commune", "không có xã mã "+p.CommuneCode+" vào ngày nhập", "no commune with code "+p.CommuneCode+" on the import date")
		return
	}
	p.CommuneID, p.ProvinceCode = id, prov
}

// ReadD02 reads a D02-LT (QĐ 1040/QĐ-BHXH): the employer's list of employees in
// BHXH, BHYT and BHTN. Each employee gives a Person and, for the employer, periods of
// compulsory BHXH, employer-paid BHYT and BHTN from the month the employer started
// paying (column 25, else the earliest contract start) to the month it stopped
// (column 26, last day; empty: open). Salary is column 12 plus the allowances paid as
// amounts (columns 13, 16, 17); a hệ số is kept as SalaryCoefficient. BHTN is left
// out when the only contract is "HĐLĐ khác" (under one month, probation).
func ReadD02(file string, r io.Reader, units Units, opt FormOptions, emit func(Row) error) error {
	told := false
	return readForm(file, r, d02Spec, func(fr *formRow, h *formHeader, _ section) []Row {
		employer := opt.EmployerCode
		if employer == "" {
			employer = h.title["mã đơn vị"]
		}
		if (employer == "" || !employerCode(employer)) && !told {
			told = true
			fr.ok = false
			fr.c.Add(h.row, 0, "Mã đơn vị", "thiếu hoặc sai \"Mã đơn vị\" ở phần đầu D02-LT", "the D02-LT title block has no valid \"Mã đơn vị\" (employer code)")
		}
		p := formPerson(fr, units)
		base := Period{Row: fr.row, BHXHCode: p.BHXHCode, NationalID: p.NationalID, EmployerCode: employer}
		base.ValidFrom, base.ValidTo = d02Span(fr)
		base.Salary, base.SalaryCoefficient = d02Salary(fr)
		rows := []Row{p}
		for _, s := range []Scheme{BHXHCompulsory, BHYTCompulsory, BHTN} {
			if s == BHTN && d02OnlyShortContract(fr) {
				continue
			}
			q := base
			q.Scheme = s
			rows = append(rows, q)
		}
		return rows
	}, emit)
}

func d02Span(fr *formRow) (civil.Date, civil.Date) {
	from, ok := fr.month("start", false)
	if ok && from == 0 && fr.get("start") == "" {
		for _, key := range []string{"contract_open", "contract_fixed", "contract_other"} {
			d, p, dok := fr.date(key, false)
			if dok && p != PrecisionUnknown && (from == 0 || d < from) {
				from = d
			}
		}
		if from == 0 {
			fr.bad("start", "thiếu thời điểm bắt đầu đóng (cột 25) và ngày bắt đầu hợp đồng", "the month contributions start (column 25) and the contract start are both missing")
		}
	}
	to := civil.Max
	if end, eok := fr.month("end", false); eok && end != 0 {
		to = end.MonthEnd()
		if to < from {
			fr.bad("end", "tháng kết thúc trước tháng bắt đầu", "end month is before the start month")
		}
	}
	return from, to
}

func d02Salary(fr *formRow) (int64, string) {
	n, coef, ok := fr.amount("salary", true)
	if !ok || coef != "" {
		return 0, coef
	}
	for _, key := range []string{"allow_position", "allow_wage", "allow_extra"} {
		a, acoef, aok := fr.amount(key, false)
		if aok && acoef == "" {
			n += a
		}
	}
	if n <= 0 {
		fr.bad("salary", "tiền lương phải lớn hơn 0", "salary must be more than 0")
	}
	return n, ""
}

func d02OnlyShortContract(fr *formRow) bool {
	return fr.get("contract_other") != "" && fr.get("contract_open") == "" && fr.get("contract_fixed") == ""
}

// ReadD03 reads a D03-TS (QĐ 490/QĐ-BHXH): people taking part only in BHYT. Each row
// gives a Person and, under "I. Tăng", a Card valid from "Từ tháng" for "Số tháng"
// months (last day included); under "II. Giảm", a Stop of scheme BHYT from that
// month. The participant code comes from a "Mã đối tượng" column, the title block or
// opt; the benefit level from a "Mức hưởng" column, else the code table on the start
// date. The card number is the 10-digit code (the 2021 card).
func ReadD03(file string, r io.Reader, units Units, opt FormOptions, emit func(Row) error) error {
	codes := DefaultCodes()
	return readForm(file, r, d03Spec, func(fr *formRow, h *formHeader, sec section) []Row {
		p := formPerson(fr, units)
		from, fok := fr.month("from", true)
		if sec == decrease {
			return []Row{p, Stop{Row: fr.row, Scheme: BHYT, BHXHCode: p.BHXHCode, NationalID: p.NationalID, From: from}}
		}
		n, nok := fr.months("months")
		card := Card{Row: fr.row, CardNo: p.BHXHCode, BHXHCode: p.BHXHCode, NationalID: p.NationalID, ValidFrom: from}
		if fok && nok {
			card.ValidTo = from.AddMonths(n).AddDays(-1)
		}
		d03Group(fr, h, opt, codes, &card, fok)
		d03Facility(fr, opt, &card)
		return []Row{p, card}
	}, emit)
}

func d03Group(fr *formRow, h *formHeader, opt FormOptions, codes *CodeTable, card *Card, dated bool) {
	card.GroupCode = strings.ToUpper(fr.get("group"))
	if card.GroupCode == "" {
		card.GroupCode = strings.ToUpper(opt.ParticipantCode)
	}
	if card.GroupCode == "" {
		card.GroupCode = strings.ToUpper(h.title["mã đối tượng"])
	}
	if card.GroupCode == "" {
		fr.bad("group", "không biết mã đối tượng: cần cột hoặc dòng \"Mã đối tượng\" ở phần đầu", "participant code unknown: a \"Mã đối tượng\" column or title line is needed")
		return
	}
	if !dated {
		return
	}
	pc, err := codes.Check(card.GroupCode, card.ValidFrom)
	if !fr.badErr("group", err) {
		return
	}
	card.PayerGroup, card.BenefitLevel = pc.Payer, pc.Level
	if v := fr.get("level"); v != "" {
		if len(v) != 1 || v[0] < '1' || v[0] > '5' {
			fr.bad("level", "mức hưởng phải từ 1 đến 5", "benefit level must be 1 to 5")
			return
		}
		card.BenefitLevel = int(v[0] - '0')
	}
}

// d03Facility keeps the facility code when the cell starts with one ("01001 - Bệnh
// viện Bạch Mai") and takes the issuing province from opt or from the facility.
func d03Facility(fr *formRow, opt FormOptions, card *Card) {
	v := strings.ToUpper(fr.get("facility"))
	if len(v) >= 5 && facilityCode(v[:5]) && (len(v) == 5 || !isAlnum(v[5])) {
		card.InitialFacility = v[:5]
	}
	card.IssuingProvince = opt.IssuingProvince
	if card.IssuingProvince == "" && card.InitialFacility != "" && KnownCardProvince(card.InitialFacility[:2]) {
		card.IssuingProvince = card.InitialFacility[:2]
	}
}

func isAlnum(b byte) bool { return b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' }

// ReadD05 reads a D05-TS (QĐ 490/QĐ-BHXH): people in voluntary BHXH. Each row gives
// a Person and, under "I. Tăng", a voluntary Period from "Từ tháng/năm" for "Số
// tháng" months with the declared monthly income; under "II. Giảm", a Stop.
func ReadD05(file string, r io.Reader, units Units, opt FormOptions, emit func(Row) error) error {
	return readForm(file, r, d05Spec, func(fr *formRow, _ *formHeader, sec section) []Row {
		p := formPerson(fr, units)
		from, fok := fr.month("from", true)
		if sec == decrease {
			return []Row{p, Stop{Row: fr.row, Scheme: BHXHVoluntary, BHXHCode: p.BHXHCode, NationalID: p.NationalID, From: from}}
		}
		n, nok := fr.months("months")
		income, coef, iok := fr.amount("income", true)
		if iok && (coef != "" || income <= 0) {
			fr.bad("income", "mức thu nhập phải là số tiền lớn hơn 0", "income must be an amount of more than 0")
		}
		q := Period{Row: fr.row, Scheme: BHXHVoluntary, BHXHCode: p.BHXHCode, NationalID: p.NationalID, ValidFrom: from, Salary: income}
		if fok && nok {
			q.ValidTo = from.AddMonths(n).AddDays(-1)
		}
		return []Row{p, q}
	}, emit)
}
