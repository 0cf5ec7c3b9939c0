package app

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"

	"github.com/phusong/phusong/internal/store"
)

// A rebuild (a server starting on a loaded store, or an index dropped) builds every
// person from their stored cards and periods. It used to hold all of those rows in
// memory, by holder, until the persons took them: some 24 bytes a row and a map
// entry a holder, a gigabyte at ten million persons and beyond a 24 GB machine at a
// hundred million. It now reads the rows and then the persons once each, in the
// store's order, and files them on disk (spill) in buckets by holder: a row under
// the bucket of the BHXH code it is filed under, a person under the bucket of their
// code. It then takes the buckets one at a time: a bucket's rows into memory, and its
// persons built from them, so it holds one bucket's rows at a time. The other persons
// under a code are in the code's bucket too. Rows filed under "id:" + national ID
// (periods of a person with no BHXH code yet; few) are held for the whole rebuild,
// since their person is filed by code.

// rebuildBuckets is how many buckets a rebuild files the rows in.
const rebuildBuckets = 64

// eachBucket calls fn with every stored person, a bucket at a time, with the rows
// filed under them in ivs (fn takes them out, as engine.person does) and their BHYT
// cards keyed for the book; then calls unplaced with each holder whose rows no
// person took, and their number. It logs its progress to log, when not nil: the
// rows and persons read, then every eighth of the buckets.
func eachBucket(ctx context.Context, st *store.Store, buckets int, log *slog.Logger, fn func(p store.PersonRow, ivs *heldRows, cards []keyedInterval) error, unplaced func(holder string, n int)) (err error) {
	dir, err := os.MkdirTemp("", "phusong-rebuild-")
	if err != nil {
		return err
	}
	rows, persons := newSpill(dir, "rows", buckets), newSpill(dir, "persons", buckets)
	defer func() { err = errors.Join(err, rows.close(), persons.close(), os.Remove(dir)) }()

	ids := newHeldRows()
	var nRows, nPersons int
	// The cards with their numbers, for the book; the periods without their keys.
	for _, what := range []store.IntervalsOf{{Cards: true, Keys: true}, {Periods: true}} {
		if err := st.EachIntervalOf(ctx, nil, what, func(x store.IntervalRow) error {
			nRows++
			if strings.HasPrefix(x.Holder, "id:") {
				ids.add(x)
				return nil
			}
			return rows.writeRow(x.Holder, heldOf(x))
		}); err != nil {
			return err
		}
	}
	if err := st.EachPerson(ctx, nil, func(p store.PersonRow) error {
		nPersons++
		return persons.writePerson(p)
	}); err != nil {
		return err
	}
	if log != nil {
		log.Info("coverage index: rows read", "cards_and_periods", nRows, "persons", nPersons, "buckets", buckets)
	}

	var cards []keyedInterval
	var mine []heldRow
	for b := range buckets {
		if err := ctx.Err(); err != nil {
			return err
		}
		ivs := newHeldRows()
		if err := rows.eachRow(b, func(k uint64, holder string, r heldRow) {
			if holder == "" {
				ivs.putPacked(k, r)
			} else {
				ivs.put(holder, r)
			}
		}); err != nil {
			return err
		}
		if err := rows.drop(b); err != nil {
			return err
		}
		err := persons.eachPerson(b, func(p store.PersonRow) error {
			// The rows under the person's national ID join those of their bucket, in
			// the order read.
			if id := "id:" + p.NationalID; p.NationalID != "" && ids.has(id) {
				mine = mine[:0]
				ids.each(id, func(r heldRow) { mine = append(mine, r) })
				for i := len(mine) - 1; i >= 0; i-- {
					ivs.put(id, mine[i])
				}
				ids.take(id)
			}
			if p.BHXHCode != "" {
				cards = ivs.cards(p.BHXHCode, cards)
			} else {
				cards = cards[:0]
			}
			return fn(p, ivs, cards)
		})
		if err != nil {
			return err
		}
		if err := persons.drop(b); err != nil {
			return err
		}
		ivs.remaining(unplaced)
		if log != nil && (b+1)%max(buckets/8, 1) == 0 {
			log.Info("coverage index: building", "buckets_done", b+1, "of", buckets)
		}
	}
	ids.remaining(unplaced)
	return nil
}
