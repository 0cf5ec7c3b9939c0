package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/testutil"
)

// topUps is a test fixture: Lâm Đồng (68) adds 10 points for near-poor voluntary
// BHXH participants from 2026-01-01 to 2026-12-31 (resolution number invented).
const topUps = `province_code,scheme,group,percent,valid_from,valid_to,resolution
68,voluntary_bhxh,near_poor,10,2026-01-01,2026-12-31,NQ 99/2025/NQ-HĐND (test)
`

func voluntary(t *testing.T, db string, args ...string) map[string]int64 {
	t.Helper()
	out := mustRun(t, db, append([]string{"calc", "voluntary", "--income", "1500000", "--group", "near_poor", "--format", "json"}, args...)...)
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err, out)
	}
	m := map[string]int64{}
	for k, x := range v {
		if f, ok := x.(float64); ok {
			m[k] = int64(f)
		}
	}
	return m
}

func TestCalcWorkedExamplesThroughTheStore(t *testing.T) {
	testutil.EachURL(t, func(t *testing.T, db string) {
		// V5: near-poor at the floor from 07/2025: 330,000 − 132,000 = 198,000.
		v := voluntary(t, db, "--date", "2025-08-01", "--months", "12")
		if v["full_contribution"] != 330000 || v["state_support"] != 132000 || v["participant_pays"] != 198000 || v["total"] != 2376000 {
			t.Errorf("V5: %v", v)
		}
		// V2: the day before, ND 134/2015: 25 %.
		if v := voluntary(t, db, "--date", "2025-06-30"); v["state_support"] != 82500 {
			t.Errorf("V2: %v", v)
		}
		// C2: 60,000,000 in 2025-H2, capped at 46,800,000.
		out := mustRun(t, db, "calc", "compulsory", "--salary", "60000000", "--date", "2025-08-01", "--format", "json")
		var c struct {
			Employer struct{ Total int64 } `json:"employer"`
			Employee struct{ Total int64 } `json:"employee"`
			Total    int64                 `json:"total"`
		}
		json.Unmarshal([]byte(out), &c)
		if c.Employee.Total != 5046000 || c.Employer.Total != 10194000 || c.Total != 15240000 {
			t.Errorf("C2: %+v", c)
		}
		// H2: six members, 12 months, 07/2024–06/2026: 4,548,960.
		out = mustRun(t, db, "calc", "household", "--members", "6", "--months", "12", "--date", "2025-01-01", "--format", "csv")
		if !strings.Contains(out, "total,379080,4548960") {
			t.Errorf("H2:\n%s", out)
		}
		// L2: 274,060.8 rounds half up.
		out = mustRun(t, db, "calc", "late-charge", "--amount", "14976000", "--from", "2025-09-01", "--to", "2025-11-01", "--format", "json")
		if !strings.Contains(out, `"days": 61`) || !strings.Contains(out, `"charge": 274061`) {
			t.Errorf("L2: %s", out)
		}
	})
}

func TestLocalTopUpOnlyInsideProvinceAndDates(t *testing.T) {
	testutil.EachURL(t, func(t *testing.T, db string) {
		file := filepath.Join(t.TempDir(), "topups.csv")
		os.WriteFile(file, []byte(topUps), 0o644)
		if out := mustRun(t, db, "import", "topups", file, "--dry-run"); !strings.Contains(out, "nothing written") {
			t.Errorf("dry run: %s", out)
		}
		if v := voluntary(t, db, "--date", "2026-03-01", "--province", "68"); v["local_support"] != 0 {
			t.Errorf("a dry run applied the top-up: %v", v)
		}
		mustRun(t, db, "import", "topups", file)
		cases := []struct {
			name  string
			args  []string
			local int64
		}{
			{"Lâm Đồng, in force", []string{"--date", "2026-03-01", "--province", "68"}, 33000},
			{"a ward of Lâm Đồng", []string{"--date", "2026-03-01", "--commune", "24781"}, 33000},
			{"Hà Nội", []string{"--date", "2026-03-01", "--province", "01"}, 0},
			{"a ward of Hà Nội", []string{"--date", "2026-03-01", "--commune", "00004"}, 0},
			{"Lâm Đồng, before", []string{"--date", "2025-12-31", "--province", "68"}, 0},
			{"Lâm Đồng, after", []string{"--date", "2027-01-01", "--province", "68", "--income", "2200000"}, 0},
		}
		for _, c := range cases {
			v := voluntary(t, db, c.args...)
			if v["local_support"] != c.local {
				t.Errorf("%s: local support %d, want %d", c.name, v["local_support"], c.local)
			}
			if c.local > 0 && v["participant_pays"] != 330000-132000-c.local {
				t.Errorf("%s: pays %d", c.name, v["participant_pays"])
			}
		}
		_, errs, code := run(t, db, "calc", "voluntary", "--income", "1500000", "--group", "near_poor", "--province", "01", "--commune", "24781")
		if code != 2 || !strings.Contains(errs, "not in province 01") {
			t.Errorf("commune outside the province: %d %s", code, errs)
		}
		// The budget: 100 near-poor participants in Xuân Hương for 2026 cost
		// 100 × 33,000 × 12; with +5 points, 100 × 49,500 × 12.
		counts := filepath.Join(t.TempDir(), "counts.csv")
		os.WriteFile(counts, []byte("commune_code,scheme,group,count\n24781,voluntary_bhxh,near_poor,100\n"), 0o644)
		out := mustRun(t, db, "calc", "support-budget", "--province", "68", "--year", "2026", "--participants", counts, "--what-if", "near_poor=+5%", "--format", "json")
		var b struct{ Baseline, Changed int64 }
		json.Unmarshal([]byte(out), &b)
		if b.Baseline != 39600000 || b.Changed != 59400000 {
			t.Errorf("budget %+v\n%s", b, out)
		}
	})
}

func TestCalcBadInput(t *testing.T) {
	db := testutil.URL(t, "sqlite")
	for _, args := range [][]string{
		{"calc", "voluntary", "--income", "-5", "--group", "other"},
		{"calc", "voluntary", "--income", "1000000", "--group", "other", "--date", "2026-01-01"},
		{"calc", "voluntary", "--income", "1500000", "--group", "rich"},
		{"calc", "voluntary", "--income", "1500000", "--group", "other", "--date", "2010-01-01"},
		{"calc", "household", "--members", "0"},
		{"calc", "late-charge", "--amount", "100", "--from", "2026-01-10", "--to", "2026-01-01"},
		{"calc", "compulsory", "--salary", "1,000,000"},
	} {
		out, errs, code := run(t, db, args...)
		if code != 2 || out != "" || errs == "" {
			t.Errorf("%v: exit %d, out %q, err %q", args, code, out, errs)
		}
	}
}
