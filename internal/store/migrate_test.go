package store

import (
	"strings"
	"testing"
)

// TestSplitStatementsKeepsBodies splits a migration with a SQLite trigger and a
// PostgreSQL function: their inner statements stay in one statement.
func TestSplitStatementsKeepsBodies(t *testing.T) {
	text := `-- a comment
CREATE TABLE a (x INTEGER);
CREATE TRIGGER t AFTER UPDATE ON a
BEGIN
    INSERT INTO a VALUES (1);
    DELETE FROM a WHERE x = 2;
END;
CREATE FUNCTION f() RETURNS void LANGUAGE sql AS $$
    INSERT INTO a VALUES (1);
    DELETE FROM a;
$$;
CREATE FUNCTION g() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM f();
    RETURN NULL;
END $$;
SELECT 1;
`
	got := splitStatements(text)
	want := []string{"CREATE TABLE", "CREATE TRIGGER", "CREATE FUNCTION f", "CREATE FUNCTION g", "SELECT 1"}
	if len(got) != len(want) {
		t.Fatalf("%d statements, want %d: %q", len(got), len(want), got)
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("statement %d starts %q, want %q", i+1, got[i][:min(len(got[i]), 30)], w)
		}
	}
	if !strings.Contains(got[1], "DELETE FROM a WHERE x = 2;\nEND;") {
		t.Errorf("trigger body split: %q", got[1])
	}
}

// TestProvinceMapKeepsKeysApart packs keys of every shape the registry uses and
// keeps apart keys that differ only in leading zeros or prefix.
func TestProvinceMapKeepsKeysApart(t *testing.T) {
	m := newProvinceMap()
	set := map[string]string{
		"068085012345":    "68",
		"6801234567":      "01",
		"bhxh:6801234567": "79",
		"0123":            "04",
		"123":             "08",
		"x-1":             "11",
		"0000000001":      "ABC", // a province of another shape
	}
	for k, p := range set {
		m.set(k, p)
	}
	m.set("6801234567", "96") // moved
	set["6801234567"] = "96"
	for k, want := range set {
		if got, ok := m.get(k); !ok || got != want {
			t.Errorf("%q: %q %v, want %q", k, got, ok, want)
		}
	}
	if _, ok := m.get("068085012346"); ok {
		t.Error("a key never set was found")
	}
	if len(m.other) != 2 {
		t.Errorf("%d keys kept as strings, want 2 (x-1 and the odd province)", len(m.other))
	}
}
