package gen

// rng is a small, fast, seedable generator (SplitMix64). The generator needs
// reproducible streams per commune, not cryptographic quality.
type rng struct{ s uint64 }

func newRNG(seed int64, key uint64) *rng {
	return &rng{s: hash64(uint64(seed), key)}
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	return mix64(r.s)
}

func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// hash64 mixes two words into one; used for per-unit decisions that must not depend
// on the order of generation.
func hash64(a, b uint64) uint64 { return mix64(mix64(a+0x9e3779b97f4a7c15) ^ b) }

// intn is uniform in [0, n) for 0 < n < 2^32.
func (r *rng) intn(n int) int { return int((r.next() >> 32) * uint64(n) >> 32) }

// between is uniform in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

// float is uniform in [0, 1).
func (r *rng) float() float64 { return float64(r.next()>>11) / (1 << 53) }

// chance is true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// pick chooses an index by cumulative weights (the last weight is the total).
func (r *rng) pick(cum []uint32) int {
	x := uint32(r.intn(int(cum[len(cum)-1])))
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

// cumulative turns weights into running totals for pick.
func cumulative(w []uint32) []uint32 {
	out := make([]uint32, len(w))
	var t uint32
	for i, x := range w {
		t += x
		out[i] = t
	}
	return out
}
