package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"runtime"
	"time"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/coverage"
	"github.com/phusong/phusong/internal/geo"
)

// communesOn are the communes in force on d, as the coverage index numbers them.
func communesOn(d civil.Date) ([]coverage.Commune, map[string]int32, error) {
	ch, err := geo.Reference()
	if err != nil {
		return nil, nil, err
	}
	atlas := geo.NewAtlas(ch.NewUnits, ch.NewLinks)
	var cs []coverage.Commune
	pos := map[string]int32{}
	for _, u := range atlas.AllOfLevel(geo.Commune) {
		if !u.ValidOn(d) {
			continue
		}
		p := atlas.ProvinceOf(u.ID, d)
		if p == nil {
			continue
		}
		prov, err := coverage.ParseProvince(p.Code)
		if err != nil {
			return nil, nil, err
		}
		pos[u.Code] = int32(len(cs))
		cs = append(cs, coverage.Commune{Code: u.Code, Province: prov})
	}
	return cs, pos, nil
}

type card struct {
	from, to civil.Date
	issuing  coverage.Province
	group    coverage.PayerGroup
}

func (c card) interval() coverage.Interval {
	return coverage.Interval{From: c.from, To: c.to, Issuing: c.issuing, Group: c.group}
}

func coveredOn(cards []card, d civil.Date) bool {
	for _, c := range cards {
		if c.from <= d && d <= c.to {
			return true
		}
	}
	return false
}

// indexPhase builds the coverage index straight from the generated files (no
// store), times AllCommunes, and writes the daily change file for the other phases,
// with the change of the national figure it must cause.
func indexPhase(c config) (*result, error) {
	res := &result{}
	start := time.Now()
	communes, communePos, err := communesOn(c.Date)
	if err != nil {
		return nil, err
	}
	// Cards, grouped by holder.
	var cards []card
	var cardHolder []int32
	holderOf := map[string]int32{}
	var byHolder [][]int32
	cols, err := header(dataFile(c, "bhyt_cards.csv"))
	if err != nil {
		return nil, err
	}
	cB, cF, cT, cI, cP := col(cols, "bhxh_code"), col(cols, "valid_from"), col(cols, "valid_to"), col(cols, "issuing_province"), col(cols, "payer_group")
	groups := map[string]coverage.PayerGroup{}
	_, err = eachRow(dataFile(c, "bhyt_cards.csv"), func(f [][]byte, _ []byte) error {
		from, err := date(f[cF])
		if err != nil {
			return err
		}
		to, err := date(f[cT])
		if err != nil {
			return err
		}
		iss, err := coverage.ParseProvince(string(f[cI]))
		if err != nil {
			return err
		}
		g, ok := groups[string(f[cP])]
		if !ok {
			if g, err = coverage.ParsePayerGroup(string(f[cP])); err != nil {
				return err
			}
			groups[string(f[cP])] = g
		}
		h, ok := holderOf[string(f[cB])]
		if !ok {
			h = int32(len(byHolder))
			holderOf[string(f[cB])] = h
			byHolder = append(byHolder, nil)
		}
		byHolder[h] = append(byHolder[h], int32(len(cards)))
		cardHolder = append(cardHolder, h)
		cards = append(cards, card{from, to, iss, g})
		return nil
	})
	if err != nil {
		return nil, err
	}
	holderCards := func(h int32, out []card) []card {
		out = out[:0]
		for _, i := range byHolder[h] {
			out = append(out, cards[i])
		}
		return out
	}
	// Persons, added to the builder as they are read.
	b, err := coverage.NewBuilder(communes, nil)
	if err != nil {
		return nil, err
	}
	b.Grow(int(c.Persons+c.Persons/100), 2)
	cols, err = header(dataFile(c, "persons.csv"))
	if err != nil {
		return nil, err
	}
	pB, pC, pD, pS := col(cols, "bhxh_code"), col(cols, "commune_code"), col(cols, "birth_date"), col(cols, "sex")
	holderPos := make([]int32, len(byHolder))
	for i := range holderPos {
		holderPos[i] = -1
	}
	var buildS time.Duration
	var p coverage.Person
	var tmp []card
	_, err = eachRow(dataFile(c, "persons.csv"), func(f [][]byte, _ []byte) error {
		cm, ok := communePos[string(f[pC])]
		if !ok {
			return fmt.Errorf("persons.csv: commune %s not in force on %s", f[pC], c.Date)
		}
		birth, err := date(f[pD])
		if err != nil {
			return err
		}
		p = coverage.Person{Commune: cm, Village: coverage.NoVillage, Birth: birth, BHYT: p.BHYT[:0]}
		switch string(f[pS]) {
		case "M":
			p.Sex = coverage.Male
		case "F":
			p.Sex = coverage.Female
		}
		h, hasCards := int32(-1), false
		if len(f[pB]) > 0 {
			h, hasCards = holderOf[string(f[pB])]
		}
		if hasCards && holderPos[h] < 0 {
			for _, cd := range holderCards(h, tmp) {
				p.BHYT = append(p.BHYT, cd.interval())
			}
		}
		t0 := time.Now()
		pos, err := b.Add(p)
		buildS += time.Since(t0)
		if err != nil {
			return err
		}
		if hasCards && holderPos[h] < 0 {
			holderPos[h] = pos
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	x := b.Build()
	buildS += time.Since(t0)
	res.BuildS = buildS.Seconds()
	res.ParseS = time.Since(start).Seconds() - res.BuildS
	res.IndexPersons = x.Persons()
	st := x.Stats()
	res.IndexBytes = int64(st.PersonBytes + st.SeriesBytes)
	log.Printf("  in-process index: %d persons, %d cards, parse %.1fs, build %.1fs, %d MB", x.Persons(), len(cards), res.ParseS, res.BuildS, res.IndexBytes>>20)

	// Every commune on D, then on many dates over the card history window.
	out := make([]int64, len(communes))
	if err := x.AllCommunes(coverage.BHYT, c.Date, out); err != nil {
		return nil, err
	}
	res.PerCommune = map[string]int64{}
	for i, cm := range communes {
		res.PerCommune[cm.Code] = out[i]
		res.Covered += out[i]
	}
	rng := rand.New(rand.NewPCG(1, 2))
	lat := make([]time.Duration, c.Iter)
	for i := range lat {
		d := c.Date - civil.Date(rng.IntN(900))
		t := time.Now()
		if err := x.AllCommunes(coverage.BHYT, d, out); err != nil {
			return nil, err
		}
		lat[i] = time.Since(t)
	}
	res.AllMeanUs, res.AllP99Us, res.AllMaxUs = us(mean(lat)), us(pct(lat, 99)), us(pct(lat, 100))
	log.Printf("  AllCommunes over %d dates: mean %.1f µs, p99 %.1f µs", c.Iter, res.AllMeanUs, res.AllP99Us)

	// The daily change file: half the changed cards end early (valid on D, now ending
	// the day before), half are renewals of cards that lapsed in the 180 days before
	// D (now valid a year past D).
	half := c.Changes / 2
	var ending, renewing []int32
	for i, cd := range cards {
		if holderPos[cardHolder[i]] < 0 {
			continue // holder not in persons.csv: not counted anywhere
		}
		switch {
		case cd.from < c.Date && c.Date <= cd.to:
			ending = append(ending, int32(i))
		case cd.to < c.Date && cd.to >= c.Date-180:
			renewing = append(renewing, int32(i))
		}
	}
	pick := func(from []int32, n int) []int32 {
		if n >= len(from) {
			return from
		}
		out := make([]int32, 0, n)
		for k := range n {
			out = append(out, from[int(int64(k)*int64(len(from))/int64(n))])
		}
		return out
	}
	renew := pick(renewing, half)
	end := pick(ending, c.Changes-len(renew))
	newTo := map[int32]civil.Date{}
	for _, i := range end {
		newTo[i] = c.Date - 1
	}
	for _, i := range renew {
		newTo[i] = c.Date + 365
	}
	res.ChangedCards = len(newTo)
	// Expected change of the national figure on D, and the same change applied to
	// this index.
	touched := map[int32]bool{}
	for i := range newTo {
		touched[cardHolder[i]] = true
	}
	var changes []coverage.Change
	for h := range touched {
		before := holderCards(h, nil)
		after := make([]card, len(before))
		copy(after, before)
		ivs := make([]coverage.Interval, len(after))
		for k, i := range byHolder[h] {
			if to, ok := newTo[i]; ok {
				after[k].to = to
			}
			ivs[k] = after[k].interval()
		}
		if coveredOn(before, c.Date) != coveredOn(after, c.Date) {
			if coveredOn(after, c.Date) {
				res.ExpectedDelta++
			} else {
				res.ExpectedDelta--
			}
		}
		changes = append(changes, coverage.Replace(holderPos[h], coverage.BHYT, ivs))
	}
	t0 = time.Now()
	if err := x.Apply(changes); err != nil {
		return nil, err
	}
	res.ApplyMs = float64(time.Since(t0).Microseconds()) / 1000
	if err := x.AllCommunes(coverage.BHYT, c.Date, out); err != nil {
		return nil, err
	}
	var after int64
	for _, v := range out {
		after += v
	}
	if after-res.Covered != res.ExpectedDelta {
		return nil, fmt.Errorf("in-process index: the change moved the national figure by %d, want %d", after-res.Covered, res.ExpectedDelta)
	}
	log.Printf("  change file: %d cards (%d ending, %d renewed) of %d holders, expected national change %+d; Apply took %.1f ms",
		len(newTo), len(end), len(renew), len(touched), res.ExpectedDelta, res.ApplyMs)
	res.Change = &changeResult{Cards: len(newTo), Before: res.Covered, After: after, Expected: res.ExpectedDelta, FigureRight: true}
	res.ChangeFile = changeFile(c)
	if err := writeChangeFile(c, newTo); err != nil {
		return nil, err
	}
	if err := writeChangeMeta(c, changeMeta{Cards: len(newTo), ExpectedDelta: res.ExpectedDelta}); err != nil {
		return nil, err
	}
	runtime.KeepAlive(x)
	return res, nil
}

// writeChangeFile copies the chosen lines of bhyt_cards.csv with their new valid_to.
func writeChangeFile(c config, newTo map[int32]civil.Date) error {
	fh, err := os.Create(changeFile(c))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(fh)
	cols, err := header(dataFile(c, "bhyt_cards.csv"))
	if err != nil {
		return err
	}
	names := make([]string, len(cols))
	for n, i := range cols {
		names[i] = n
	}
	for i, n := range names {
		if i > 0 {
			w.WriteByte(',')
		}
		w.WriteString(n)
	}
	w.WriteByte('\n')
	cT := col(cols, "valid_to")
	var i int32
	_, err = eachRow(dataFile(c, "bhyt_cards.csv"), func(f [][]byte, _ []byte) error {
		to, ok := newTo[i]
		i++
		if !ok {
			return nil
		}
		for k, v := range f {
			if k > 0 {
				w.WriteByte(',')
			}
			if k == cT {
				w.WriteString(to.String())
			} else {
				w.Write(v)
			}
		}
		return w.WriteByte('\n')
	})
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return fh.Close()
}

type changeMeta struct {
	Cards         int   `json:"cards"`
	ExpectedDelta int64 `json:"expected_delta"`
}

func writeChangeMeta(c config, m changeMeta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return os.WriteFile(changeFile(c)+".json", b, 0o644)
}

// changeExpectation reads what the index phase said the change file must do.
func changeExpectation(c config) (delta int64, cards int, err error) {
	b, err := os.ReadFile(changeFile(c) + ".json")
	if err != nil {
		return 0, 0, err
	}
	var m changeMeta
	if err := json.Unmarshal(b, &m); err != nil {
		return 0, 0, err
	}
	return m.ExpectedDelta, m.Cards, nil
}
