package registry

import (
	_ "embed"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/importer"
)

// PayerGroup is who pays a BHYT participant's contribution, the breakdown of the
// coverage reports (PRODUCT.md M4; Law 51/2024 Điều 12 groups 1–6, forms-and-codes.md
// §9.1). QĐ 505's "Nhóm do người sử dụng lao động đóng" is folded into group 1, as
// Law 51/2024 does.
type PayerGroup string

const (
	EmployerEmployee PayerGroup = "employer_employee" // 1 NSDLĐ/NLĐ đóng
	BHXHFund         PayerGroup = "bhxh_fund"         // 2 cơ quan BHXH đóng
	StateBudget      PayerGroup = "state_budget"      // 3 NSNN đóng
	StateSupported   PayerGroup = "state_supported"   // 4 NSNN hỗ trợ mức đóng
	Household        PayerGroup = "household"         // 5 tự đóng (hộ gia đình …)
	OtherPayer       PayerGroup = "other"             // 6 đối tượng khác
)

// PayerGroups lists the groups in the order of the law.
var PayerGroups = []PayerGroup{EmployerEmployee, BHXHFund, StateBudget, StateSupported, Household, OtherPayer}

var payerLabels = map[PayerGroup][2]string{
	EmployerEmployee: {"Nhóm do người sử dụng lao động, người lao động đóng", "Paid by employer and employee"},
	BHXHFund:         {"Nhóm do cơ quan bảo hiểm xã hội đóng", "Paid by the social insurance fund"},
	StateBudget:      {"Nhóm do ngân sách nhà nước đóng", "Paid by the state budget"},
	StateSupported:   {"Nhóm được ngân sách nhà nước hỗ trợ mức đóng", "Supported by the state budget"},
	Household:        {"Nhóm tự đóng (hộ gia đình)", "Self-paid (household)"},
	OtherPayer:       {"Nhóm khác", "Other"},
}

// Valid reports whether g is one of the six groups.
func (g PayerGroup) Valid() bool { _, ok := payerLabels[g]; return ok }

// LabelVI and LabelEN name the group for people.
func (g PayerGroup) LabelVI() string { return payerLabels[g][0] }
func (g PayerGroup) LabelEN() string { return payerLabels[g][1] }

// ParticipantCode is one row of the mã đối tượng table: what a 2-letter code means,
// who pays, and the benefit level, between two dates (forms-and-codes.md §8.3–8.4).
type ParticipantCode struct {
	Code      string     `json:"code"`
	NameVI    string     `json:"name_vi"`
	Payer     PayerGroup `json:"payer_group"`
	Level     int        `json:"benefit_level"`
	ValidFrom civil.Date `json:"valid_from"`
	ValidTo   civil.Date `json:"valid_to"`
	Source    string     `json:"source"`
}

// CodeTable holds participant codes with their validity; one code may have several
// rows that follow each other in time.
type CodeTable struct {
	byCode map[string][]ParticipantCode
}

//go:embed participant_codes.csv
var participantCodesCSV string

var (
	defaultOnce  sync.Once
	defaultCodes *CodeTable
)

// DefaultCodes is the table shipped with Phủ Sóng (participant_codes.csv): the 43
// codes of QĐ 1351 with QĐ 505's move of CT to the state budget from 2020-05-01, CV
// 38/BYT-BH's benefit change for CN (3→2) and LH (4→2) from 2026-01-01, and LH and KT
// from 2025-07-01. Codes seen in 2026 software without a verified meaning (AK, TG, DS,
// HK, ND, TH, TV, TD, TU, BA) are left out on purpose.
func DefaultCodes() *CodeTable {
	defaultOnce.Do(func() {
		t, err := LoadCodes("participant_codes.csv", strings.NewReader(participantCodesCSV))
		if err != nil {
			panic(err) // the embedded table is checked by the tests
		}
		defaultCodes = t
	})
	return defaultCodes
}

// LoadCodes reads a participant-code table with the columns
// code,name_vi,payer_group,benefit_level,valid_from,valid_to,source
// (empty valid_from: since before any record; empty valid_to: open). Periods of one
// code must not overlap.
func LoadCodes(file string, r io.Reader) (*CodeTable, error) {
	c := &importer.Collector{File: file}
	f, ok := importer.OpenCSV(c, r, "code", "name_vi", "payer_group", "benefit_level", "valid_from", "valid_to", "source")
	if !ok {
		return nil, c.Err()
	}
	t := &CodeTable{byCode: map[string][]ParticipantCode{}}
	for f.Next() {
		if p, ok := readCodeRow(f); ok {
			t.byCode[p.Code] = append(t.byCode[p.Code], p)
		}
	}
	for code, ps := range t.byCode {
		sort.Slice(ps, func(i, j int) bool { return ps[i].ValidFrom < ps[j].ValidFrom })
		for i := 1; i < len(ps); i++ {
			if ps[i].ValidFrom <= ps[i-1].ValidTo {
				c.Add(0, 0, "valid_from", "mã "+code+" có hai dòng hiệu lực chồng nhau", "code "+code+" has two rows with overlapping validity")
			}
		}
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

func readCodeRow(f *importer.CSV) (ParticipantCode, bool) {
	p := ParticipantCode{Code: strings.ToUpper(f.Get("code")), NameVI: f.Get("name_vi"), Payer: PayerGroup(f.Get("payer_group")), Source: f.Get("source")}
	ok := true
	if len(p.Code) != 2 || !isLetters(p.Code) {
		f.Bad("code", "mã đối tượng phải gồm 2 chữ cái", "participant code must be 2 letters")
		ok = false
	}
	if !p.Payer.Valid() {
		f.Bad("payer_group", "nhóm đóng không hợp lệ", "unknown payer group")
		ok = false
	}
	lvl, lok := f.Int("benefit_level")
	p.Level = int(lvl)
	if lok && (lvl < 1 || lvl > 5) {
		f.Bad("benefit_level", "mức hưởng phải từ 1 đến 5", "benefit level must be 1 to 5")
		lok = false
	}
	p.ValidFrom = civil.Min
	if f.Get("valid_from") != "" {
		d, dok := f.Date("valid_from", false)
		p.ValidFrom, ok = d, ok && dok
	}
	to, tok := f.Date("valid_to", true)
	p.ValidTo = to
	return p, ok && lok && tok
}

// Lookup finds the meaning of a code on a date.
func (t *CodeTable) Lookup(code string, on civil.Date) (ParticipantCode, bool) {
	for _, p := range t.byCode[strings.ToUpper(code)] {
		if on.Within(p.ValidFrom, p.ValidTo) {
			return p, true
		}
	}
	return ParticipantCode{}, false
}

// Check is Lookup with a bilingual reason when the code is unknown on that date.
func (t *CodeTable) Check(code string, on civil.Date) (ParticipantCode, error) {
	if p, ok := t.Lookup(code, on); ok {
		return p, nil
	}
	if len(t.byCode[strings.ToUpper(code)]) > 0 {
		return ParticipantCode{}, fault.Newf(fault.Invalid,
			"mã đối tượng %s không có hiệu lực ngày %s",
			"participant code %s is not in force on %s", code, on.String())
	}
	return ParticipantCode{}, fault.Newf(fault.Invalid,
		"mã đối tượng %q không có trong danh mục",
		"unknown participant code %q", code)
}

// Codes lists every row of the table, ordered by code then date.
func (t *CodeTable) Codes() []ParticipantCode {
	var out []ParticipantCode
	for _, ps := range t.byCode {
		out = append(out, ps...)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Code != out[j].Code {
			return out[i].Code < out[j].Code
		}
		return out[i].ValidFrom < out[j].ValidFrom
	})
	return out
}

// CheckCard checks a parsed card number against the code table on a date (normally
// the card's valid_from): the participant code must be in force then.
func CheckCard(t *CodeTable, c CardNumber, on civil.Date) (ParticipantCode, error) {
	if !c.Full() {
		return ParticipantCode{}, nil
	}
	return t.Check(c.Participant, on)
}
