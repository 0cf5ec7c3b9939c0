package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/testutil"
)

// run calls the real Main in-process.
func run(t *testing.T, db string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), append(args, "--db", db), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

func mustRun(t *testing.T, db string, args ...string) string {
	t.Helper()
	out, errs, code := run(t, db, args...)
	if code != 0 {
		t.Fatalf("phusong %v: exit %d\n%s", args, code, errs)
	}
	return out
}

func TestUnitsCommands(t *testing.T) {
	testutil.EachURL(t, func(t *testing.T, db string) {
		count := func(args ...string) int {
			var v []map[string]any
			if err := json.Unmarshal([]byte(mustRun(t, db, append(args, "--format", "json")...)), &v); err != nil {
				t.Fatal(err)
			}
			return len(v)
		}
		if n := count("units", "list", "--level", "province", "--date", "2025-06-30"); n != 63 {
			t.Errorf("provinces on 2025-06-30: %d", n)
		}
		if n := count("units", "list", "--level", "province", "--date", "2025-07-01"); n != 34 {
			t.Errorf("provinces on 2025-07-01: %d", n)
		}
		if n := count("units", "list", "--level", "commune", "--date", "2025-07-01"); n != 3321 {
			t.Errorf("communes on 2025-07-01: %d", n)
		}
		if n := count("units", "list", "--parent", "68", "--date", "2026-01-01"); n != 124 {
			t.Errorf("communes of Lâm Đồng: %d", n)
		}
		var succ []struct {
			Code  string  `json:"code"`
			Name  string  `json:"name"`
			Share float64 `json:"share"`
		}
		json.Unmarshal([]byte(mustRun(t, db, "units", "successors", "24769", "--date", "2025-01-01", "--format", "json")), &succ)
		if len(succ) != 1 || succ[0].Code != "24846" || succ[0].Name != "Phường Lang Biang - Đà Lạt" || succ[0].Share != 1 {
			t.Errorf("successors of Phường 7 Đà Lạt: %+v", succ)
		}
		out := mustRun(t, db, "units", "show", "00004", "--date", "2025-06-30")
		if !strings.Contains(out, "Phường Trúc Bạch") || !strings.Contains(out, "00004 Phường Ba Đình") {
			t.Errorf("show 00004 on 2025-06-30:\n%s", out)
		}
		var preds []map[string]any
		json.Unmarshal([]byte(mustRun(t, db, "units", "predecessors", "24846", "--date", "2025-07-01", "--format", "json")), &preds)
		if len(preds) != 3 {
			t.Errorf("Lang Biang has %d predecessors, want 3", len(preds))
		}
		_, errs, code := run(t, db, "units", "show", "67", "--date", "2026-01-01")
		if code != 3 || !strings.Contains(errs, "67") {
			t.Errorf("Đắk Nông after the merger: exit %d %s", code, errs)
		}
	})
}

func TestRebaseCommand(t *testing.T) {
	db := testutil.URL(t, "sqlite")
	file := filepath.Join(t.TempDir(), "figures-2024.csv")
	// Đà Lạt's 16 old units, 100 people each, plus Lạc Dương's two that joined Lang Biang.
	codes := []string{"24784", "24781", "24802", "24793", "24796", "24790", "24787", "24808", "24772", "24778", "24775", "24799", "24805", "24810", "24811", "24769", "24846", "24862"}
	var b strings.Builder
	b.WriteString("unit_code,value\n")
	for _, c := range codes {
		b.WriteString(c + ",100\n")
	}
	b.WriteString("00007,101\n")
	os.WriteFile(file, []byte(b.String()), 0o644)
	out := mustRun(t, db, "units", "rebase", "--from-date", "2024-12-31", "--to-date", "2026-01-01", file, "--format", "csv")
	want := map[string]string{"24781": "500", "24787": "300", "24778": "300", "24805": "400", "24846": "300"}
	var total int
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[1:] {
		parts := strings.Split(line, ",")
		if w, ok := want[parts[0]]; ok && parts[1] != w {
			t.Errorf("%s = %s, want %s", parts[0], parts[1], w)
		}
		var v int
		json.Unmarshal([]byte(parts[1]), &v)
		total += v
	}
	if total != 1800+101 {
		t.Errorf("total %d, want %d\n%s", total, 1901, out)
	}
}

func TestImportVillagesAllOrNothing(t *testing.T) {
	testutil.EachURL(t, func(t *testing.T, db string) {
		dir := t.TempDir()
		good := filepath.Join(dir, "villages.csv")
		os.WriteFile(good, []byte("commune_code,village_code,village_name\n24781,T1,Tổ dân phố 1\n24781,T2,Tổ dân phố 2\n"), 0o644)
		bad := filepath.Join(dir, "bad.csv")
		os.WriteFile(bad, []byte("commune_code,village_code,village_name\n24787,A1,Thôn A\n99999,B1,Thôn B\n"), 0o644)

		out := mustRun(t, db, "import", "villages", good, "--dry-run", "--date", "2026-01-01")
		if !strings.Contains(out, "nothing written") {
			t.Errorf("dry run: %s", out)
		}
		if n := strings.Count(mustRun(t, db, "units", "list", "--parent", "24781", "--date", "2026-01-01", "--format", "csv"), "\n"); n != 1 {
			t.Errorf("dry run wrote %d villages", n-1)
		}
		_, errs, code := run(t, db, "import", "villages", bad, "--date", "2026-01-01")
		if code != 2 || !strings.Contains(errs, "bad.csv:3:1") || !strings.Contains(errs, "commune_code") {
			t.Errorf("bad file: exit %d\n%s", code, errs)
		}
		if n := strings.Count(mustRun(t, db, "units", "list", "--parent", "24787", "--date", "2026-01-01", "--format", "csv"), "\n"); n != 1 {
			t.Errorf("a rejected file wrote %d villages", n-1)
		}
		mustRun(t, db, "import", "villages", good, "--date", "2026-01-01")
		mustRun(t, db, "import", "villages", good, "--date", "2026-01-01") // idempotent
		if n := strings.Count(mustRun(t, db, "units", "list", "--parent", "24781", "--date", "2026-01-01", "--format", "csv"), "\n"); n != 3 {
			t.Errorf("after import: %d lines", n)
		}
	})
}

func TestUsersGrantsTokens(t *testing.T) {
	db := testutil.URL(t, "sqlite")
	out := mustRun(t, db, "user", "add", "an", "--name", "Nguyễn Văn An")
	if !strings.Contains(out, "password:") {
		t.Errorf("no generated password: %s", out)
	}
	mustRun(t, db, "user", "grant", "an", "--role", "commune_officer", "--unit", "24781")
	_, errs, code := run(t, db, "user", "grant", "an", "--role", "mayor", "--unit", "24781")
	if code != 2 || !strings.Contains(errs, "unknown role") {
		t.Errorf("unknown role: %d %s", code, errs)
	}
	_, _, code = run(t, db, "user", "grant", "an", "--role", "commune_officer", "--unit", "67")
	if code != 3 {
		t.Errorf("grant on a unit not in force today: exit %d", code)
	}
	tok := strings.TrimSpace(mustRun(t, db, "token", "create", "an"))
	if !strings.HasPrefix(tok, "psk_") {
		t.Errorf("token %q", tok)
	}
	list := mustRun(t, db, "user", "list")
	if !strings.Contains(list, "commune_officer@24781") {
		t.Errorf("user list:\n%s", list)
	}
	audit := mustRun(t, db, "audit", "--format", "csv")
	for _, action := range []string{"user.add", "user.grant", "token.create"} {
		if !strings.Contains(audit, action) {
			t.Errorf("audit lacks %s:\n%s", action, audit)
		}
	}
}

func TestUsageAndUnknownCommand(t *testing.T) {
	out, _, code := run(t, "x.db", "help")
	if code != 0 || !strings.Contains(out, "units") || !strings.Contains(out, "serve") {
		t.Errorf("help: %d %s", code, out)
	}
	if _, _, code := run(t, "x.db", "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d", code)
	}
}
