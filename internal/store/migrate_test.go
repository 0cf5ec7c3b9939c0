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
