package app

import (
	"context"
	"fmt"
	"time"

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
	BuiltIn    time.Duration
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
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, rows := range ivs {
		e.unplaced += int64(len(rows))
	}
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
