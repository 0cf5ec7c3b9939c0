package cli

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong/internal/testutil"
)

// outreachDB is a database with the registry fixtures of testdata imported as
// `phusong import` does, and the users of the outreach tests:
//
//	24781 Xuân Hương: An (card to 2026-12-31, renewed from 2025-12-31), Bình (card
//	  to 2026-05-31; voluntary BHXH 2025), Châu (born 2015, HS card to 2026-08-31),
//	  Giang (resident only, no card); 24787 Cam Ly: Dũng (card to 2026-12-31,
//	  compulsory BHXH), Én (no card).
func outreachDB(t *testing.T, db string) {
	t.Helper()
	for _, kind := range []string{"villages", "persons", "residents", "bhyt_cards", "bhxh_periods"} {
		importJSON(t, db, kind)
	}
	for _, u := range [][3]string{
		{"officer", "commune_officer", "24781"}, {"member", "committee_member", "24781"},
		{"col1", "collector", "24781"}, {"col2", "collector", "24787"},
	} {
		mustRun(t, db, "user", "add", u[0], "--password", "mật khẩu thử nghiệm")
		mustRun(t, db, "user", "grant", u[0], "--role", u[1], "--unit", u[2], "--date", "2026-01-01")
	}
}

type outreachJSON struct {
	Kind     string         `json:"kind"`
	Masked   bool           `json:"masked"`
	OwnQueue bool           `json:"own_queue"`
	Listed   int            `json:"listed"`
	Excluded int            `json:"excluded"`
	Outcomes map[string]int `json:"outcomes"`
	Rows     []struct {
		NationalID   string `json:"national_id"`
		FullName     string `json:"full_name"`
		BirthDate    string `json:"birth_date"`
		CommuneCode  string `json:"commune_code"`
		VillageCode  string `json:"village_code"`
		HouseholdID  string `json:"household_id"`
		CardNo       string `json:"card_no"`
		ValidTo      string `json:"valid_to"`
		Outcome      string `json:"outcome"`
		AwaitingCard bool   `json:"awaiting_card"`
	} `json:"rows"`
}

func listOutreach(t *testing.T, db string, args ...string) outreachJSON {
	t.Helper()
	out := mustRun(t, db, append(append([]string{"outreach"}, args...), "--format", "json")...)
	var v outreachJSON
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return v
}

// ids are the national IDs of a list, in order.
func (v outreachJSON) ids() []string {
	out := []string{}
	for _, r := range v.Rows {
		out = append(out, r.NationalID)
	}
	return out
}

func TestOutreachLists(t *testing.T) {
	testutil.EachURL(t, func(t *testing.T, db string) {
		outreachDB(t, db)
		for _, c := range []struct {
			name string
			args []string
			want []string
		}{
			// Giang has no card at all; the others hold a card valid on 1 March 2026.
			{"uncovered 24781", []string{"uncovered", "--unit", "24781", "--date", "2026-03-01"}, []string{"068199003333"}},
			{"uncovered 24787", []string{"uncovered", "--unit", "24787", "--date", "2026-03-01"}, []string{"020188000222"}},
			// By 15 September Bình's card (to 31 May) and Châu's (to 31 August) have ended.
			{"uncovered later", []string{"uncovered", "--unit", "24781", "--date", "2026-09-15"}, []string{"068190004567", "068215001234", "068199003333"}},
			{"uncovered village", []string{"uncovered", "--unit", "24781", "--village", "TDP02", "--date", "2026-09-15"}, []string{"068215001234", "068199003333"}},
			// Within 60 days of 1 March no card ends; Bình's ends after 91 days.
			{"expiring 60", []string{"expiring", "--unit", "24781", "--date", "2026-03-01", "--days", "60"}, []string{}},
			{"expiring 92", []string{"expiring", "--unit", "24781", "--date", "2026-03-01", "--days", "92"}, []string{"068190004567"}},
			// An's 2025 card ends on 31 December but the 2026 card follows: renewed, not listed.
			{"expiring renewed", []string{"expiring", "--unit", "24781", "--date", "2025-12-15", "--days", "30"}, []string{}},
			{"expiring 24787", []string{"expiring", "--unit", "24787", "--date", "2026-11-15", "--days", "60"}, []string{"068072000111"}},
			// Bình's voluntary BHXH ended on 31 December 2025; Dũng pays compulsory BHXH.
			{"lapsed", []string{"lapsed", "--unit", "24781", "--date", "2026-03-01"}, []string{"068190004567"}},
			{"lapsed too long ago", []string{"lapsed", "--unit", "24781", "--date", "2027-01-15"}, []string{}},
			{"lapsed 24787", []string{"lapsed", "--unit", "24787", "--date", "2026-03-01"}, []string{}},
			// Châu (10) holds an HS card until 31 August; Giang (26) is past student age.
			{"students", []string{"students", "--unit", "24781", "--date", "2026-03-01"}, []string{}},
			{"students later", []string{"students", "--unit", "24781", "--date", "2026-09-15"}, []string{"068215001234"}},
		} {
			got := listOutreach(t, db, c.args...)
			if !reflect.DeepEqual(got.ids(), c.want) {
				t.Errorf("%s: %v, want %v", c.name, got.ids(), c.want)
			}
		}
		g := listOutreach(t, db, "uncovered", "--unit", "24781", "--date", "2026-03-01").Rows[0]
		if g.FullName != "Phạm Thị Giang" || g.BirthDate != "1999-09-09" || g.CommuneCode != "24781" || g.VillageCode != "TDP02" || g.HouseholdID != "HGD-0005" {
			t.Errorf("Giang's row: %+v", g)
		}
		b := listOutreach(t, db, "expiring", "--unit", "24781", "--date", "2026-03-01", "--days", "92").Rows[0]
		if b.CardNo != "GD4686801234568" || b.ValidTo != "2026-05-31" {
			t.Errorf("Bình's expiring card: %+v", b)
		}
		if l := listOutreach(t, db, "lapsed", "--unit", "24781", "--date", "2026-03-01").Rows[0]; l.ValidTo != "2025-12-31" {
			t.Errorf("Bình's voluntary BHXH ended %s", l.ValidTo)
		}
		_, errs, code := run(t, db, "outreach", "uncovered", "--unit", "68", "--date", "2026-03-01")
		if code != 2 {
			t.Errorf("a province list: exit %d %s", code, errs)
		}
	})
}

func TestOutreachExports(t *testing.T) {
	testutil.EachURL(t, func(t *testing.T, db string) {
		outreachDB(t, db)
		csv := mustRun(t, db, "outreach", "expiring", "--unit", "24781", "--date", "2026-03-01", "--days", "92", "--format", "csv")
		lines := strings.Split(strings.TrimSpace(csv), "\n")
		if lines[0] != "national_id,full_name,birth_date,commune_code,village_code,household_id,card_no,valid_to,outcome,outcome_date,outcome_note,filed_under,residence_to_confirm" {
			t.Errorf("expiring CSV header: %s", lines[0])
		}
		if len(lines) != 2 || lines[1] != "068190004567,Trần Thị Bình,1990-11-02,24781,TDP01,HGD-0001,GD4686801234568,2026-05-31,,,,," {
			t.Errorf("expiring CSV:\n%s", csv)
		}
		csv = mustRun(t, db, "outreach", "uncovered", "--unit", "24781", "--date", "2026-09-15", "--format", "csv")
		if h := strings.SplitN(csv, "\n", 2)[0]; h != "national_id,full_name,birth_date,commune_code,village_code,household_id,outcome,outcome_date,outcome_note,filed_under,residence_to_confirm" {
			t.Errorf("uncovered CSV header: %s", h)
		}

		file := filepath.Join(t.TempDir(), "uncovered.xlsx")
		_, errs, code := run(t, db, "outreach", "uncovered", "--unit", "24781", "--date", "2026-09-15", "--format", "xlsx")
		if code != 2 {
			t.Errorf("xlsx without --out: exit %d %s", code, errs)
		}
		mustRun(t, db, "outreach", "uncovered", "--unit", "24781", "--date", "2026-09-15", "--format", "xlsx", "--out", file)
		x, err := excelize.OpenFile(file)
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows(x.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2+3 {
			t.Fatalf("xlsx has %d rows, want title + headings + 3: %q", len(rows), rows)
		}
		if !strings.Contains(rows[0][0], "Người dân chưa có thẻ BHYT") || !strings.Contains(rows[0][0], "24781") || !strings.Contains(rows[0][0], "15/09/2026") {
			t.Errorf("xlsx title: %q", rows[0][0])
		}
		wantHead := []string{"Số định danh", "Họ và tên", "Ngày sinh", "Xã/phường", "Thôn/tổ", "Mã hộ", "Kết quả liên hệ", "Ngày liên hệ", "Ghi chú", "Đơn vị ghi trong hồ sơ (trước sắp xếp)", "Cần xác minh nơi ở"}
		if !reflect.DeepEqual(rows[1], wantHead) {
			t.Errorf("xlsx headings: %q", rows[1])
		}
		if rows[2][0] != "068190004567" || rows[2][2] != "02/11/1990" {
			t.Errorf("xlsx first row: %q", rows[2])
		}

		mustRun(t, db, "outreach", "lapsed", "--unit", "24781", "--date", "2026-03-01", "--format", "json")
		mustRun(t, db, "outreach", "uncovered", "--unit", "24781", "--date", "2026-03-01") // a table on the terminal is no export
		mustRun(t, db, "outreach", "uncovered", "--unit", "24781", "--date", "2026-03-01", "--format", "csv", "--as", "member")
		s := testutil.OpenURL(t, db)
		ctx := t.Context()
		personal, _ := s.AuditLog(ctx, "export.personal", 100)
		if len(personal) != 4 {
			t.Errorf("%d export.personal lines, want 4 (2 csv, 1 xlsx, 1 json)", len(personal))
		}
		for _, e := range personal {
			if !strings.HasPrefix(e.Object, "outreach/") || !strings.Contains(e.Detail, "format=") {
				t.Errorf("audit line: %+v", e)
			}
		}
		if masked, _ := s.AuditLog(ctx, "export.masked", 100); len(masked) != 1 || masked[0].Username != "member" {
			t.Errorf("masked export audit: %+v", masked)
		}
	})
}

func TestOutreachScopeAndOutcomes(t *testing.T) {
	testutil.EachURL(t, func(t *testing.T, db string) {
		outreachDB(t, db)
		list := func(as string, args ...string) outreachJSON {
			return listOutreach(t, db, append([]string{"uncovered", "--unit", "24781", "--as", as}, args...)...)
		}
		// Masking: the committee member sees names but not identifiers.
		if v := list("member", "--date", "2026-09-15"); !v.Masked || v.Rows[0].NationalID != "********4567" || v.Rows[0].FullName != "Trần Thị Bình" {
			t.Errorf("committee member's list: %+v", v)
		}
		if v := list("officer", "--date", "2026-09-15"); v.Masked || v.Rows[0].NationalID != "068190004567" {
			t.Errorf("commune officer's list: %+v", v)
		}
		// A collector sees nothing before an assignment, then exactly the assigned area.
		if v := list("col1", "--date", "2026-09-15"); !v.OwnQueue || len(v.Rows) != 0 {
			t.Errorf("collector before assignment: %+v", v)
		}
		_, errs, code := run(t, db, "outreach", "uncovered", "--unit", "24781", "--date", "2026-09-15", "--as", "col2")
		if code != 4 {
			t.Errorf("collector of Cam Ly on Xuân Hương: exit %d %s", code, errs)
		}
		_, errs, code = run(t, db, "outreach", "assign", "uncovered", "--unit", "24781", "--date", "2026-09-15", "--collector", "col1", "--as", "member")
		if code != 4 {
			t.Errorf("a committee member assigned a list: exit %d %s", code, errs)
		}
		_, errs, code = run(t, db, "outreach", "assign", "uncovered", "--unit", "24781", "--date", "2026-09-15", "--collector", "col2", "--as", "officer")
		if code != 2 {
			t.Errorf("assigned to a collector of another commune: exit %d %s", code, errs)
		}
		mustRun(t, db, "outreach", "assign", "uncovered", "--unit", "24781", "--village", "TDP02", "--date", "2026-09-15", "--collector", "col1", "--as", "officer")
		if v := list("col1", "--date", "2026-09-15"); !reflect.DeepEqual(v.ids(), []string{"068215001234", "068199003333"}) {
			t.Errorf("collector's queue: %v", v.ids())
		}
		if v := listOutreach(t, db, "students", "--unit", "24781", "--date", "2026-09-15", "--as", "col1"); len(v.Rows) != 0 {
			t.Errorf("collector sees a list not assigned: %v", v.ids())
		}
		// Outcomes: only the collector of the area or an officer records them.
		_, errs, code = run(t, db, "outreach", "contact", "068199003333", "--outcome", "moved", "--date", "2026-09-16", "--as", "col2")
		if code != 4 {
			t.Errorf("contact by the collector of another commune: exit %d %s", code, errs)
		}
		_, errs, code = run(t, db, "outreach", "contact", "068190004567", "--outcome", "refused", "--date", "2026-09-16", "--as", "col1")
		if code != 4 {
			t.Errorf("contact outside the collector's village: exit %d %s", code, errs)
		}
		mustRun(t, db, "outreach", "contact", "068199003333", "--outcome", "moved", "--note", "chuyển vào TP.HCM", "--date", "2026-09-16", "--as", "col1")
		mustRun(t, db, "outreach", "contact", "068215001234", "--outcome", "enrolled", "--date", "2026-09-16", "--as", "col1")
		mustRun(t, db, "outreach", "contact", "068190004567", "--outcome", "unreachable", "--date", "2026-09-16", "--as", "officer")
		v := list("officer", "--date", "2026-09-20")
		if !reflect.DeepEqual(v.ids(), []string{"068190004567", "068215001234"}) || v.Excluded != 1 || v.Listed != 2 {
			t.Errorf("after the outcomes: %v listed %d excluded %d", v.ids(), v.Listed, v.Excluded)
		}
		if v.Rows[0].Outcome != "unreachable" || v.Rows[1].Outcome != "enrolled" || !v.Rows[1].AwaitingCard {
			t.Errorf("outcomes on the list: %+v", v.Rows)
		}
		if v.Outcomes["moved"] != 1 || v.Outcomes["enrolled"] != 1 || v.Outcomes["unreachable"] != 1 {
			t.Errorf("outcome figures: %v", v.Outcomes)
		}
		if v := listOutreach(t, db, "students", "--unit", "24781", "--date", "2026-09-20"); len(v.Rows) != 1 || !v.Rows[0].AwaitingCard {
			t.Errorf("enrolled student: %+v", v.Rows)
		}
		// The list of the day before the contacts is unchanged.
		if v := list("officer", "--date", "2026-09-15"); len(v.Rows) != 3 || v.Excluded != 0 {
			t.Errorf("list before the contacts: %v excluded %d", v.ids(), v.Excluded)
		}
		if v := list("col1", "--date", "2026-09-20"); !reflect.DeepEqual(v.ids(), []string{"068215001234"}) || v.Excluded != 1 {
			t.Errorf("collector's queue after the outcomes: %v excluded %d", v.ids(), v.Excluded)
		}
		s := testutil.OpenURL(t, db)
		if es, _ := s.AuditLog(t.Context(), "outreach.contact", 10); len(es) != 3 {
			t.Errorf("%d contacts audited, want 3", len(es))
		}
		if es, _ := s.AuditLog(t.Context(), "outreach.assign", 10); len(es) != 1 {
			t.Errorf("%d assignments audited, want 1", len(es))
		}
	})
}

func TestOutreachUsage(t *testing.T) {
	db := testutil.URL(t, "sqlite")
	for _, args := range [][]string{{"outreach"}, {"outreach", "nobody"}, {"outreach", "uncovered"}, {"outreach", "uncovered", "--unit", "24781", "--format", "pdf"}} {
		if _, _, code := run(t, db, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
