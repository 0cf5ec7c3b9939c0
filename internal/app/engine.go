package app

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/coverage"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/store"
)

// engine is the coverage index built from the registry, with the maps between its
// positions and units and persons.
type engine struct {
	idx        *coverage.Index
	ver        string
	atlas      *geo.Atlas
	communeOf  map[int64]int32 // commune unit ID → position
	communeIDs []int64         // position → commune unit ID
	villageOf  map[int64]int32
	villageIDs []int64
	personOf   *personIndex // BHXH code, person key or "id:"+national ID → position
	provinces  []uint8      // position → the province the person is stored under (provinceByte)
	codes      []uint64     // position → the person's BHXH code (digits; noID: none)
	oddCodes   map[int32]string
	unplaced   map[string]int // holder → cards and periods stored for a holder not in the registry
	residents  bitset         // positions of residents of the population register
	scattered  bitset         // positions whose rows are not all under their BHXH code and province (scatteredRows)
	book       cardBook       // persons' stored cards, keyed (cardbook.go)
	births     [][]civil.Date // per commune position: residents' birth dates, sorted
	vbirths    [][]civil.Date // per village position

	BuiltIn time.Duration

	lastApply applyStats // what the last import applied did

	// mu guards personOf, births and vbirths once the engine is shared: a refresh
	// adds persons while queries read (the index itself has its own lock).
	mu sync.RWMutex

	memoMu sync.Mutex
	memo   map[memoKey]map[int64]int64 // counts per unit on a date, until the index changes
}

// applyStats is what the last import applied to the index: holders whose stored
// intervals were merged with the import's (from the book or the prefetch), holders
// read again after the commit, and persons read whole.
type applyStats struct {
	merged, reread, whole int
	booked                int // of merged: holders whose cards came from the book
	prefetched            int // holders the prefetch read
}

type memoKey struct {
	what string // a scheme, or "residents"/"working"
	date civil.Date
}

// memoised returns the per-unit counts computed by fn for a key, computing them once
// until the index changes (forget).
func (e *engine) memoised(k memoKey, fn func() map[int64]int64) map[int64]int64 {
	e.memoMu.Lock()
	defer e.memoMu.Unlock()
	if m, ok := e.memo[k]; ok {
		return m
	}
	if e.memo == nil || len(e.memo) > 256 {
		e.memo = map[memoKey]map[int64]int64{}
	}
	m := fn()
	e.memo[k] = m
	return m
}

func (e *engine) forget() {
	e.memoMu.Lock()
	e.memo = nil
	e.memoMu.Unlock()
}

// residentsMemo is residentsOn, memoised: all residents and those of working age.
func (e *engine) residentsMemo(atlas *geo.Atlas, d civil.Date) (all, working map[int64]int64) {
	var w map[int64]int64
	all = e.memoised(memoKey{"residents", d}, func() map[int64]int64 {
		a, wk := e.residentsOn(atlas, d)
		w = wk
		return a
	})
	working = e.memoised(memoKey{"working", d}, func() map[int64]int64 {
		if w != nil {
			return w
		}
		_, wk := e.residentsOn(atlas, d)
		return wk
	})
	return all, working
}

// Coverage engine access: rebuilt when the registry changed in another process;
// changes made through this process are applied incrementally (applyHolders).
func (a *App) engine(ctx context.Context) (*engine, error) {
	ver, err := a.Store.RegistryVersion(ctx)
	if err != nil {
		return nil, err
	}
	atlas, err := a.Atlas(ctx)
	if err != nil {
		return nil, err
	}
	a.engMu.Lock()
	defer a.engMu.Unlock()
	if a.eng != nil && a.eng.ver == ver && a.eng.atlas == atlas {
		return a.eng, nil
	}
	// Nobody can use the old index while the lock is held: let it go before the new
	// one is built, so that the two are never in memory together.
	a.eng = nil
	e, err := buildEngine(ctx, a.Store, atlas, ver, a.Log)
	if err != nil {
		return nil, err
	}
	booked, cards := e.book.size()
	a.Log.Info("coverage index built", "persons", e.idx.Persons(), "ms", e.BuiltIn.Milliseconds(), "unplaced", e.unplacedRows(),
		"booked", booked, "cards", cards)
	a.eng = e
	return e, nil
}

func buildEngine(ctx context.Context, st *store.Store, atlas *geo.Atlas, ver string, log *slog.Logger) (*engine, error) {
	return buildEngineIn(ctx, st, atlas, ver, rebuildBuckets, log)
}

// buildEngineIn builds the engine with the rows filed in the given number of buckets
// (eachBucket), logging its progress to log (when not nil).
func buildEngineIn(ctx context.Context, st *store.Store, atlas *geo.Atlas, ver string, buckets int, log *slog.Logger) (*engine, error) {
	start := time.Now()
	e := &engine{ver: ver, atlas: atlas, communeOf: map[int64]int32{}, villageOf: map[int64]int32{}, personOf: newPersonIndex(), unplaced: map[string]int{}}
	var communes []coverage.Commune
	for _, u := range atlas.AllOfLevel(geo.Commune) {
		p := atlas.ProvinceOf(u.ID, u.LastDay())
		prov, _ := coverage.ParseProvince(p.Code)
		e.communeOf[u.ID] = int32(len(communes))
		e.communeIDs = append(e.communeIDs, u.ID)
		communes = append(communes, coverage.Commune{Code: u.Code, Province: prov})
	}
	var villages []coverage.Village
	for _, v := range atlas.AllOfLevel(geo.Village) {
		c, ok := e.communeOf[v.Parents[0].ParentID]
		if !ok {
			continue
		}
		e.villageOf[v.ID] = int32(len(villages))
		e.villageIDs = append(e.villageIDs, v.ID)
		villages = append(villages, coverage.Village{Code: v.Code, Commune: c})
	}
	e.births, e.vbirths = make([][]civil.Date, len(communes)), make([][]civil.Date, len(villages))
	b, err := coverage.NewBuilder(communes, villages)
	if err != nil {
		return nil, err
	}
	past, err := pastResidences(ctx, st, nil)
	if err != nil {
		return nil, err
	}
	var sharedCodes []string
	err = eachBucket(ctx, st, buckets, log, func(p store.PersonRow, ivs *heldRows, cards []keyedInterval) error {
		scattered := scatteredRows(p, ivs)
		cp, ok := e.person(p, ivs)
		if !ok {
			return nil
		}
		pos, err := b.Add(e.withHistory(cp, past[p.Key]))
		if err != nil {
			return fmt.Errorf("coverage: person %s: %w", p.Key, err)
		}
		// Two persons under one BHXH code (in one bucket): the rows went to the first
		// met, the code names the last; both are read again below (refreshBatch, which
		// also takes them out of the book).
		if q, ok := e.personOf.get(p.BHXHCode); ok && p.BHXHCode != "" && q != pos {
			sharedCodes = append(sharedCodes, p.BHXHCode)
		}
		e.remember(p, pos)
		if scattered {
			e.scattered.set(pos)
		} else {
			e.book.set(pos, cards)
		}
		if p.Resident {
			e.residents.set(pos)
			e.addResident(cp)
		}
		return nil
	}, func(h string, n int) { e.unplaced[h] = n })
	if err != nil {
		return nil, err
	}
	e.sortBirths()
	e.personOf.compact()
	e.idx = b.Build()
	// The rows of a shared code go to its person with the smaller key, whichever the
	// store gave first (refreshBatch sorts them).
	slices.Sort(sharedCodes)
	sharedCodes = slices.Compact(sharedCodes)
	for start := 0; start < len(sharedCodes); start += holderBatch {
		if err := e.refreshBatch(ctx, st, sharedCodes[start:min(start+holderBatch, len(sharedCodes))]); err != nil {
			return nil, err
		}
	}
	e.BuiltIn = time.Since(start)
	return e, nil
}

func (e *engine) remember(p store.PersonRow, pos int32) {
	e.personOf.set(p.Key, pos)
	for int(pos) >= len(e.provinces) {
		e.provinces = append(e.provinces, 0)
	}
	e.provinces[pos], _ = provinceByte(p.Province)
	for int(pos) >= len(e.codes) {
		e.codes = append(e.codes, noID)
	}
	code, ok := digits(p.BHXHCode, 10)
	if !ok {
		if e.oddCodes == nil {
			e.oddCodes = map[int32]string{}
		}
		e.oddCodes[pos], code = p.BHXHCode, noID
	} else {
		delete(e.oddCodes, pos)
	}
	e.codes[pos] = code
	if p.BHXHCode != "" {
		e.personOf.set(p.BHXHCode, pos)
	}
	if p.NationalID != "" {
		e.personOf.set("id:"+p.NationalID, pos)
	}
}

// codeOf is the BHXH code the index knows a person by ("" for none).
func (e *engine) codeOf(pos int32) string {
	if c, ok := e.oddCodes[pos]; ok {
		return c
	}
	if int(pos) >= len(e.codes) {
		return ""
	}
	return undigits(e.codes[pos], 10)
}

// person builds the engine's person from a registry row and its intervals (taking
// them out of ivs, so what remains at the end has no holder in the registry).
func (e *engine) person(p store.PersonRow, ivs *heldRows) (coverage.Person, bool) {
	c, ok := e.communeOf[p.CommuneID]
	if !ok {
		return coverage.Person{}, false
	}
	cp := coverage.Person{Commune: c, Village: coverage.NoVillage, Birth: p.Birth}
	if v, ok := e.villageOf[p.VillageID]; ok {
		cp.Village = v
	}
	cp.Sex = sexOf(p.Sex)
	for _, h := range []string{p.BHXHCode, "id:" + p.NationalID} {
		if h == "" || h == "id:" {
			continue
		}
		if ivs == nil {
			continue
		}
		ivs.each(h, func(r heldRow) { r.addTo(&cp) })
		ivs.take(h)
	}
	return cp, true
}

func addInterval(cp *coverage.Person, x store.IntervalRow) {
	if s, iv, counts := intervalOf(x); counts {
		appendInterval(cp, s, iv)
	}
}

// appendInterval appends an interval to the person's list of its scheme.
func appendInterval(cp *coverage.Person, s coverage.Scheme, iv coverage.Interval) {
	switch s {
	case coverage.BHYT:
		cp.BHYT = append(cp.BHYT, iv)
	case coverage.BHXH:
		cp.BHXH = append(cp.BHXH, iv)
	default:
		cp.BHTN = append(cp.BHTN, iv)
	}
}

// intervalOf is a stored card or period as the index takes it; false for what the
// index does not count (BHYT paid through the employer).
func intervalOf(x store.IntervalRow) (coverage.Scheme, coverage.Interval, bool) {
	s, counts := schemeOf(x.Scheme)
	iv := coverage.Interval{From: x.From, To: x.To}
	switch s {
	case coverage.BHYT:
		iv.Issuing, _ = coverage.ParseProvince(x.Issuing)
		iv.Group, _ = coverage.ParsePayerGroup(x.PayerGroup)
	case coverage.BHXH:
		iv.Voluntary = x.Scheme == "bhxh_voluntary"
	}
	return s, iv, counts
}

// sexOf maps the registry's M/F to the engine's sexes.
func sexOf(s string) coverage.Sex {
	switch s {
	case "M":
		return coverage.Male
	case "F":
		return coverage.Female
	}
	return coverage.SexUnknown
}

func (e *engine) sortBirths() {
	for _, bs := range [][][]civil.Date{e.births, e.vbirths} {
		for _, b := range bs {
			slices.Sort(b)
		}
	}
}

// workingAges are d, d − 15 years and d − 60 years, for residents.
func workingAges(d civil.Date) [3]civil.Date {
	return [3]civil.Date{d, d.AddMonths(-15 * 12), d.AddMonths(-60 * 12)}
}

// residents counts the residents of a sorted list of birth dates on d (ages is
// workingAges(d), computed once for all the lists of a date): all of them born by
// d, and those of working age (15 to 59: born after d − 60 years and by d − 15
// years).
func residents(births []civil.Date, ages [3]civil.Date) (all, working int64) {
	upTo := func(x civil.Date) int64 {
		n, _ := slices.BinarySearch(births, x+1)
		return int64(n)
	}
	return upTo(ages[0]), upTo(ages[1]) - upTo(ages[2])
}

// residentsOn counts the registry's residents of every unit on d, on d's boundaries
// (as countsOn does for covered persons).
func (e *engine) residentsOn(atlas *geo.Atlas, d civil.Date) (all, working map[int64]int64) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	all, working = map[int64]int64{}, map[int64]int64{}
	add := func(u *geo.Unit, n, w int64) {
		for _, x := range append([]*geo.Unit{u}, atlas.Ancestors(u.ID, d)...) {
			all[x.ID] += n
			working[x.ID] += w
		}
	}
	// The birth lists hold residents where they live now; a resident who lived
	// elsewhere on d counts there.
	moved := e.movedResidents(d)
	ages := workingAges(d)
	for i, b := range e.births {
		n, w := residents(b, ages)
		if m, ok := moved.communes[int32(i)]; ok {
			n, w = n+m[0], w+m[1]
		}
		if n == 0 && w == 0 {
			continue
		}
		carryResidents(atlas, atlas.Unit(e.communeIDs[i]), d, n, w, add)
	}
	for i, b := range e.vbirths {
		n, w := residents(b, ages)
		m := moved.villages[int32(i)]
		n, w = n+m[0], w+m[1]
		if n == 0 && w == 0 {
			continue
		}
		// A village's residents count in it alone (its commune has its own above),
		// carried like its covered persons (onVillage).
		carryResidents(atlas, atlas.Unit(e.villageIDs[i]), d, n, w, func(u *geo.Unit, n, w int64) {
			all[u.ID] += n
			working[u.ID] += w
		})
	}
	return all, working
}

// carryResidents adds the residents (all, and of working age) of u to the units of
// d: u itself when in force on d, else the units lineage carries it onto, by share.
func carryResidents(atlas *geo.Atlas, u *geo.Unit, d civil.Date, n, w int64, add func(u *geo.Unit, n, w int64)) {
	if u.ValidOn(d) {
		add(u, n, w)
		return
	}
	wparts := atlas.Apportion(u, u.LastDay(), d, w)
	for to, part := range atlas.Apportion(u, u.LastDay(), d, n) {
		add(to, part, wparts[to])
	}
}

// residentMoves are the corrections to residents counted where they live now: per
// commune and village position, residents (all and of working age) to add on a date.
type residentMoves struct{ communes, villages map[int32][2]int64 }

// movedResidents takes each resident who lived elsewhere on d than now out of where
// they live now and into where they lived, if born by d.
func (e *engine) movedResidents(d civil.Date) residentMoves {
	m := residentMoves{communes: map[int32][2]int64{}, villages: map[int32][2]int64{}}
	shift := func(to map[int32][2]int64, at int32, n, w int64) {
		if at == coverage.NoVillage {
			return
		}
		x := to[at]
		to[at] = [2]int64{x[0] + n, x[1] + w}
	}
	type away struct {
		p         int32
		now, then coverage.Residence
	}
	var aways []away
	e.idx.EachMoved(func(p int32, h []coverage.Residence) {
		if !e.residents.has(p) {
			return
		}
		a := away{p: p, now: h[len(h)-1], then: h[0]}
		for _, r := range h {
			if r.From <= d {
				a.then = r
			}
		}
		if a.now.Commune != a.then.Commune || a.now.Village != a.then.Village {
			aways = append(aways, a)
		}
	})
	ages := workingAges(d)
	for _, a := range aways {
		n, w := residents([]civil.Date{e.idx.Birth(a.p)}, ages)
		if n == 0 {
			continue
		}
		shift(m.communes, a.now.Commune, -n, -w)
		shift(m.communes, a.then.Commune, n, w)
		shift(m.villages, a.now.Village, -n, -w)
		shift(m.villages, a.then.Village, n, w)
	}
	return m
}

// WarmCoverage builds the coverage index now (at start-up, or in a benchmark) rather
// than on the first query, and says how many persons it holds and how long it took.
func (a *App) WarmCoverage(ctx context.Context) (persons int, took time.Duration, err error) {
	e, err := a.engine(ctx)
	if err != nil {
		return 0, 0, err
	}
	return e.idx.Persons(), e.BuiltIn, nil
}

// provinceOf answers "in which province does the holder of this BHXH code live" from
// the coverage index, when the index is current (registry version ver); nil
// otherwise, and the store looks it up.
func (a *App) provinceOf(ver string) func(string) (string, bool) {
	a.engMu.Lock()
	e := a.eng
	a.engMu.Unlock()
	if e == nil || e.ver != ver {
		return nil
	}
	return e.provinceOfHolder
}

// currentEngine is the coverage index when it is at registry version ver, else nil.
func (a *App) currentEngine(ver string) *engine {
	a.engMu.Lock()
	defer a.engMu.Unlock()
	if a.eng == nil || a.eng.ver != ver {
		return nil
	}
	return a.eng
}

// codeProvinces are the provinces under which the persons holding some BHXH codes
// and the rows filed under the codes are stored: for each code, the province of the
// person it counts for (the holder with the smallest key), and "00". ok is false when
// that is not known of every code: a code the index has no person for, or a person
// whose rows are filed elsewhere too (scatteredRows).
func (e *engine) codeProvinces(codes []string) (provinces []string, ok bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	seen := map[uint8]bool{}
	provinces = []string{store.UnknownProvince}
	for _, c := range codes {
		pos, known := e.personOf.get(c)
		if !known || int(pos) >= len(e.provinces) || e.provinces[pos] == 0 || e.scattered.has(pos) {
			return nil, false
		}
		if b := e.provinces[pos]; !seen[b] {
			seen[b] = true
			provinces = append(provinces, provinceString(b))
		}
	}
	return provinces, true
}

// provinceOfHolder is the province a holder's person is stored under, where their
// cards and periods are stored too (or under "00", filed before the holder was known).
func (e *engine) provinceOfHolder(holder string) (string, bool) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	pos, ok := e.personOf.get(holder)
	if !ok || int(pos) >= len(e.provinces) || e.provinces[pos] == 0 {
		return "", false
	}
	return provinceString(e.provinces[pos]), true
}
