package coverage

import "slices"

// overlayMax is the longest overlay a series keeps before merging it into its base:
// long enough that a day of changes rarely triggers a merge, short enough that a
// query reading it stays a second binary search.
const overlayMax = 64

// series is one count through time: from days[i] until the day before days[i+1] the
// count is cum[i]; before days[0] it is 0. Changes not yet merged live in the overlay,
// odays (sorted) with ocum, the sum of the overlay's deltas up to each of its days.
type series struct {
	days, cum   []int32
	odays, ocum []int32
}

// at is the count on day d.
func (s *series) at(d int32) int32 {
	var v int32
	if i := upto(s.days, d); i > 0 {
		v = s.cum[i-1]
	}
	if len(s.odays) > 0 {
		if i := upto(s.odays, d); i > 0 {
			v += s.ocum[i-1]
		}
	}
	return v
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
	days := make([]int32, 0, len(s.days)+len(add))
	cum := make([]int32, 0, len(s.days)+len(add))
	var base, extra, last int32 // base count, sum of added deltas, count of the last kept day
	i, j := 0, 0
	for i < len(s.days) || j < len(add) {
		var d int32
		switch {
		case j == len(add) || (i < len(s.days) && s.days[i] < add[j].day):
			d, base = s.days[i], s.cum[i]
			i++
		case i == len(s.days) || add[j].day < s.days[i]:
			d, extra = add[j].day, extra+add[j].delta
			j++
		default:
			d, base, extra = s.days[i], s.cum[i], extra+add[j].delta
			i++
			j++
		}
		if v := base + extra; v != last {
			days, cum, last = append(days, d), append(cum, v), v
		}
	}
	s.days, s.cum = slices.Clip(days), slices.Clip(cum)
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
