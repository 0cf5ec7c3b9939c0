package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/importer"
	"github.com/phusong/phusong/internal/registry"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// TestRepeatFarApartReportedByRow imports into an empty registry a persons file whose
// 20,000th row repeats the first's national ID, with the duplicate check holding 5,000 keys
// at a time (registry.KeysInMemory), so the reader finds the repeat only at the end of
// the file, after the store met it (on PostgreSQL the load COPYs without checking
// keys: store.RegistryTx.KeysUnique). The import returns the reader's problem at the
// repeated row, and writes nothing.
func TestRepeatFarApartReportedByRow(t *testing.T) {
	defer func(n int) { registry.KeysInMemory = n }(registry.KeysInMemory)
	registry.KeysInMemory = 5000
	// The 20,000th row repeats row 2: the PostgreSQL store COPYs the first 20,000
	// rows in one batch as that row arrives, while the reader still has 20,000 rows
	// to go before the end of the file.
	sink := generated(t, 41000, 4)
	lines := strings.Split(strings.TrimSpace(string(sink.File("persons.csv"))), "\n")[:40001]
	first := strings.Split(lines[1], ",")
	first[1] = "" // row 2 again, without its BHXH code (which would repeat too)
	lines[20000] = strings.Join(first, ",")
	body := strings.Join(lines, "\n") + "\n"
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		a := keptApp(t, s, sink)
		_, err := a.ImportRegistry(context.Background(), System, "persons", "persons.csv", strings.NewReader(body), civil.MustParse("2026-06-30"), false, nil)
		var ps importer.Problems
		if !errors.As(err, &ps) {
			t.Fatalf("got %v, want the file's problems", err)
		}
		if len(ps) != 1 || ps[0].Row != 20001 || ps[0].ColumnName != "national_id" || !strings.Contains(ps[0].EN, "duplicate of row 2") {
			t.Fatalf("problems %v, want row 20001 national_id a duplicate of row 2", ps)
		}
		var n int
		if err := s.DB().QueryRow("SELECT COUNT(*) FROM persons").Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d persons written (%v)", n, err)
		}
	})
}
