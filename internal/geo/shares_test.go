package geo

import (
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

// Phường Cống Vị (00007) was split between Phường Ngọc Hà (00008) and Phường Giảng Võ
// (00025); the crosswalk gives no shares, so Reference splits it in halves.
const congViShares = "from_code,from_date,to_code,share\n00007,2025-06-30,00008,0.25\n00007,2025-06-30,00025,75%\n"

func TestParseSharesCongVi(t *testing.T) {
	a := refAtlas(t)
	ch, err := ParseShares(a, "shares.csv", strings.NewReader(congViShares), "admin@bhxh")
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.ShareUpdate) != 2 || ch.ShareUpdate[0].SharePPM+ch.ShareUpdate[1].SharePPM != WholeShare {
		t.Fatalf("updates %+v", ch.ShareUpdate)
	}
	b := applyChange(a, ch)
	for _, l := range b.Successors(mustFind(t, b, "00007", "2025-06-30").ID) {
		want := map[string]int64{"00008": 250_000, "00025": 750_000}[b.Unit(l.ToID).Code]
		if l.SharePPM != want || l.ShareSetBy != "admin@bhxh" || l.Source != CrosswalkSource {
			t.Errorf("link %+v, want %d", l, want)
		}
	}
	out, lost := b.Rebase(civil.MustParse("2025-06-30"), civil.MustParse("2025-07-01"), []Figure{{"00007", 1000}})
	if len(lost) != 0 || len(out) != 2 || out[0] != (Figure{"00008", 250}) || out[1] != (Figure{"00025", 750}) {
		t.Errorf("rebase %+v lost %+v", out, lost)
	}
	again, err := ParseShares(b, "shares.csv", strings.NewReader(congViShares), "other@bhxh")
	if err != nil || !again.Empty() {
		t.Errorf("re-import: %+v %v", again, err)
	}
}

func TestParseSharesRejects(t *testing.T) {
	a := refAtlas(t)
	head := "from_code,from_date,to_code,share\n"
	cases := []struct {
		name, rows string
		row        int
		col, why   string
	}{
		{"sum 0.9", "00007,2025-06-30,00008,0.25\n00007,2025-06-30,00025,0.65\n", 2, "share", "sum to 0.9"},
		{"missing successor", "00007,2025-06-30,00008,1\n", 2, "to_code", "no share given for 00025"},
		{"not a successor", "00007,2025-06-30,00004,0.5\n", 2, "to_code", "00004 is not a successor of 00007 (successors: 00008, 00025)"},
		{"code of the wrong date", "00007,2025-07-01,00008,0.5\n", 2, "from_code", "not in force on 01/07/2025"},
		{"no successor", "00004,2025-07-01,00004,1\n", 2, "from_code", "has no successor"},
		{"duplicate", "00007,2025-06-30,00008,0.25\n00007,2025-06-30,00008,0.25\n", 3, "to_code", "repeats row 2"},
		{"bad share", "00007,2025-06-30,00008,1/4\n", 2, "share", "invalid share"},
		{"empty share", "00007,2025-06-30,00008,\n", 2, "share", "share is missing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch, err := ParseShares(a, "s.csv", strings.NewReader(head+c.rows), "admin")
			wantProblem(t, ch, err, c.row, c.col, c.why)
		})
	}
	if _, err := ParseShares(a, "s.csv", strings.NewReader(congViShares), " "); err == nil {
		t.Error("shares without who set them accepted")
	}
}

func TestParseShare(t *testing.T) {
	cases := []struct {
		in   string
		ok   bool
		want string
	}{
		{"0.25", true, "1/4"}, {"25%", true, "1/4"}, {"1", true, "1"}, {"100%", true, "1"}, {"33.5%", true, "67/200"},
		{"0", false, ""}, {"1.01", false, ""}, {"-0.5", false, ""}, {"1e-1", false, ""}, {"0,5", false, ""}, {"", false, ""},
	}
	for _, c := range cases {
		r, ok := parseShare(c.in)
		if ok != c.ok || (ok && r.RatString() != c.want) {
			t.Errorf("parseShare(%q) = %v %v", c.in, r, ok)
		}
	}
}
