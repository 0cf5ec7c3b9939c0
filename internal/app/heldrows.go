package app

import (
	"github.com/phusong/phusong/internal/coverage"
	"github.com/phusong/phusong/internal/store"
)

// heldRows are the stored cards and periods a rebuild (or a refresh) reads, by
// holder, until the persons they belong to take them. A row keeps only what the
// index counts — scheme, interval, the province it is filed under, a card's key — in 24 bytes,
// and a holder is a number (packKey) where it can be: a map of strings to slices of
// store rows held about 800 bytes per person at 1M (the rows and their strings),
// which at 100 million persons would not fit in any machine this product runs on.
type heldRows struct {
	head  map[uint64]int32 // packed holder → its last row in rows, +1
	other map[string]int32 // holders of another shape
	rows  []heldRow
}

type heldRow struct {
	iv       coverage.Interval
	scheme   coverage.Scheme
	counts   bool   // a scheme the index counts (intervalOf)
	province uint8  // provinceByte of the province the row is filed under; oddProvince: another shape
	prev     int32  // the holder's previous row, +1
	card     uint32 // a card's cardKey, when the rows were read with their keys
}

const oddProvince = 0xff

func newHeldRows() *heldRows {
	return &heldRows{head: map[uint64]int32{}, other: map[string]int32{}}
}

// add files a stored row under its holder.
func (h *heldRows) add(x store.IntervalRow) { h.put(x.Holder, heldOf(x)) }

// heldOf is a stored row as a heldRow (not yet linked to its holder's others).
func heldOf(x store.IntervalRow) heldRow {
	s, iv, counts := intervalOf(x)
	prov, ok := provinceByte(x.Province)
	if !ok {
		prov = oddProvince
	}
	r := heldRow{iv: iv, scheme: s, counts: counts, province: prov}
	if s == coverage.BHYT {
		r.card = cardKey(x.Key)
	}
	return r
}

// put files a row under its holder.
func (h *heldRows) put(holder string, r heldRow) {
	if n, ok := packKey(holder); ok {
		h.putPacked(n, r)
		return
	}
	r.prev = h.other[holder]
	h.rows = append(h.rows, r)
	h.other[holder] = int32(len(h.rows))
}

// putPacked files a row under a holder packed by packKey.
func (h *heldRows) putPacked(n uint64, r heldRow) {
	r.prev = h.head[n]
	h.rows = append(h.rows, r)
	h.head[n] = int32(len(h.rows))
}

func (h *heldRows) last(holder string) int32 {
	if n, ok := packKey(holder); ok {
		return h.head[n]
	}
	return h.other[holder]
}

// has reports whether a holder has rows.
func (h *heldRows) has(holder string) bool { return h.last(holder) != 0 }

// each calls fn with a holder's rows, the last read first.
func (h *heldRows) each(holder string, fn func(heldRow)) {
	for i := h.last(holder); i != 0; i = h.rows[i-1].prev {
		fn(h.rows[i-1])
	}
}

// take forgets a holder: their rows went to a person.
func (h *heldRows) take(holder string) {
	if n, ok := packKey(holder); ok {
		delete(h.head, n)
		return
	}
	delete(h.other, holder)
}

// remaining calls fn with every holder not taken and their number of rows.
func (h *heldRows) remaining(fn func(holder string, n int)) {
	count := func(i int32) int {
		n := 0
		for ; i != 0; i = h.rows[i-1].prev {
			n++
		}
		return n
	}
	for k, i := range h.head {
		fn(unpackKey(k), count(i))
	}
	for k, i := range h.other {
		fn(k, count(i))
	}
}

// addTo appends a held row to the person's list of its scheme, if the index counts it.
func (r heldRow) addTo(cp *coverage.Person) {
	if r.counts {
		appendInterval(cp, r.scheme, r.iv)
	}
}

// cards appends to buf[:0] the BHYT cards of a holder, keyed (the rows must have
// been read with their keys).
func (h *heldRows) cards(holder string, buf []keyedInterval) []keyedInterval {
	buf = buf[:0]
	h.each(holder, func(r heldRow) {
		if r.counts && r.scheme == coverage.BHYT {
			buf = append(buf, keyedInterval{key: ivKey{card: r.card}, iv: r.iv, scheme: coverage.BHYT, counts: true})
		}
	})
	return buf
}
