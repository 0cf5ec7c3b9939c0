package coverage

import (
	"slices"
	"sync"
)

// overlayMax is the longest overlay a series keeps before merging it into its base:
// long enough that a day of changes rarely triggers a merge, short enough that a
// query reading it stays a second binary search.
const overlayMax = 64

// series is one count through time: a step function, from each step's day until
// the next step's day the count is the step's; before the first step it is 0. The
// steps are kept packed (steps). Changes not yet merged live in the overlay, odays
// (sorted) with ocum, the sum of the overlay's deltas up to each of its days.
type series struct {
	base        steps
	odays, ocum []int32
}

// at is the count on day d.
func (s *series) at(d int32) int32 {
	v := s.base.at(d)
	if len(s.odays) > 0 {
		if i := upto(s.odays, d); i > 0 {
			v += s.ocum[i-1]
		}
	}
	return v
}

// stepBlock is how many steps a block of steps holds: the first in full, the
// others as offsets from it.
const stepBlock = 16

// steps is a step function packed in blocks of stepBlock steps. A block's first
// step is in day and cum (searched by day). Its other steps, k of them, follow in
// data from off: a byte of widths, then their days as offsets from the block's first
// day, then their counts as offsets from its count, each list at the narrowest width
// (1, 2 or 4 bytes; little-endian, counts signed) that holds all of its block's.
// Counts change on most days and by little, so a step takes three to four bytes
// instead of eight (day and count as two int32), and a count is read without
// decoding the steps before it. The series were the largest part of the index that
// grows with the population: 486 MB at 10M persons.
type steps struct {
	day, cum []int32  // per block: its first step
	off      []uint32 // per block: where its other steps start in data
	data     []byte
	n        int32 // steps in all
}

// Widths of a block's offsets, in its first byte: days in the low nibble, counts in
// the high one.
const (
	w1, w2, w4 = 1, 2, 4
)

// get is the offset at index i of a list of width w starting at p.
func get(data []byte, p, w, i int) uint32 {
	switch w {
	case w1:
		return uint32(data[p+i])
	case w2:
		q := p + 2*i
		return uint32(data[q]) | uint32(data[q+1])<<8
	}
	q := p + 4*i
	return uint32(data[q]) | uint32(data[q+1])<<8 | uint32(data[q+2])<<16 | uint32(data[q+3])<<24
}

// signed reads a count offset of width w as the signed number it is.
func signed(v uint32, w int) int32 {
	switch w {
	case w1:
		return int32(int8(v))
	case w2:
		return int32(int16(v))
	}
	return int32(v)
}

// block is where block b's offsets are: its count of other steps, the widths, and
// where its days and counts start in data.
func (s *steps) block(b int) (k, dw, cw, days, cums int) {
	k = stepBlock - 1
	if b == len(s.day)-1 {
		k = int(s.n) - 1 - b*stepBlock
	}
	if k == 0 {
		return 0, 0, 0, 0, 0
	}
	p := int(s.off[b])
	dw, cw = int(s.data[p]&0xf), int(s.data[p]>>4)
	return k, dw, cw, p + 1, p + 1 + k*dw
}

// at is the count on day d: the block by binary search, then its day offsets in
// order, then the one count.
func (s *steps) at(d int32) int32 {
	b := upto(s.day, d)
	if b == 0 {
		return 0
	}
	b--
	k, dw, cw, days, cums := s.block(b)
	rel := uint32(d - s.day[b]) // d is on or after the block's first day
	j := 0
	switch dw {
	case w1:
		for j < k && uint32(s.data[days+j]) <= rel {
			j++
		}
	default:
		for j < k && get(s.data, days, dw, j) <= rel {
			j++
		}
	}
	if j == 0 {
		return s.cum[b]
	}
	return s.cum[b] + signed(get(s.data, cums, cw, j-1), cw)
}

// width is the narrowest width that holds every value of vs, unsigned or signed.
func width(vs []int64, signed bool) int {
	lo, hi := int64(0), int64(0)
	for _, v := range vs {
		lo, hi = min(lo, v), max(hi, v)
	}
	switch {
	case signed && lo >= -128 && hi <= 127, !signed && hi <= 0xff:
		return w1
	case signed && lo >= -32768 && hi <= 32767, !signed && hi <= 0xffff:
		return w2
	}
	return w4
}

func appendWidth(data []byte, v uint32, w int) []byte {
	switch w {
	case w1:
		return append(data, byte(v))
	case w2:
		return append(data, byte(v), byte(v>>8))
	}
	return append(data, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

// stepWriter packs steps in day order, into space it keeps for the next series;
// done copies them out at their exact size.
type stepWriter struct {
	s          steps
	days, cums [stepBlock - 1]int64 // the open block's other steps, as offsets
	k          int
}

var stepWriters = sync.Pool{New: func() any { return new(stepWriter) }}

// push appends a step after the last (day later than its day).
func (w *stepWriter) push(day, cum int32) {
	s := &w.s
	if s.n%stepBlock == 0 {
		w.flush()
		s.day, s.cum, s.off = append(s.day, day), append(s.cum, cum), append(s.off, uint32(len(s.data)))
	} else {
		b := len(s.day) - 1
		w.days[w.k], w.cums[w.k] = int64(day)-int64(s.day[b]), int64(cum)-int64(s.cum[b])
		w.k++
	}
	s.n++
}

// flush writes the open block's other steps.
func (w *stepWriter) flush() {
	if w.k == 0 {
		return
	}
	days, cums := w.days[:w.k], w.cums[:w.k]
	dw, cw := width(days, false), width(cums, true)
	s := &w.s
	s.data = append(s.data, byte(dw|cw<<4))
	for _, v := range days {
		s.data = appendWidth(s.data, uint32(v), dw)
	}
	for _, v := range cums {
		s.data = appendWidth(s.data, uint32(v), cw)
	}
	w.k = 0
}

// done returns the steps written, in memory of their own, and empties the writer.
func (w *stepWriter) done() steps {
	w.flush()
	s := &w.s
	out := steps{n: s.n}
	if s.n > 0 {
		out.day, out.cum, out.off, out.data = slices.Clone(s.day), slices.Clone(s.cum), slices.Clone(s.off), slices.Clone(s.data)
	}
	s.day, s.cum, s.off, s.data, s.n = s.day[:0], s.cum[:0], s.off[:0], s.data[:0], 0
	return out
}

// stepReader reads the steps in day order.
type stepReader struct {
	s                  *steps
	i                  int // the next step
	dw, cw, days, cums int // the block of the step before
	day, cum           int32
}

// next moves to the next step; false after the last.
func (r *stepReader) next() bool {
	s := r.s
	if r.i == int(s.n) {
		return false
	}
	b, j := r.i/stepBlock, r.i%stepBlock
	if j == 0 {
		_, r.dw, r.cw, r.days, r.cums = s.block(b)
		r.day, r.cum = s.day[b], s.cum[b]
	} else {
		r.day = s.day[b] + int32(get(s.data, r.days, r.dw, j-1))
		r.cum = s.cum[b] + signed(get(s.data, r.cums, r.cw, j-1), r.cw)
	}
	r.i++
	return true
}

func (s *steps) bytes() int {
	return (cap(s.day)+cap(s.cum)+cap(s.off))*4 + cap(s.data)
}

// add records that the count changes by delta from day on. It goes to the overlay,
// which is merged into the base when it grows past overlayMax.
func (s *series) add(day, delta int32) {
	i := upto(s.odays, day)
	var before int32
	if i > 0 {
		before = s.ocum[i-1]
	}
	if i > 0 && s.odays[i-1] == day {
		i--
		if i > 0 {
			before = s.ocum[i-1]
		} else {
			before = 0
		}
	} else {
		s.odays = slices.Insert(s.odays, i, day)
		s.ocum = slices.Insert(s.ocum, i, before)
	}
	for j := i; j < len(s.ocum); j++ {
		s.ocum[j] += delta
	}
	if s.ocum[i] == before { // the day's changes cancelled out
		s.odays = slices.Delete(s.odays, i, i+1)
		s.ocum = slices.Delete(s.ocum, i, i+1)
	}
	if len(s.odays) > overlayMax {
		s.mergeOverlay()
	}
}

// mergeOverlay folds the overlay into the base.
func (s *series) mergeOverlay() {
	add := make([]dayDelta, len(s.odays))
	var prev int32
	for i, d := range s.odays {
		add[i] = dayDelta{d, s.ocum[i] - prev}
		prev = s.ocum[i]
	}
	s.merge(add)
	s.odays, s.ocum = s.odays[:0], s.ocum[:0]
}

type dayDelta struct{ day, delta int32 }

// merge adds changes (sorted by day, one per day) to the base. Days on which the
// count does not change are dropped, so the base holds only real steps.
func (s *series) merge(add []dayDelta) {
	w := stepWriters.Get().(*stepWriter)
	defer stepWriters.Put(w)
	rd := stepReader{s: &s.base}
	more := rd.next()
	var base, extra, last int32 // base count, sum of added deltas, count of the last kept step
	j := 0
	for more || j < len(add) {
		var d int32
		switch {
		case j == len(add) || (more && rd.day < add[j].day):
			d, base = rd.day, rd.cum
			more = rd.next()
		case !more || add[j].day < rd.day:
			d, extra = add[j].day, extra+add[j].delta
			j++
		default:
			d, base, extra = rd.day, rd.cum, extra+add[j].delta
			more = rd.next()
			j++
		}
		if v := base + extra; v != last {
			w.push(d, v)
			last = v
		}
	}
	s.base = w.done()
}

// mergeRaw adds unsorted packed changes (see pack) to the base; the Builder uses it.
func (s *series) mergeRaw(raw []uint64) {
	slices.Sort(raw)
	add := make([]dayDelta, 0, len(raw))
	for _, r := range raw {
		d, delta := unpack(r)
		if n := len(add); n > 0 && add[n-1].day == d {
			add[n-1].delta += delta
			continue
		}
		add = append(add, dayDelta{d, delta})
	}
	s.merge(add)
}

// pack puts a day and a delta in one word that sorts by day.
func pack(day, delta int32) uint64 {
	return uint64(uint32(day)^0x80000000)<<32 | uint64(uint32(delta))
}

func unpack(r uint64) (day, delta int32) {
	return int32(uint32(r>>32) ^ 0x80000000), int32(uint32(r))
}

// upto is the number of days in the sorted slice that are on or before d.
func upto(days []int32, d int32) int {
	lo, hi := 0, len(days)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if days[m] <= d {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}
