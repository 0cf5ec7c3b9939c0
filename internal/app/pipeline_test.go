package app

import (
	"errors"
	"testing"

	"github.com/phusong/phusong/internal/registry"
)

func TestPipelineOrderAndErrors(t *testing.T) {
	read := func(n int, fail error) func(func(registry.Row) error) error {
		return func(emit func(registry.Row) error) error {
			for i := 1; i <= n; i++ {
				if err := emit(registry.Card{Row: i}); err != nil {
					return err
				}
			}
			return fail
		}
	}
	// Every row arrives, in file order, across several batches.
	var got []int
	if err := pipeline(read(3*pipelineBatch+5, nil), func(r registry.Row) error {
		got = append(got, r.SourceRow())
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3*pipelineBatch+5 {
		t.Fatalf("got %d rows, want %d", len(got), 3*pipelineBatch+5)
	}
	for i, r := range got {
		if r != i+1 {
			t.Fatalf("row %d arrived as %d", i+1, r)
		}
	}
	// A writer error stops the reader and is returned.
	boom := errors.New("disk full")
	emitted := 0
	err := pipeline(func(emit func(registry.Row) error) error {
		for i := 1; i <= 100*pipelineBatch; i++ {
			emitted = i
			if err := emit(registry.Card{Row: i}); err != nil {
				return err
			}
		}
		return nil
	}, func(r registry.Row) error {
		if r.SourceRow() == 3000 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) {
		t.Fatalf("writer error: got %v", err)
	}
	if emitted >= 100*pipelineBatch {
		t.Fatalf("the reader went on to the end (%d rows) after the writer failed", emitted)
	}
	// A bad file (the reader's error) comes back as it is.
	bad := errors.New("persons.csv row 7: bad")
	if err := pipeline(read(10, bad), func(registry.Row) error { return nil }); err != bad {
		t.Fatalf("reader error: got %v", err)
	}
}
