package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// TestCalcSameThroughAPIAndPage checks the public calculators give the worked
// examples' figures through the JSON API and the page (the CLI has its own test).
func TestCalcSameThroughAPIAndPage(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		body := f.get(http.DefaultClient, "/api/v1/calc/voluntary?date=2025-08-01&income=1500000&group=ethnic_minority&months=12", 200)
		var v map[string]int64
		json.Unmarshal([]byte(body), &v)
		if v["state_support"] != 99000 || v["participant_pays"] != 231000 || v["total"] != 2772000 { // V6
			t.Errorf("API V6: %s", body)
		}
		page := f.get(http.DefaultClient, "/calc?kind=voluntary&date=2025-08-01&income=1500000&group=ethnic_minority&months=12", 200)
		for _, want := range []string{"330.000", "99.000", "231.000", "2.772.000"} {
			if !strings.Contains(page, `<td class="num">`+want+`</td>`) {
				t.Errorf("page lacks %s", want)
			}
		}
		page = f.get(http.DefaultClient, "/calc?kind=compulsory&date=2026-08-01&salary=60000000&lang=en", 200)
		if !strings.Contains(page, "10,973,000") || !strings.Contains(page, "5,407,000") { // C3
			t.Error("English page lacks C3 totals")
		}
		bad := f.get(http.DefaultClient, "/calc?kind=voluntary&income=-1&group=other", 400)
		if !strings.Contains(bad, `id="calc-error"`) {
			t.Error("bad input shows no error")
		}
		f.get(http.DefaultClient, "/api/v1/calc/voluntary?income=1500000&group=rich", 400)
		f.get(http.DefaultClient, "/api/v1/calc/nothing", 400)
		pol := f.get(http.DefaultClient, "/api/v1/policy", 200)
		if !strings.Contains(pol, `"base_salary_vnd"`) || !strings.Contains(pol, "2530000") {
			t.Error("policy tables lack the 2026 base salary")
		}
	})
}

func TestPolicyWritesAndBudgetNeedGrants(t *testing.T) {
	f := newFixture(t, testutil.NewStore(t, store.SQLite))
	officer, admin := f.token("xuanhuong"), f.token("admin")
	csv := "province_code,scheme,group,percent,valid_from,valid_to,resolution\n68,household_bhyt,all,20,2026-01-01,,NQ test\n"
	f.api("POST", "/api/v1/policy/topups", officer, csv, 403)
	f.api("POST", "/api/v1/policy/topups?dry_run=true", admin, csv, 200)
	f.api("POST", "/api/v1/policy/topups", admin, csv, 200)
	var h struct {
		Members []struct {
			Monthly int64 `json:"monthly"`
		} `json:"members"`
	}
	json.Unmarshal([]byte(f.get(http.DefaultClient, "/api/v1/calc/household?date=2026-03-01&members=1&province=68", 200)), &h)
	if len(h.Members) != 1 || h.Members[0].Monthly != 105300-21060 {
		t.Errorf("household with a 20 %% top-up: %+v", h)
	}
	counts := "commune_code,scheme,group,count,member_order\n24781,household_bhyt,all,10,1\n"
	f.api("POST", "/api/v1/calc/support-budget?province=01&year=2026", officer, counts, 403)
	out := f.api("POST", "/api/v1/calc/support-budget?province=68&year=2026", admin, counts, 200)
	if !strings.Contains(out, `"baseline"`) {
		t.Errorf("budget: %s", out)
	}
}

func TestRegistryImportThroughAPI(t *testing.T) {
	f := newFixture(t, testutil.NewStore(t, store.SQLite))
	den := "unit_code,year,population,labour_force\n24781,2026,103178,56700\n"
	f.api("POST", "/api/v1/import/denominators?date=2026-01-01", f.token("xuanhuong"), den, 403) // commune officers do not write the registry
	dry := f.api("POST", "/api/v1/import/denominators?date=2026-01-01&dry_run=true", f.token("admin"), den, 200)
	if !strings.Contains(dry, `"denominators": 1`) {
		t.Errorf("dry run: %s", dry)
	}
	bad := f.api("POST", "/api/v1/import/denominators?date=2026-01-01&file=den.csv", f.token("admin"), "unit_code,year,population,labour_force\n24781,2026,10,20\n", 400)
	if !strings.Contains(bad, `"row": 2`) || !strings.Contains(bad, "labour_force") {
		t.Errorf("bad file: %s", bad)
	}
	f.api("POST", "/api/v1/import/denominators?date=2026-01-01", f.token("admin"), den, 200)
	var cov struct{ Denominator int64 }
	json.Unmarshal([]byte(f.api("GET", "/api/v1/coverage/24781?date=2026-03-01", f.token("admin"), "", 200)), &cov)
	if cov.Denominator != 103178 {
		t.Errorf("denominator after the import: %d", cov.Denominator)
	}
}
