package app

import (
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/coverage"
)

// ahead hands over every change in order, with intervals of its own although the
// sequence reuses one buffer, and a taker that stops ends the sequence before ahead
// returns.
func TestAheadKeepsOrderAndCopies(t *testing.T) {
	const n = 20*aheadBatch + 17 // many more than ahead holds
	made, done := 0, false
	seq := func(yield func(coverage.Change) bool) {
		defer func() { done = true }()
		buf := make([]coverage.Interval, 2)
		for i := range n {
			made++
			buf[0] = coverage.Interval{From: civil.Date(i), To: civil.Date(i + 1)}
			buf[1] = coverage.Interval{From: civil.Date(i + 5), To: civil.Date(i + 9)}
			if !yield(coverage.Replace(int32(i), coverage.BHYT, buf[:1+i%2])) {
				return
			}
		}
	}
	// A change's intervals hold until the next is asked for.
	i := 0
	for ch := range ahead(seq) {
		if int(ch.Person) != i || len(ch.Intervals) != 1+i%2 || ch.Intervals[0].From != civil.Date(i) || (i%2 == 1 && ch.Intervals[1].To != civil.Date(i+9)) {
			t.Fatalf("change %d: %+v", i, ch)
		}
		i++
	}
	if i != n || !done {
		t.Fatalf("%d changes taken of %d; sequence ended: %v", i, n, done)
	}

	made, done = 0, false
	taken := 0
	for range ahead(seq) {
		if taken++; taken == aheadBatch+3 {
			break
		}
	}
	if !done || made >= n {
		t.Fatalf("after the taker stopped at %d: sequence ended %v, made %d of %d", taken, done, made, n)
	}
}

// A panic in the sequence reaches the taker's goroutine.
func TestAheadPanicReachesTheTaker(t *testing.T) {
	defer func() {
		if r := recover(); r != "book broken" {
			t.Errorf("recovered %v, want the sequence's panic", r)
		}
	}()
	for range ahead(func(yield func(coverage.Change) bool) {
		for i := range 2 * aheadBatch {
			if i == aheadBatch+5 {
				panic("book broken")
			}
			if !yield(coverage.Replace(int32(i), coverage.BHYT, nil)) {
				return
			}
		}
	}) {
	}
	t.Error("no panic")
}
