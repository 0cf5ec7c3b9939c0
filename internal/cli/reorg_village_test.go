package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/testutil"
)

// villageChildren are the villages of 24781 on a date with their covered persons.
func villageChildren(t *testing.T, db, date string) map[string]int64 {
	t.Helper()
	var v struct {
		Children []struct {
			UnitCode string `json:"unit_code"`
			Covered  int64  `json:"covered"`
		} `json:"children"`
	}
	out := mustRun(t, db, "coverage", "--unit", "24781", "--date", date, "--by", "children", "--format", "json")
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	m := map[string]int64{}
	for _, c := range v.Children {
		m[c.UnitCode] = c.Covered
	}
	return m
}

func TestImportReorgVillages(t *testing.T) {
	testutil.EachURL(t, func(t *testing.T, db string) {
		outreachDB(t, db)
		dir := t.TempDir()
		write := func(name, body string) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, []byte("date,kind,from_code,to_code,share,to_name,to_full_name,to_type,to_parent_code,source\n"+body), 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		merge := "2026-07-01,merge,24781/TDP01,24781/TDP01,,Tổ dân phố 1,,to_dan_pho,,QĐ thử\n2026-07-01,merge,24781/TDP02,24781/TDP01,,,,,,QĐ thử\n"
		bad := write("bad.csv", "2026-07-01,merge,24781/TDP01,24781/TDP02,,Hai,,to_dan_pho,,QĐ thử\n")
		_, errs, code := run(t, db, "import", "reorg", bad)
		if code != 2 || !strings.Contains(errs, "bad.csv:2:4 (to_code)") || !strings.Contains(errs, "có hai thôn/tổ mã TDP02") || !strings.Contains(errs, "has two villages with code TDP02") {
			t.Errorf("a clash of village codes: exit %d\n%s", code, errs)
		}
		good := write("merge.csv", merge)
		mustRun(t, db, "import", "reorg", good, "--dry-run")
		if got := villageChildren(t, db, "2026-08-01"); len(got) != 2 {
			t.Errorf("a dry run wrote the merge: %v", got)
		}
		mustRun(t, db, "import", "reorg", good)
		// An (card to the end of 2026) and Châu (to 31 August) are covered; Bình's
		// card ended on 31 May.
		if got := villageChildren(t, db, "2026-08-01"); len(got) != 1 || got["TDP01"] != 2 {
			t.Errorf("villages after the merge: %v", got)
		}
		if got := villageChildren(t, db, "2026-03-01"); len(got) != 2 || got["TDP01"] != 2 || got["TDP02"] != 1 {
			t.Errorf("villages before the merge: %v", got)
		}
		// The merged village by its own code: the persons filed under both old ones,
		// and its registry residents (An, Bình, Châu, Giang).
		var v struct {
			Covered     int64  `json:"covered"`
			Denominator int64  `json:"denominator"`
			Source      string `json:"denominator_source"`
			Series      []struct {
				Date    string `json:"date"`
				Covered int64  `json:"covered"`
			} `json:"series"`
		}
		js := mustRun(t, db, "coverage", "--unit", "24781/TDP01", "--date", "2026-08-01", "--series", "2", "--format", "json")
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			t.Fatalf("%v: %s", err, js)
		}
		// Series: 2026-06-30, on the old villages (An, Bình until 31 May: no; Châu), then
		// 2026-07-31 and the day asked on the merged one.
		if v.Covered != 2 || v.Denominator != 4 || v.Source != "registry" || len(v.Series) != 3 || v.Series[0].Covered != 2 || v.Series[2].Covered != 2 {
			t.Errorf("the merged village: %s", js)
		}
		if preds := mustRun(t, db, "units", "predecessors", "24781/TDP01", "--date", "2026-08-01", "--format", "json"); strings.Count(preds, `"code"`) != 2 {
			t.Errorf("the merged village's predecessors: %s", preds)
		}
		out := mustRun(t, db, "outreach", "uncovered", "--unit", "24781", "--village", "TDP01", "--date", "2026-09-15", "--format", "csv")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 4 || !strings.Contains(out, "068199003333,Phạm Thị Giang,1999-09-09,24781,TDP01,HGD-0005,,,,24781/TDP02,\n") {
			t.Errorf("the merged village's list:\n%s", out)
		}
		// The same file again changes nothing.
		if out := mustRun(t, db, "import", "reorg", good, "--format", "json"); !strings.Contains(out, `"unchanged": true`) {
			t.Errorf("the file again: %s", out)
		}
	})
}
