package app

import (
	"context"

	"github.com/phusong/phusong/internal/coverage"
	"github.com/phusong/phusong/internal/registry"
	"github.com/phusong/phusong/internal/store"
)

// While an import writes, a prefetch reads the stored cards and periods of the
// holders whose intervals it changes and who had some of that scheme before it: the
// state the import starts from. After the commit the index merges the import's rows
// into them by key, as the store's upsert did, instead of reading those holders again.
// The read runs beside the write, on another connection that sees the last commit,
// so its time is hidden behind the import's own. Its result is used only when the
// import's commit directly follows the version the index was at (applyImport), so
// nothing else changed those holders in between; a holder it has not read is read
// again after the commit, as before. A holder's rows are read from the province their
// person is stored under and from "00" only (on PostgreSQL, one partition each rather
// than all of them); a person with rows anywhere else (scatteredRows) is not
// prefetched.

// Kinds of stored rows a prefetch reads for a holder.
const (
	prefetchCards uint8 = 1 << iota
	prefetchPeriods
)

// How many holders one read asks for: on SQLite an IN list by the holder's index; on
// PostgreSQL a look-up per province partition, for which larger reads make fewer
// queries.
const (
	prefetchSize   = 2000
	prefetchSizePG = 10000
)

type prefetch struct {
	ctx    context.Context
	cancel context.CancelFunc
	st     *store.Store
	e      *engine

	// The import's side.
	asked   map[string]uint8
	gather  [2]prefetchRead // by kind>>1 (cards, periods): holders gathered for the next read
	perRead int             // holders a read asks for
	queue   chan prefetchRead

	// The reader's side; read by others only after done is closed.
	done   chan struct{}
	stored map[string][]store.IntervalRow
	read   map[string]uint8 // holder → kinds read
	err    error
}

type prefetchRead struct {
	holders   []string
	provinces []string // where each holder's person is stored
	kind      uint8
}

func newPrefetch(ctx context.Context, st *store.Store, e *engine) *prefetch {
	ctx, cancel := context.WithCancel(ctx)
	p := &prefetch{ctx: ctx, cancel: cancel, st: st, e: e, asked: map[string]uint8{}, queue: make(chan prefetchRead, 64),
		done: make(chan struct{}), stored: map[string][]store.IntervalRow{}, read: map[string]uint8{}, perRead: prefetchSize}
	p.gather[0].kind, p.gather[1].kind = prefetchCards, prefetchPeriods
	if st.Dialect() == store.Postgres {
		p.perRead = prefetchSizePG
	}
	go p.run()
	return p
}

func (p *prefetch) run() {
	defer close(p.done)
	for r := range p.queue {
		if p.err != nil {
			continue // drain
		}
		what := store.IntervalsOf{Cards: r.kind == prefetchCards, Periods: r.kind == prefetchPeriods, Keys: true, Provinces: r.provinces, InImport: true}
		p.err = p.st.EachIntervalOf(p.ctx, r.holders, what, func(x store.IntervalRow) error {
			p.stored[x.Holder] = append(p.stored[x.Holder], x)
			return nil
		})
		for _, h := range r.holders {
			p.read[h] |= r.kind
		}
	}
}

// want looks at a row the import writes and asks for its holder's stored rows of the
// same kind when the index has intervals of that scheme for them.
func (p *prefetch) want(row registry.Row) {
	var h string
	var kind uint8
	var s coverage.Scheme
	switch r := row.(type) {
	case registry.Card:
		h, kind, s = r.BHXHCode, prefetchCards, coverage.BHYT
	case registry.Period:
		var counts bool
		if s, counts = schemeOf(string(r.Scheme)); !counts || r.BHXHCode == "" {
			return // under "id:" + national ID: such persons are read whole
		}
		h, kind = r.BHXHCode, prefetchPeriods
	default:
		return
	}
	if p.asked[h]&kind != 0 {
		return
	}
	p.e.mu.RLock()
	pos, ok := p.e.personOf.get(h)
	// A person whose rows are scattered is read whole after the commit.
	ok = ok && !p.e.scattered.has(pos) && int(pos) < len(p.e.provinces) && p.e.provinces[pos] != 0
	var prov string
	if ok {
		prov = provinceString(p.e.provinces[pos])
	}
	p.e.mu.RUnlock()
	if !ok || !p.e.idx.Has(pos, s) || kind == prefetchCards && p.e.book.known(pos) {
		return // none stored, or the book has them
	}
	p.asked[h] |= kind
	g := &p.gather[kind>>1]
	g.holders, g.provinces = append(g.holders, h), append(g.provinces, prov)
	p.send(g, p.perRead)
}

// send queues the gathered holders once there are at least n.
func (p *prefetch) send(g *prefetchRead, n int) {
	if len(g.holders) < n || len(g.holders) == 0 {
		return
	}
	select {
	case p.queue <- *g:
	case <-p.ctx.Done():
	}
	g.holders, g.provinces = nil, nil
}

// finish sends what is gathered, waits for the reads and hands them to pend (none
// if a read failed: those holders are then read again after the commit).
func (p *prefetch) finish(pend *pending) {
	p.send(&p.gather[0], 1)
	p.send(&p.gather[1], 1)
	close(p.queue)
	<-p.done
	p.cancel()
	if p.err == nil && pend != nil {
		pend.stored, pend.storedKinds = p.stored, p.read
	}
}

// abort stops the reads of an import that failed.
func (p *prefetch) abort() {
	p.cancel()
	close(p.queue)
	<-p.done
}

// canMerge reports whether the intervals of scheme s a holder had before the import
// are known without reading them after the commit: none (had is false), their cards
// in the book, or what the prefetch read.
func (e *engine) canMerge(pend *pending, h string, pos int32, s coverage.Scheme, had bool) bool {
	switch {
	case !had:
		return true
	case s == coverage.BHYT:
		return e.book.has(pos) || pend.storedKinds[h]&prefetchCards != 0
	}
	return pend.storedKinds[h]&prefetchPeriods != 0
}

// storedOf appends to buf[:0] a holder's intervals of scheme s as stored before the
// import, keyed as the store upserts them: none when the index had none (had), the
// book's cards, or the rows the prefetch read; false when none of these knows them.
func (e *engine) storedOf(pend *pending, h string, pos int32, s coverage.Scheme, had bool, buf []keyedInterval) ([]keyedInterval, bool) {
	buf = buf[:0]
	switch {
	case !e.canMerge(pend, h, pos, s, had):
		return buf, false
	case !had:
		return buf, true
	case s == coverage.BHYT && e.book.has(pos):
		buf, _ = e.book.get(pos, buf)
		return buf, true
	}
	for _, x := range pend.stored[h] {
		xs, iv, counts := intervalOf(x)
		if !counts || xs != s {
			continue
		}
		k := ivKey{card: cardKey(x.Key)}
		if s != coverage.BHYT {
			k = ivKey{scheme: storedSchemes[x.Scheme], employer: pend.employer(x.Key)}
		}
		buf = append(buf, keyedInterval{key: k, iv: iv, scheme: s, counts: true})
	}
	return buf, true
}

// upsertInto upserts the import's intervals of scheme s for a holder into list by
// key (the last row of a key wins, as in the store) and returns it.
func (p *pending) upsertInto(h string, s coverage.Scheme, list []keyedInterval) []keyedInterval {
	p.scratch = p.of(h, p.scratch)
	for _, y := range p.scratch {
		if y.counts && y.scheme == s {
			list = upsertKeyed(list, y)
		}
	}
	return list
}
