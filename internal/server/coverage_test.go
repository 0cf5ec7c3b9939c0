package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	neturl "net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/cli"
	"github.com/phusong/phusong/internal/testutil"
)

// TestCoverageSameThroughCLIAPIAndPage imports the two-ward fixture and reads the
// same figures from the command line, the JSON API and the unit page.
func TestCoverageSameThroughCLIAPIAndPage(t *testing.T) {
	testutil.EachURL(t, func(t *testing.T, url string) {
		for _, k := range []string{"villages", "persons", "residents", "bhyt_cards", "bhxh_periods", "denominators", "targets"} {
			var out, errb bytes.Buffer
			if code := cli.Main(context.Background(), []string{"import", k, "../cli/testdata/" + k + ".csv", "--date", "2026-01-01", "--db", url}, nil, &out, &errb); code != 0 {
				t.Fatalf("import %s: %s", k, errb.String())
			}
		}
		var out bytes.Buffer
		cli.Main(context.Background(), []string{"coverage", "--unit", "24781", "--date", "2026-03-01", "--format", "json", "--db", url}, nil, &out, os.Stderr)
		var fromCLI app.CoverageResult
		if err := json.Unmarshal(out.Bytes(), &fromCLI); err != nil {
			t.Fatal(err, out.String())
		}
		f := newFixture(t, testutil.OpenURL(t, url))
		var fromAPI app.CoverageResult
		json.Unmarshal([]byte(f.api("GET", "/api/v1/coverage/24781?date=2026-03-01", f.token("xuanhuong"), "", 200)), &fromAPI)
		if fromCLI.Covered != 3 || fromAPI.Covered != fromCLI.Covered || fromAPI.Denominator != fromCLI.Denominator || *fromAPI.RatePercent != *fromCLI.RatePercent {
			t.Errorf("CLI %+v, API %+v", fromCLI, fromAPI)
		}
		page := f.get(f.browser("xuanhuong"), "/units/24781?date=2026-03-01", 200)
		if !strings.Contains(page, "3 / 103.178") || !strings.Contains(page, `id="gap-total"`) {
			t.Error("the unit page does not show 3 of 103.178 covered")
		}
		var prog app.ProgressResult
		json.Unmarshal([]byte(f.api("GET", "/api/v1/targets/24781/progress?date=2026-03-01", f.token("admin"), "", 200)), &prog)
		// 96 % of 103,178 = 99,050.88 → 99,051 needed; 3 covered.
		if len(prog.Indicators) != 1 || prog.Indicators[0].GapPersons != 99048 || prog.GapPersonsTotal != 99048 {
			t.Errorf("progress %+v", prog)
		}
		if !strings.Contains(page, "<b>99.048</b>") {
			t.Error("the page lacks the persons needed")
		}
		f.api("GET", "/api/v1/coverage/24787?date=2026-03-01", f.token("xuanhuong"), "", 403)
		if !strings.Contains(page, `id="to-lists"`) || strings.Contains(page, "/targets/split") {
			t.Error("the ward officer's page links to the lists and offers no split")
		}
		// The admin hands Lâm Đồng's BHYT target down to its communes from the page.
		admin := f.browser("admin")
		prov := f.get(admin, "/units/68?date=2026-03-01", 200)
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(prov)[1]
		resp, err := admin.PostForm(f.srv.URL+"/units/68/targets/split", neturl.Values{"csrf": {csrf}, "date": {"2026-03-01"},
			"indicator": {"bhyt_population_pct"}, "deadline": {"2026-12-31"}, "method": {"equal_rate"}})
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), `id="split-note"`) {
			t.Errorf("split: %d %s", resp.StatusCode, regexp.MustCompile(`id="error-message">[^<]*`).FindString(string(body)))
		}
		var camLy app.ProgressResult
		json.Unmarshal([]byte(f.api("GET", "/api/v1/targets/24787/progress?date=2026-03-01", f.token("admin"), "", 200)), &camLy)
		if len(camLy.Indicators) != 1 || camLy.Indicators[0].Target != "96" {
			t.Errorf("Cam Ly after the split: %+v", camLy.Indicators)
		}
		if !strings.Contains(prov, `<svg id="map"`) || strings.Count(prov, "<path ") != 124 {
			t.Errorf("province map has %d areas", strings.Count(prov, "<path "))
		}
	})
}
