package coverage

import (
	"flag"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

// go test -bench . -benchtime 1x ./internal/coverage/ [-persons 10000000]
var benchPersons = flag.Int("persons", 1_000_000, "persons in the synthetic population of the benchmarks")

const benchCommunes = 3321 // communes since 1 July 2025

func benchUnits() []Commune {
	cs := make([]Commune, benchCommunes)
	for c := range cs {
		cs[c] = Commune{Code: civil.Date(c).String(), Province: Province(1 + c%34)}
	}
	return cs
}

var benchFrom = day("2015-01-01")

// synthPerson is person i of the synthetic population, the same every time: one to
// three yearly BHYT cards renewed back to back, after a gap or overlapping, a few
// from another province or open-ended; a third with BHXH, a fifth with BHTN.
func synthPerson(i int, p *Person) {
	r := rand.New(rand.NewPCG(uint64(i), 42))
	c := int32(r.IntN(benchCommunes))
	home := Province(1 + c%34)
	*p = Person{Commune: c, Village: NoVillage, Sex: Sex(1 + r.IntN(2)), Group: PayerGroup(1 + r.IntN(6)),
		Birth: day("1940-01-01") + civil.Date(r.IntN(31000)), BHYT: p.BHYT[:0], BHXH: p.BHXH[:0], BHTN: p.BHTN[:0]}
	from := benchFrom + civil.Date(r.IntN(3650))
	for range 1 + r.IntN(3) {
		iv := Interval{From: from, To: civil.Date(civil.Date(from).AddMonths(12) - 1), Issuing: home, Group: p.Group}
		if r.IntN(10) == 0 {
			iv.Issuing = Province(1 + r.IntN(34))
		}
		p.BHYT = append(p.BHYT, iv)
		switch k := r.IntN(10); {
		case k < 6:
			from = iv.To + 1
		case k < 9:
			from = iv.To + 1 + civil.Date(r.IntN(60))
		default:
			from = iv.To - 30
		}
	}
	if r.IntN(20) == 0 {
		p.BHYT[len(p.BHYT)-1].To = civil.Max
	}
	if r.IntN(3) == 0 {
		f := benchFrom + civil.Date(r.IntN(3650))
		p.BHXH = append(p.BHXH, Interval{From: f, To: f + civil.Date(r.IntN(2000)), Voluntary: r.IntN(5) == 0})
		if r.IntN(5) == 0 {
			p.BHTN = append(p.BHTN, p.BHXH[0])
		}
	}
}

func buildSynth(tb testing.TB, n int) *Index {
	b, err := NewBuilder(benchUnits(), nil)
	if err != nil {
		tb.Fatal(err)
	}
	b.Grow(n, 2)
	var p Person
	for i := range n {
		synthPerson(i, &p)
		if _, err := b.Add(p); err != nil {
			tb.Fatal(err)
		}
	}
	return b.Build()
}

var (
	sharedOnce  sync.Once
	sharedIndex *Index
)

func shared(b *testing.B) *Index {
	sharedOnce.Do(func() { sharedIndex = buildSynth(b, *benchPersons) })
	return sharedIndex
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkBuild builds the index of the synthetic population and reports the
// memory it keeps per person.
func BenchmarkBuild(b *testing.B) {
	n := *benchPersons
	var x *Index
	for b.Loop() {
		x = nil
		before := heapInUse()
		x = buildSynth(b, n)
		b.ReportMetric(float64(heapInUse()-before)/float64(n), "heap-B/person")
	}
	st := x.Stats()
	b.ReportMetric(float64(st.PersonBytes)/float64(n), "person-B/person")
	b.ReportMetric(float64(st.SeriesBytes)/float64(n), "series-B/person")
	b.ReportMetric(float64(st.Steps), "steps")
	b.ReportMetric(float64(n)/b.Elapsed().Seconds()*float64(b.N), "persons/s")
}

// BenchmarkAllCommunes reads the BHYT count of all 3,321 communes on one date; the
// target is under 1 ms.
func BenchmarkAllCommunes(b *testing.B) {
	x := shared(b)
	out := make([]int64, benchCommunes)
	d := day("2023-06-30")
	for b.Loop() {
		if err := x.AllCommunes(BHYT, d, out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCommuneBreakdown is one commune's BHYT count by age band.
func BenchmarkCommuneBreakdown(b *testing.B) {
	x := shared(b)
	d := day("2023-06-30")
	for b.Loop() {
		if _, err := x.Breakdown(InCommune(17), BHYT, DimAgeBand, d); err != nil {
			b.Fatal(err)
		}
	}
}

// synthChanges is a daily file of n changes: BHYT renewals and cancellations, BHXH
// periods ended, moves.
func synthChanges(r *rand.Rand, persons, n int) []Change {
	out := make([]Change, 0, n)
	var p Person
	for range n {
		i := r.IntN(persons)
		synthPerson(i, &p)
		switch k := r.IntN(20); {
		case k < 14: // renewed for a year after the last card
			last := p.BHYT[len(p.BHYT)-1]
			if last.To < civil.Max {
				next := last
				next.From, next.To = last.To+1, last.To.AddMonths(12)
				p.BHYT = append(p.BHYT, next)
			}
			out = append(out, Replace(int32(i), BHYT, append([]Interval(nil), p.BHYT...)))
		case k < 16: // last card cancelled
			out = append(out, Replace(int32(i), BHYT, append([]Interval(nil), p.BHYT[:len(p.BHYT)-1]...)))
		case k < 18: // BHXH period ended early or started
			iv := Interval{From: benchFrom + civil.Date(r.IntN(3650)), To: civil.Max}
			iv.To = iv.From + civil.Date(r.IntN(900))
			out = append(out, Replace(int32(i), BHXH, []Interval{iv}))
		default:
			out = append(out, MoveTo(int32(i), Residence{From: benchFrom + civil.Date(r.IntN(3650)), Commune: int32(r.IntN(benchCommunes)), Village: NoVillage}))
		}
	}
	return out
}

// BenchmarkApply100k applies a daily file of 100,000 changes; the target is under
// 2 s. Each iteration applies a new file to the same index.
func BenchmarkApply100k(b *testing.B) {
	x := shared(b)
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		ch := synthChanges(r, *benchPersons, 100_000)
		b.StartTimer()
		if err := x.Apply(ch); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	st := x.Stats()
	b.ReportMetric(float64(st.OverlaySteps), "overlay-steps")
}

// BenchmarkAllCommunesAfterApply is BenchmarkAllCommunes once overlays hold changes.
func BenchmarkAllCommunesAfterApply(b *testing.B) {
	x := shared(b)
	if x.Stats().OverlaySteps == 0 {
		if err := x.Apply(synthChanges(rand.New(rand.NewPCG(5, 6)), *benchPersons, 100_000)); err != nil {
			b.Fatal(err)
		}
	}
	out := make([]int64, benchCommunes)
	d := day("2023-06-30")
	for b.Loop() {
		if err := x.AllCommunes(BHYT, d, out); err != nil {
			b.Fatal(err)
		}
	}
}
