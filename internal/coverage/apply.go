package coverage

import (
	"fmt"
	"iter"
	"runtime"
	"slices"
	"sync"

	"github.com/phusong/phusong/internal/civil"
)

// Change is one line of a daily file: either the full new list of a person's
// intervals for one scheme (a card renewed or cancelled, a period ended), or a move.
// Build changes with Replace and MoveTo.
type Change struct {
	Person    int32
	Scheme    Scheme
	Intervals []Interval
	Move      *Residence // set for a move
}

// Replace is the change that makes ivs the person's whole list for scheme s.
func Replace(person int32, s Scheme, ivs []Interval) Change {
	return Change{Person: person, Scheme: s, Intervals: ivs}
}

// MoveTo is the change of a person who lives at r from r.From on. Days before
// r.From stay where they were; residences recorded from r.From on are replaced. A
// move dated civil.Min or earlier corrects the whole history.
func MoveTo(person int32, r Residence) Change {
	return Change{Person: person, Move: &r}
}

// Apply applies changes in order, each as the difference between the person's old
// and new coverage, visible to the next query. It checks every change first and
// applies none if one is invalid. Queries wait while it runs.
func (x *Index) Apply(changes []Change) error {
	_, err := x.Update(nil, changes)
	return err
}

// AddPerson adds a person after the build (a newborn, a new registration) and
// returns their number.
func (x *Index) AddPerson(p Person) (int32, error) {
	return x.Update([]Person{p}, nil)
}

// Update adds persons and applies changes (to persons already in the index) in one
// step: the next query sees all of it or, when a person or a change is invalid, none
// of it. The new persons are numbered from first on, in order. Queries wait while it
// runs. A large update (a whole file of new persons or cards) merges into each series
// once, as a build does, rather than change by change.
func (x *Index) Update(add []Person, changes []Change) (first int32, err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for i, p := range add {
		if err := x.checkPerson(p); err != nil {
			return 0, fmt.Errorf("người thêm %d / added person %d: %w", i+1, i+1, err)
		}
	}
	for i, ch := range changes {
		if err := x.checkChange(ch); err != nil {
			return 0, fmt.Errorf("thay đổi %d / change %d: %w", i+1, i+1, err)
		}
	}
	return x.update(slices.Values(add), slices.Values(changes))
}

// UpdateEach is Update with the persons and changes handed over one at a time, so
// that a whole file's worth need never be held at once: each is checked as it comes
// and applied at once (a change's Intervals may be reused once the next is asked
// for). Queries wait for the whole of it, as for Update. An invalid person or change
// stops it with an error, the ones before it applied: the caller must then stop
// using the index (build a new one).
func (x *Index) UpdateEach(add iter.Seq[Person], changes iter.Seq[Change]) (first int32, err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.update(add, changes)
}

// update applies persons and changes under the write lock, checking each.
func (x *Index) update(add iter.Seq[Person], changes iter.Seq[Change]) (first int32, err error) {
	first = int32(x.people.len())
	u := updater{x: x}
	defer u.flush() // what was applied is in the series, even when one fails
	i := 0
	for p := range add {
		i++
		if err := x.checkPerson(p); err != nil {
			return 0, fmt.Errorf("người thêm %d / added person %d: %w", i, i, err)
		}
		evs, err := x.addPerson(p)
		if err != nil {
			return 0, err
		}
		u.record(evs)
	}
	i = 0
	for ch := range changes {
		i++
		if err := x.checkChange(ch); err != nil {
			return 0, fmt.Errorf("thay đổi %d / change %d: %w", i, i, err)
		}
		u.record(x.apply(ch))
	}
	return first, nil
}

// updater gathers the events of an update per series. A series that gets a few goes
// through its overlay; one that gets many is merged once, as the Builder does.
// The events are kept by series number in a slice as long as the series, with the
// numbers touched (a map's look-ups were a tenth of a daily file's index update).
type updater struct {
	x       *Index
	raw     [][]uint64
	touched []int32
}

func (u *updater) record(evs []ev) {
	if u.raw == nil {
		u.raw = make([][]uint64, len(u.x.series))
	}
	for _, e := range evs {
		r := u.raw[e.id]
		if len(r) == 0 {
			u.touched = append(u.touched, e.id)
		}
		u.raw[e.id] = append(r, pack(e.day, e.delta))
	}
}

// flush merges the events into their series. The series are independent of each
// other: a large update (a daily file's hundred thousand changes) merges them on
// every CPU, in parts of about the same number of events.
func (u *updater) flush() {
	events := 0
	for _, id := range u.touched {
		events += len(u.raw[id])
	}
	parts := min(runtime.GOMAXPROCS(0), 4, max(1, events/flushPerPart))
	if parts == 1 {
		u.flushSeries(u.touched)
		return
	}
	var wg sync.WaitGroup
	rest, left := u.touched, events
	for p := parts; p > 0; p-- {
		n, share := 0, 0
		for n < len(rest) && (p == 1 || share < left/p) {
			share += len(u.raw[rest[n]])
			n++
		}
		part := rest[:n]
		rest, left = rest[n:], left-share
		wg.Go(func() { u.flushSeries(part) })
	}
	wg.Wait()
}

// flushPerPart is the fewest events worth a goroutine of their own in flush (a
// variable for the tests).
var flushPerPart = 20000

func (u *updater) flushSeries(ids []int32) {
	for _, id := range ids {
		r := u.raw[id]
		sr := &u.x.series[id]
		if len(r) > overlayMax/2 {
			sr.mergeRaw(r)
			continue
		}
		for _, p := range r {
			sr.add(unpack(p))
		}
	}
}

func (x *Index) checkChange(ch Change) error {
	if ch.Person < 0 || int(ch.Person) >= x.people.len() {
		return fmt.Errorf("không có người số %d / no person number %d", ch.Person, ch.Person)
	}
	if ch.Move != nil {
		return x.checkResidence(*ch.Move)
	}
	if ch.Scheme >= numSchemes {
		return fmt.Errorf("chế độ %d không có / no scheme %d", ch.Scheme, ch.Scheme)
	}
	return checkIntervals(ch.Scheme, ch.Intervals)
}

// apply retracts the person's events before the change, adds those after it, and
// returns only what does not cancel out (in the index's scratch).
func (x *Index) apply(ch Change) []ev {
	sc, ps, p := &x.scratch, &x.people, ch.Person
	w := who{sex: Sex(ps.sex[p]), bands: bandChanges(civil.Date(ps.birth[p]))}
	sc.res = ps.residences(p, sc.res)
	w.res = sc.res
	sc.evs = sc.evs[:0]
	if ch.Move != nil {
		for s := range numSchemes {
			sc.old = ps.segs[s].get(p, sc.old)
			sc.evs = x.events(s, sc.old, &w, -1, sc.evs)
		}
		sc.res = moveTo(sc.res, x.ownVillage(*ch.Move), x.firstDay)
		ps.setResidences(p, sc.res)
		w.res = sc.res
		for s := range numSchemes {
			sc.old = ps.segs[s].get(p, sc.old)
			sc.evs = x.events(s, sc.old, &w, 1, sc.evs)
		}
	} else {
		s := ch.Scheme
		sc.old = ps.segs[s].get(p, sc.old)
		sc.new = sc.norm.normalise(s, ch.Intervals, PayerGroup(ps.group[p]), sc.new)
		ps.segs[s].set(p, sc.new)
		// A renewal changes the last segment of a person's history: the others
		// would only make events that cancel out.
		old, new := dropCommon(sc.old, sc.new)
		sc.evs = x.events(s, old, &w, -1, sc.evs)
		sc.evs = x.events(s, new, &w, 1, sc.evs)
	}
	return net(sc.evs, &sc.keys)
}
