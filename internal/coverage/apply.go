package coverage

import (
	"fmt"

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
	x.mu.Lock()
	defer x.mu.Unlock()
	for i, ch := range changes {
		if err := x.checkChange(ch); err != nil {
			return fmt.Errorf("thay đổi %d / change %d: %w", i+1, i+1, err)
		}
	}
	for _, ch := range changes {
		x.apply(ch)
	}
	return nil
}

// AddPerson adds a person after the build (a newborn, a new registration) and
// returns their number.
func (x *Index) AddPerson(p Person) (int32, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	evs, err := x.addPerson(p)
	if err != nil {
		return 0, err
	}
	for _, e := range evs {
		x.series[e.id].add(e.day, e.delta)
	}
	return int32(x.people.len() - 1), nil
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
// writes only what does not cancel out.
func (x *Index) apply(ch Change) {
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
		sc.evs = x.events(s, sc.old, &w, -1, sc.evs)
		sc.evs = x.events(s, sc.new, &w, 1, sc.evs)
		ps.segs[s].set(p, sc.new)
	}
	for _, e := range net(sc.evs) {
		x.series[e.id].add(e.day, e.delta)
	}
}
