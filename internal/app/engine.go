package app

import (
	"context"
	"fmt"
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
	personOf   map[string]int32 // BHXH code, person key or "id:"+national ID → position
	unplaced   int64            // cards and periods whose holder is not in the registry
	births     [][]civil.Date   // per commune position: residents' birth dates, sorted
	vbirths    [][]civil.Date   // per village position

	BuiltIn time.Duration

	// mu guards personOf, births and vbirths once the engine is shared: a refresh
	// adds persons while queries read (the index itself has its own lock).
	mu sync.RWMutex

	memoMu sync.Mutex
	memo   map[memoKey]map[int64]int64 // counts per unit on a date, until the index changes
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
	e, err := buildEngine(ctx, a.Store, atlas, ver)
	if err != nil {
		return nil, err
	}
	a.Log.Info("coverage index built", "persons", e.idx.Persons(), "ms", e.BuiltIn.Milliseconds(), "unplaced", e.unplaced)
	a.eng = e
	return e, nil
}

func buildEngine(ctx context.Context, st *store.Store, atlas *geo.Atlas, ver string) (*engine, error) {
	start := time.Now()
	e := &engine{ver: ver, atlas: atlas, communeOf: map[int64]int32{}, villageOf: map[int64]int32{}, personOf: map[string]int32{}}
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
	ivs := map[string][]store.IntervalRow{}
	err = st.EachInterval(ctx, nil, func(x store.IntervalRow) error {
		ivs[x.Holder] = append(ivs[x.Holder], x)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = st.EachPerson(ctx, nil, func(p store.PersonRow) error {
		cp, ok := e.person(p, ivs)
		if !ok {
			return nil
		}
		pos, err := b.Add(cp)
		if err != nil {
			return fmt.Errorf("coverage: person %s: %w", p.Key, err)
		}
		e.remember(p, pos)
		if p.Resident {
			e.addResident(cp)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, rows := range ivs {
		e.unplaced += int64(len(rows))
	}
	e.sortBirths()
	e.idx = b.Build()
	e.BuiltIn = time.Since(start)
	return e, nil
}

func (e *engine) remember(p store.PersonRow, pos int32) {
	e.personOf[p.Key] = pos
	if p.BHXHCode != "" {
		e.personOf[p.BHXHCode] = pos
	}
	if p.NationalID != "" {
		e.personOf["id:"+p.NationalID] = pos
	}
}

// person builds the engine's person from a registry row and its intervals (taking
// them out of ivs, so what remains at the end has no holder in the registry).
func (e *engine) person(p store.PersonRow, ivs map[string][]store.IntervalRow) (coverage.Person, bool) {
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
		for _, x := range ivs[h] {
			addInterval(&cp, x)
		}
		delete(ivs, h)
	}
	return cp, true
}

func addInterval(cp *coverage.Person, x store.IntervalRow) {
	iv := coverage.Interval{From: x.From, To: x.To}
	switch x.Scheme {
	case "bhyt":
		iv.Issuing, _ = coverage.ParseProvince(x.Issuing)
		iv.Group, _ = coverage.ParsePayerGroup(x.PayerGroup)
		cp.BHYT = append(cp.BHYT, iv)
	case "bhxh_compulsory", "bhxh_voluntary":
		iv.Voluntary = x.Scheme == "bhxh_voluntary"
		cp.BHXH = append(cp.BHXH, iv)
	case "bhtn":
		cp.BHTN = append(cp.BHTN, iv)
	}
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

// holderBatch bounds the holders asked for in one query (placeholder limits).
const holderBatch = 5000

// refresh brings the coverage index up to the registry after an import made in this
// process: the persons the import touched get their intervals replaced (and a new
// person is added), without a full rebuild. It applies only when the index was
// current before the import (before is the registry version then); otherwise the
// next query rebuilds.
func (a *App) refresh(ctx context.Context, before string, holders map[string]bool) error {
	a.engMu.Lock()
	defer a.engMu.Unlock()
	e := a.eng
	if e == nil || e.ver != before || len(holders) == 0 {
		return nil
	}
	after, err := a.Store.RegistryVersion(ctx)
	if err != nil {
		return err
	}
	// Holders the index knows whose own record did not change need only their cards
	// and periods read again; the others (new persons, changed records) are read whole.
	var known, whole []string
	e.mu.RLock()
	for h, own := range holders {
		if _, ok := e.personOf[h]; ok && !own {
			known = append(known, h)
		} else {
			whole = append(whole, h)
		}
	}
	e.mu.RUnlock()
	if len(known) > 0 {
		if err := e.refreshIntervals(ctx, a.Store, known); err != nil {
			a.eng = nil // rebuilt on the next query
			return err
		}
	}
	for start := 0; start < len(whole); start += holderBatch {
		if err := e.refreshBatch(ctx, a.Store, whole[start:min(start+holderBatch, len(whole))]); err != nil {
			a.eng = nil
			return err
		}
	}
	e.forget()
	e.ver = after
	return nil
}

// refreshIntervals replaces the cards and periods of persons the index knows, read
// again from the store (one indexed look-up per batch).
func (e *engine) refreshIntervals(ctx context.Context, st *store.Store, holders []string) error {
	e.mu.RLock()
	byPos := map[int32]*coverage.Person{}
	posOf := make(map[string]int32, len(holders))
	for _, h := range holders {
		posOf[h] = e.personOf[h]
		byPos[posOf[h]] = &coverage.Person{}
	}
	e.mu.RUnlock()
	// All provinces: a card may be filed under another province than the holder's
	// (issued before the holder was in the registry, or before a move).
	if err := st.EachInterval(ctx, holders, func(x store.IntervalRow) error {
		if pos, ok := posOf[x.Holder]; ok {
			addInterval(byPos[pos], x)
		}
		return nil
	}); err != nil {
		return err
	}
	changes := make([]coverage.Change, 0, 3*len(byPos))
	for pos, p := range byPos {
		changes = append(changes, coverage.Replace(pos, coverage.BHYT, p.BHYT), coverage.Replace(pos, coverage.BHXH, p.BHXH), coverage.Replace(pos, coverage.BHTN, p.BHTN))
	}
	return e.idx.Apply(changes)
}

func (e *engine) refreshBatch(ctx context.Context, st *store.Store, holders []string) error {
	var persons []store.PersonRow
	var keys []string
	if err := st.EachPerson(ctx, holders, func(p store.PersonRow) error {
		persons = append(persons, p)
		if p.BHXHCode != "" {
			keys = append(keys, p.BHXHCode)
		}
		if p.NationalID != "" {
			keys = append(keys, "id:"+p.NationalID)
		}
		return nil
	}); err != nil {
		return err
	}
	ivs := map[string][]store.IntervalRow{}
	if err := st.EachInterval(ctx, keys, func(x store.IntervalRow) error {
		ivs[x.Holder] = append(ivs[x.Holder], x)
		return nil
	}); err != nil {
		return err
	}
	var changes []coverage.Change
	for _, p := range persons {
		cp, ok := e.person(p, ivs)
		if !ok {
			continue
		}
		e.mu.RLock()
		pos, known := e.personOf[p.Key]
		e.mu.RUnlock()
		if !known {
			pos, err := e.idx.AddPerson(cp)
			if err != nil {
				return err
			}
			e.mu.Lock()
			e.remember(p, pos)
			if p.Resident {
				e.insertResident(cp)
			}
			e.mu.Unlock()
			continue
		}
		changes = append(changes, coverage.Replace(pos, coverage.BHYT, cp.BHYT), coverage.Replace(pos, coverage.BHXH, cp.BHXH), coverage.Replace(pos, coverage.BHTN, cp.BHTN))
		if r := e.idx.Residence(pos); r.Commune != cp.Commune || r.Village != cp.Village {
			// The registry keeps only the current residence: the move is recorded
			// from the first day, as the registry now says.
			changes = append(changes, coverage.MoveTo(pos, coverage.Residence{From: civil.Min, Commune: cp.Commune, Village: cp.Village}))
		}
	}
	return e.idx.Apply(changes)
}

// addResident counts a resident of the population register for the registry
// denominators (M2: "counted from the resident registry").
func (e *engine) addResident(p coverage.Person) {
	e.births[p.Commune] = append(e.births[p.Commune], p.Birth)
	if p.Village != coverage.NoVillage {
		e.vbirths[p.Village] = append(e.vbirths[p.Village], p.Birth)
	}
}

// insertResident adds a resident after the build, keeping the lists sorted.
func (e *engine) insertResident(p coverage.Person) {
	ins := func(b []civil.Date) []civil.Date {
		i, _ := slices.BinarySearch(b, p.Birth)
		return slices.Insert(b, i, p.Birth)
	}
	e.births[p.Commune] = ins(e.births[p.Commune])
	if p.Village != coverage.NoVillage {
		e.vbirths[p.Village] = ins(e.vbirths[p.Village])
	}
}

func (e *engine) sortBirths() {
	for _, bs := range [][][]civil.Date{e.births, e.vbirths} {
		for _, b := range bs {
			slices.Sort(b)
		}
	}
}

// residents counts the residents of a sorted list of birth dates on d: all of them
// born by d, and those of working age (15 to 59: born after d − 60 years and by
// d − 15 years).
func residents(births []civil.Date, d civil.Date) (all, working int64) {
	upTo := func(x civil.Date) int64 {
		n, _ := slices.BinarySearch(births, x+1)
		return int64(n)
	}
	return upTo(d), upTo(d.AddMonths(-15*12)) - upTo(d.AddMonths(-60*12))
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
	for i, b := range e.births {
		n, w := residents(b, d)
		if n == 0 {
			continue
		}
		u := atlas.Unit(e.communeIDs[i])
		if u.ValidOn(d) {
			add(u, n, w)
			continue
		}
		parts := atlas.Apportion(u, u.LastDay(), d, n)
		wparts := atlas.Apportion(u, u.LastDay(), d, w)
		for to, part := range parts {
			add(to, part, wparts[to])
		}
	}
	for i, b := range e.vbirths {
		all[e.villageIDs[i]], working[e.villageIDs[i]] = residents(b, d)
	}
	return all, working
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

func (e *engine) provinceOfHolder(holder string) (string, bool) {
	e.mu.RLock()
	pos, ok := e.personOf[holder]
	e.mu.RUnlock()
	if !ok {
		return "", false
	}
	u := e.atlas.Unit(e.communeIDs[e.idx.Residence(pos).Commune])
	p := e.atlas.ProvinceOf(u.ID, u.LastDay())
	if p == nil {
		return "", false
	}
	return p.Code, true
}
