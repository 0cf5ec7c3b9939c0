package geo

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/importer"
)

// applyChange is the geography after ch, as the store would hold it once ch is
// applied: a fresh Atlas; the units of a are copied, never changed.
func applyChange(a *Atlas, ch *Change) *Atlas { return a.withChange(ch) }

const reorgHeader = "date,kind,from_code,to_code,share,to_name,to_full_name,to_type,to_parent_code,source\n"

func parseReorg(t *testing.T, a *Atlas, body string) *Change {
	t.Helper()
	ch, err := ParseReorg(a, "reorg.csv", strings.NewReader(reorgHeader+body))
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// rejectReorg checks that a file is refused whole, with a problem in row and column.
func rejectReorg(t *testing.T, a *Atlas, body string, row int, col, reason string) {
	t.Helper()
	ch, err := ParseReorg(a, "reorg.csv", strings.NewReader(reorgHeader+body))
	wantProblem(t, ch, err, row, col, reason)
}

func wantProblem(t *testing.T, ch *Change, err error, row int, col, reason string) {
	t.Helper()
	if ch != nil {
		t.Errorf("a rejected file gave a change: %+v", ch)
	}
	var ps importer.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want problems, got %v", err)
	}
	for _, p := range ps {
		if p.Row == row && p.ColumnName == col && p.Column > 0 && strings.Contains(p.Error(), reason) && p.VI != "" && p.EN != "" {
			return
		}
	}
	t.Errorf("no problem at row %d column %s with %q in:\n%v", row, col, reason, err)
}

func TestReorgDongNai2026(t *testing.T) {
	// Resolution 30/2026/QH16 takes effect on 30 April 2026. The exact date of
	// Resolution 237/NQ-UBTVQH16 (10 Đồng Nai communes become wards) is not in our
	// sources; the file uses 30 April 2026 for it too.
	a := refAtlas(t)
	data, err := os.ReadFile("testdata/reorg-2026-dong-nai.csv")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := ParseReorg(a, "reorg-2026-dong-nai.csv", strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.NewUnits)+len(ch.EndUnits)+len(ch.NewLinks) != 0 || len(ch.NewNames) != 11 || len(ch.EndNames) != 11 {
		t.Fatalf("change: %d new units, %d ends, %d links, %d names, %d name ends",
			len(ch.NewUnits), len(ch.EndUnits), len(ch.NewLinks), len(ch.NewNames), len(ch.EndNames))
	}
	b := applyChange(a, ch)
	before, after := mustFind(t, b, "75", "2026-04-29"), mustFind(t, b, "75", "2026-05-01")
	if before.ID != after.ID {
		t.Errorf("Đồng Nai is two units: %d and %d", before.ID, after.ID)
	}
	cases := []struct{ code, date, full, typ string }{
		{"75", "2026-04-29", "Tỉnh Đồng Nai", "tinh"},
		{"75", "2026-05-01", "Thành phố Đồng Nai", "thanh_pho_tw"},
		{"26248", "2026-04-29", "Xã Trảng Bom", "xa"},
		{"26248", "2026-04-30", "Phường Trảng Bom", "phuong"},
		{"25270", "2026-05-01", "Phường Lộc Ninh", "phuong"},
	}
	for _, c := range cases {
		d := civil.MustParse(c.date)
		if n := mustFind(t, b, c.code, c.date).NameOn(d); n.FullName != c.full || n.Type != c.typ || n.NameEN == "" {
			t.Errorf("%s on %s: %+v, want %s (%s)", c.code, c.date, n, c.full, c.typ)
		}
	}
	if n := mustFind(t, a, "75", "2026-05-01").NameOn(civil.MustParse("2026-05-01")); n.FullName != "Tỉnh Đồng Nai" {
		t.Errorf("the old atlas changed: %+v", n)
	}
	again, err := ParseReorg(b, "reorg-2026-dong-nai.csv", strings.NewReader(string(data)))
	if err != nil || !again.Empty() {
		t.Errorf("re-import: %+v %v", again, err)
	}
}

// A merge of Phường Ba Đình (00004) and Phường Ngọc Hà (00008) in 2027: a new unit
// that reuses the code 00004.
const mergeBaDinh = "2027-01-01,merge,00004,00004,,Ba Đình,Phường Ba Đình,phuong,,NQ thử\n" +
	"2027-01-01,merge,00008,00004,,,,,,NQ thử\n"

func TestReorgMergeReusesCode(t *testing.T) {
	a := refAtlas(t)
	ch := parseReorg(t, a, mergeBaDinh)
	b := applyChange(a, ch)
	old4, old8 := mustFind(t, b, "00004", "2026-12-31"), mustFind(t, b, "00008", "2026-12-31")
	merged := mustFind(t, b, "00004", "2027-01-01")
	if merged.ID == old4.ID || merged.ID != a.MaxID()+1 {
		t.Errorf("merged unit ID %d (old %d, max %d)", merged.ID, old4.ID, a.MaxID())
	}
	if _, err := b.Find("00008", civil.MustParse("2027-01-01")); err == nil {
		t.Error("00008 exists after the merge")
	}
	if p := b.Unit(merged.ParentOn(merged.ValidFrom)); p.Code != "01" {
		t.Errorf("merged parent %s", p.Code)
	}
	preds := b.Predecessors(merged.ID)
	if len(preds) != 2 || preds[0].FromID != old4.ID || preds[1].FromID != old8.ID || preds[0].SharePPM != WholeShare || preds[1].SharePPM != WholeShare {
		t.Errorf("predecessors %+v", preds)
	}
	out, lost := b.Rebase(civil.MustParse("2026-06-01"), civil.MustParse("2027-06-01"), []Figure{{"00004", 120}, {"00008", 80}})
	if len(lost) != 0 || len(out) != 1 || out[0] != (Figure{"00004", 200}) {
		t.Errorf("rebase %+v lost %+v", out, lost)
	}
	if again := parseReorg(t, b, mergeBaDinh); !again.Empty() {
		t.Errorf("re-import gave %+v", again)
	}
}

func TestReorgSplitShares(t *testing.T) {
	a := refAtlas(t)
	cases := []struct {
		name   string
		shares []string
		want   []int64
	}{
		{"given", []string{"0.3", "70%"}, []int64{300_000, 700_000}},
		{"empty is equal parts", []string{"", ""}, []int64{500_000, 500_000}},
		{"empty takes what is left", []string{"0.25", "", ""}, []int64{250_000, 375_000, 375_000}},
		{"thirds", []string{"", "", ""}, []int64{333_334, 333_333, 333_333}},
	}
	targets := []string{"00025,Giảng Võ,Phường Giảng Võ", "99901,Kim Mã,Phường Kim Mã", "99902,Thành Công,Phường Thành Công"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body strings.Builder
			for i, s := range c.shares {
				to := strings.Split(targets[i], ",")
				body.WriteString("2027-01-01,split,00025," + to[0] + "," + s + "," + to[1] + "," + to[2] + ",phuong,01,NQ thử\n")
			}
			b := applyChange(a, parseReorg(t, a, body.String()))
			src := mustFind(t, b, "00025", "2026-12-31")
			succ := b.Successors(src.ID)
			if len(succ) != len(c.want) {
				t.Fatalf("successors %+v", succ)
			}
			for i, l := range succ {
				if l.SharePPM != c.want[i] || b.Unit(l.ToID).Code != strings.Split(targets[i], ",")[0] || l.Kind != "split" || l.Source != "NQ thử" {
					t.Errorf("link %d: %+v to %s", i, l, b.Unit(l.ToID).Code)
				}
			}
		})
	}
}

func TestReorgProvinceMergeMovesCommunes(t *testing.T) {
	a := refAtlas(t)
	d := civil.MustParse("2028-01-01")
	caoBang, tuyenQuang := mustFind(t, a, "04", "2027-12-31"), mustFind(t, a, "08", "2027-12-31")
	n4, n8 := len(a.Children(caoBang.ID, d)), len(a.Children(tuyenQuang.ID, d))
	b := applyChange(a, parseReorg(t, a, "2028-01-01,merge,04,08,,Tuyên Quang,Tỉnh Tuyên Quang,tinh,,NQ thử\n2028-01-01,merge,08,08,,,,,,NQ thử\n"))
	p := mustFind(t, b, "08", "2028-01-01")
	if p.ID == tuyenQuang.ID || len(p.Parents) != 0 {
		t.Errorf("new province %+v", p)
	}
	if got := len(b.Children(p.ID, d)); got != n4+n8 || n4 == 0 {
		t.Errorf("new Tuyên Quang has %d communes, want %d + %d", got, n4, n8)
	}
	if got := len(b.Children(caoBang.ID, d.AddDays(-1))); got != n4 {
		t.Errorf("Cao Bằng had %d communes the day before, want %d", got, n4)
	}
}

func TestReorgChainsDates(t *testing.T) {
	a := refAtlas(t)
	ch := parseReorg(t, a, mergeBaDinh+"2028-01-01,rename,00004,00004,,Ba Đình Mới,,,,NQ thử\n")
	if len(ch.NewUnits) != 1 || len(ch.NewNames) != 0 || len(ch.EndNames) != 2 || len(ch.NewUnits[0].Names) != 2 {
		t.Fatalf("the rename of a new unit is not folded into it: %+v", ch)
	}
	b := applyChange(a, ch)
	u := mustFind(t, b, "00004", "2028-01-01")
	if n := u.NameOn(civil.MustParse("2028-01-01")).FullName; n != "Phường Ba Đình Mới" {
		t.Errorf("2028 name %q", n)
	}
	if n := u.NameOn(civil.MustParse("2027-12-31")); n.FullName != "Phường Ba Đình" || n.To != civil.MustParse("2027-12-31") {
		t.Errorf("2027 name %+v", n)
	}
}

func TestReorgReparentCommune(t *testing.T) {
	a := refAtlas(t)
	b := applyChange(a, parseReorg(t, a, "2027-01-01,reparent,00004,,,,,,79,NQ thử\n"))
	u := mustFind(t, b, "00004", "2027-01-01")
	if p := b.Unit(u.ParentOn(civil.MustParse("2027-01-01"))); p.Code != "79" {
		t.Errorf("parent %s", p.Code)
	}
	if p := b.Unit(u.ParentOn(civil.MustParse("2026-12-31"))); p.Code != "01" {
		t.Errorf("old parent %s", p.Code)
	}
}

func TestReorgRejects(t *testing.T) {
	a := refAtlas(t)
	cases := []struct {
		name, body string
		row        int
		col, why   string
	}{
		{"shares sum to 0.9", "2027-01-01,split,00025,00025,0.4,Giảng Võ,Phường Giảng Võ,phuong,,x\n2027-01-01,split,00025,99901,0.5,Kim Mã,Phường Kim Mã,phuong,,x\n",
			2, "share", "sum to 0.9"},
		{"code in force", "2027-01-01,merge,00004,00008,,Ngọc Hà,Phường Ngọc Hà,phuong,,x\n", 2, "to_code", "code 00008 is held by Phường Ngọc Hà"},
		{"unknown source", "2027-01-01,merge,99999,00004,,Ba Đình,Phường Ba Đình,phuong,,x\n", 2, "from_code", "no unit with code 99999"},
		{"ended source", "2027-01-01,rename,00007,00007,,Cống Vị,,,,x\n", 2, "from_code", "not in force"},
		{"no name", "2027-01-01,merge,00004,00004,,,,phuong,,x\n", 2, "to_name", "needs a name"},
		{"bad type", "2027-01-01,rename,00004,00004,,,,tinh,,x\n", 2, "to_type", `type "tinh" is not for a commune`},
		{"bad share", "2027-01-01,split,00004,00004,1.5,Ba Đình,,phuong,,x\n", 2, "share", "invalid share"},
		{"bad kind", "2027-01-01,swap,00004,00004,,,,,,x\n", 2, "kind", "unknown kind"},
		{"duplicate", mergeBaDinh + "2027-01-01,merge,00008,00004,,,,,,x\n", 4, "from_code", "repeats row 3"},
		{"rename changes code", "2027-01-01,rename,00004,00005,,Ba Đình,,,,x\n", 2, "to_code", "keep the code"},
		{"parent one level up", "2027-01-01,reparent,00004,00004,,,,,00008,x\n", 2, "to_parent_code", "is a commune, want a province"},
		{"province split leaves communes", "2027-01-01,split,04,04,,Cao Bằng,,tinh,,x\n2027-01-01,split,04,03,,Bắc Cao Bằng,,tinh,,x\n",
			2, "from_code", "units under it have nowhere to go"},
		{"conflicting names", "2027-01-01,merge,00004,00004,,Ba Đình,,phuong,,x\n2027-01-01,merge,00008,00004,,Ngọc Hà,,,,x\n",
			3, "to_name", `differs from "Ba Đình" given in row 2`},
		{"bad date", "2027-02-30,rename,00004,00004,,X,,,,x\n", 2, "date", "invalid date"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { rejectReorg(t, a, c.body, c.row, c.col, c.why) })
	}
}

func TestReorgConflictsWithRecordedEvent(t *testing.T) {
	a := refAtlas(t)
	b := applyChange(a, parseReorg(t, a, mergeBaDinh))
	other := "2027-01-01,merge,00004,00004,,Ba Đình,Phường Ba Đình,phuong,,x\n"
	rejectReorg(t, b, other, 2, "from_code", "already end on 2026-12-31")
}
