package outreach

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong/internal/civil"
)

func TestStudentBirths(t *testing.T) {
	after, by := StudentBirths(civil.MustParse("2026-03-01"))
	if after != civil.MustParse("2003-03-01") || by != civil.MustParse("2020-03-01") {
		t.Errorf("born in (%s, %s]", after, by)
	}
}

func TestApplyContactsAndMask(t *testing.T) {
	d := civil.MustParse("2026-03-01")
	rows := []Row{{PersonKey: "068000000001", NationalID: "068000000001"}, {PersonKey: "068000000002", NationalID: "068000000002"}, {PersonKey: "068000000003"}}
	l := &List{Kind: Uncovered, Date: d}
	l.ApplyContacts(rows, map[string]Contact{
		"068000000001": {PersonKey: "068000000001", Outcome: Deceased, ContactedOn: d},
		"068000000002": {PersonKey: "068000000002", Outcome: Enrolled, ContactedOn: d, Note: "chờ thẻ"},
	})
	if l.Listed != 2 || l.Excluded != 1 || l.AwaitingCard != 1 || l.Outcomes[Deceased] != 1 || l.Outcomes[Enrolled] != 1 {
		t.Errorf("figures: %+v", l)
	}
	if r := l.Rows[0]; !r.AwaitingCard || r.Outcome != Enrolled || r.OutcomeNote != "chờ thẻ" || *r.OutcomeDate != d {
		t.Errorf("enrolled row: %+v", r)
	}
	l.Mask()
	if l.Rows[0].NationalID != "********0002" || l.Rows[0].PersonKey != "********0002" || !l.Masked {
		t.Errorf("masked row: %+v", l.Rows[0])
	}
}

func TestWriters(t *testing.T) {
	to := civil.MustParse("2026-03-31")
	l := &List{Kind: Expiring, UnitCode: "24781", UnitName: "Phường Xuân Hương - Đà Lạt", Date: civil.MustParse("2026-03-01"), Days: 30,
		Rows: []Row{{NationalID: "068000000001", FullName: "Nguyễn Văn An", BirthDate: civil.MustParse("1985-03-14"), CommuneCode: "24781", CardNo: "GD1", ValidTo: &to}}}
	var csv bytes.Buffer
	if err := WriteCSV(&csv, l); err != nil {
		t.Fatal(err)
	}
	if want := "national_id,full_name,birth_date,commune_code,village_code,household_id,card_no,valid_to,outcome,outcome_date,outcome_note,filed_under,residence_to_confirm\n068000000001,Nguyễn Văn An,1985-03-14,24781,,,GD1,2026-03-31,,,,,\n"; csv.String() != want {
		t.Errorf("CSV:\n%s", csv.String())
	}
	var xb bytes.Buffer
	if err := WriteXLSX(&xb, l); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xb)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(Sheet)
	if len(rows) != 3 || !strings.HasPrefix(rows[0][0], "Thẻ BHYT sắp hết hạn — Phường Xuân Hương - Đà Lạt (24781) — ngày 01/03/2026") {
		t.Fatalf("XLSX: %q", rows)
	}
	if rows[1][6] != "Số thẻ" || rows[1][7] != "Hạn thẻ" || rows[2][2] != "14/03/1985" || rows[2][7] != "31/03/2026" {
		t.Errorf("XLSX cells: %q", rows[1:])
	}
}
