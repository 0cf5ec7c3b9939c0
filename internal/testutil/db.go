// Package testutil gives tests a database: SQLite always, and PostgreSQL when
// PHUSONG_TEST_PG names a server (CI sets it; locally those subtests skip).
package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/store"
)

// PGEnv names the PostgreSQL server for tests, e.g.
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable
const PGEnv = "PHUSONG_TEST_PG"

// Dialects are the stores every store test runs on.
var Dialects = []store.Dialect{store.SQLite, store.Postgres}

// EachStore runs fn once on a fresh SQLite store and once on a fresh PostgreSQL store.
func EachStore(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			fn(t, NewStore(t, d))
		})
	}
}

// EachURL is EachStore for tests that need the database URL itself (CLI, server).
func EachURL(t *testing.T, fn func(t *testing.T, url string)) {
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, URL(t, d)) })
	}
}

// NewStore opens a fresh, migrated store of a dialect, closed when the test ends.
func NewStore(t testing.TB, d store.Dialect) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), URL(t, d))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// URL is the address of a fresh, empty database: a file in the test's temporary
// directory, or a new schema on the PostgreSQL server, dropped at the end.
func URL(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "phusong.db")
	}
	base := os.Getenv(PGEnv)
	if base == "" {
		t.Skip(PGEnv + " is not set; PostgreSQL tests skipped")
	}
	schema := "t_" + randomHex(6)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema on %s: %v", PGEnv, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			_, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE")
			db.Close()
		}
	})
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + "search_path=" + schema
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// OpenURL opens another handle on a test database, closed at the end of the test.
func OpenURL(t testing.TB, url string) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
