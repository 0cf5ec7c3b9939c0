package coverage

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

// The packed series answers as the plain step function it stands for: random
// changes through add (overlay and merges) and mergeRaw, over blocks, with days far
// apart (several bytes of varint) and changes of any size and sign.
func TestSeriesMatchesPlainModel(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		var s series
		model := map[int32]int32{} // day → change from that day on
		days := []int32{int32(civil.Min), int32(civil.Max), 0, -1, 1}
		for range 5 + rng.IntN(400) {
			var day int32
			switch rng.IntN(4) {
			case 0:
				day = days[rng.IntN(len(days))]
			case 1:
				day = int32(civil.Min) + rng.Int32N(int32(civil.Max-civil.Min))
			default:
				day = 20000 + rng.Int32N(400)
			}
			days = append(days, day)
			delta := rng.Int32N(7) - 3
			if rng.IntN(20) == 0 {
				delta = rng.Int32N(math.MaxInt32/4) - math.MaxInt32/8
			}
			if rng.IntN(3) == 0 {
				s.mergeRaw([]uint64{pack(day, delta), pack(day+1, -delta)})
				model[day] += delta
				model[day+1] -= delta
			} else {
				s.add(day, delta)
				model[day] += delta
			}
		}
		keys := make([]int32, 0, len(model))
		for d := range model {
			keys = append(keys, d)
		}
		slices.Sort(keys)
		want := func(d int32) int32 {
			var v int32
			for _, k := range keys {
				if k <= d {
					v += model[k]
				}
			}
			return v
		}
		for _, d := range days {
			for _, q := range []int32{d - 1, d, d + 1} {
				if got := s.at(q); got != want(q) {
					t.Fatalf("seed %d: day %d: %d, want %d", seed, q, got, want(q))
				}
			}
		}
		// Once merged, the base holds exactly the days on which the count changes.
		s.mergeOverlay()
		var changes int32
		for _, k := range keys {
			if want(k) != want(k-1) {
				changes++
			}
		}
		if s.base.n != changes || len(s.base.day) != int(changes+stepBlock-1)/stepBlock {
			t.Fatalf("seed %d: %d steps in %d blocks, want %d steps", seed, s.base.n, len(s.base.day), changes)
		}
		var rd stepReader
		rd.s = &s.base
		prev := int32(math.MinInt32)
		for rd.next() {
			if rd.day <= prev || rd.cum != want(rd.day) || want(rd.day-1) == rd.cum {
				t.Fatalf("seed %d: step %d day %d count %d (want %d, the day before %d)", seed, rd.i, rd.day, rd.cum, want(rd.day), want(rd.day-1))
			}
			prev = rd.day
		}
	}
}

func TestOffsetWidths(t *testing.T) {
	for _, c := range []struct {
		vs     []int64
		signed bool
		w      int
	}{
		{[]int64{0, 255}, false, w1}, {[]int64{256}, false, w2}, {[]int64{65535}, false, w2}, {[]int64{65536}, false, w4},
		{[]int64{-128, 127}, true, w1}, {[]int64{128}, true, w2}, {[]int64{-129}, true, w2}, {[]int64{-32768, 32767}, true, w2},
		{[]int64{32768}, true, w4}, {[]int64{math.MinInt32, math.MaxInt32}, true, w4},
	} {
		w := width(c.vs, c.signed)
		if w != c.w {
			t.Errorf("%v signed %v: width %d, want %d", c.vs, c.signed, w, c.w)
		}
		for _, v := range c.vs {
			b := appendWidth([]byte{9}, uint32(v), w)
			got := int64(get(b, 1, w, 0))
			if c.signed {
				got = int64(signed(uint32(got), w))
			}
			if got != v || len(b) != 1+w {
				t.Errorf("%d at width %d: read %d, %d bytes", v, w, got, len(b)-1)
			}
		}
	}
}
