package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/testutil"
)

func importJSON(t *testing.T, db, kind string, extra ...string) map[string]any {
	t.Helper()
	out := mustRun(t, db, append([]string{"import", kind, "testdata/" + kind + ".csv", "--date", "2026-01-01", "--format", "json"}, extra...)...)
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return v
}

func TestRegistryImports(t *testing.T) {
	testutil.EachURL(t, func(t *testing.T, db string) {
		importJSON(t, db, "villages")
		dry := importJSON(t, db, "persons", "--dry-run")
		if dry["dry_run"] != true || dry["rows"].(map[string]any)["persons"] != float64(5) {
			t.Errorf("dry run: %v", dry)
		}
		for _, kind := range []string{"persons", "residents", "bhyt_cards", "bhxh_periods", "denominators", "targets"} {
			v := importJSON(t, db, kind)
			if len(v["rows"].(map[string]any)) == 0 {
				t.Errorf("%s wrote nothing: %v", kind, v)
			}
		}
		importJSON(t, db, "persons") // the same file again changes nothing
		count := func(q string) int {
			s := testutil.OpenURL(t, db)
			var n int
			if err := s.DB().QueryRow(q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count("SELECT COUNT(*) FROM persons"); n != 6 {
			t.Errorf("%d persons after persons + residents, want 6 (5 insured, 1 resident only)", n)
		}
		if n := count("SELECT COUNT(*) FROM persons WHERE resident = 1 AND insured = 1"); n != 5 {
			t.Errorf("%d persons both resident and insured", n)
		}
		if n := count("SELECT COUNT(*) FROM bhyt_cards WHERE province_code = '68'"); n != 5 {
			t.Errorf("%d cards filed under the holders' province 68 (one was issued in 79)", n)
		}
		_, errs, code := run(t, db, "import", "persons", "testdata/persons-bad.csv", "--date", "2026-01-01")
		if code != 2 || !strings.Contains(errs, "persons-bad.csv:3:5") {
			t.Errorf("bad sex: exit %d\n%s", code, errs)
		}
		if n := count("SELECT COUNT(*) FROM persons WHERE national_id = '068085099999'"); n != 0 {
			t.Error("the good first row of a rejected file was written")
		}
	})
}

func TestDuplicatesFound(t *testing.T) {
	testutil.EachURL(t, func(t *testing.T, db string) {
		importJSON(t, db, "villages")
		importJSON(t, db, "persons")
		mustRun(t, db, "import", "persons", "testdata/persons-dup.csv", "--date", "2026-01-01")
		out := mustRun(t, db, "duplicates", "--unit", "24781", "--date", "2026-01-01", "--format", "csv")
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 || !strings.HasPrefix(lines[1], "possible_same_person,") || !strings.Contains(lines[1], "068085012345") || !strings.Contains(lines[1], "068085077777") {
			t.Errorf("duplicates:\n%s", out)
		}
		if out := mustRun(t, db, "duplicates", "--unit", "24787", "--date", "2026-01-01", "--format", "csv"); strings.Count(out, "\n") != 1 {
			t.Errorf("Cam Ly has no duplicates:\n%s", out)
		}
	})
}
