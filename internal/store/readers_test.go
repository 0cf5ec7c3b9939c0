package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/phusong/phusong/internal/registry"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// Reads answer while an import holds the writer, from the last commit: on SQLite
// the import's connection is the only writer, and the dashboard, sign-in and lists
// must not wait for it.
func TestReadsAnswerDuringAnImport(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		importRows(t, s, "first", []registry.Row{loadPerson(1, "68", "A 1")}, nil)
		ver, err := s.RegistryVersion(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		tx, err := s.BeginRegistry(context.Background(), "second")
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		for i := 2; i < 1200; i++ { // more than a batch: rows are written, not only buffered
			if err := tx.Add(loadPerson(i, "68", "B")); err != nil {
				t.Fatal(err)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		got, err := s.RegistryVersion(ctx)
		if err != nil || got != ver {
			t.Fatalf("version during the import: %q %v, want %q", got, err, ver)
		}
		n := 0
		if err := s.EachPerson(ctx, nil, func(store.PersonRow) error { n++; return nil }); err != nil || n != 1 {
			t.Fatalf("persons during the import: %d %v, want the 1 committed", n, err)
		}
		if _, err := s.Atlas(ctx); err != nil {
			t.Fatalf("atlas during the import: %v", err)
		}
	})
}

// On a SQLite file the writer's commits do not checkpoint; a connection of its own
// does, after each import.
func TestCheckpointsBesideTheWriter(t *testing.T) {
	s := testutil.NewStore(t, store.SQLite)
	var auto int
	if err := s.DB().QueryRow("PRAGMA wal_autocheckpoint").Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("writer's wal_autocheckpoint = %d %v, want 0", auto, err)
	}
	var rows []registry.Row
	for i := range 3000 {
		rows = append(rows, loadPerson(i, "68", "A"))
	}
	before := store.Checkpoints(s)
	importRows(t, s, "a", rows, nil)
	deadline := time.Now().Add(10 * time.Second)
	for store.Checkpoints(s) == before {
		if time.Now().After(deadline) {
			t.Fatal("no checkpoint after the import")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if logFrames, copied, err := store.Checkpoint(s); err != nil || logFrames != copied {
		t.Fatalf("log of %d frames, %d copied, %v", logFrames, copied, err)
	}
}
