package gen

import (
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/geo"
)

// commune is a 2025 commune-level unit with what the generator needs to know of it.
type commune struct {
	code       string
	name       string // full name, "Phường Ba Đình"
	province   string // 2025 province code
	oldProv    string // the pre-2025 province most of it came from (national ID prefix, older cards)
	ward       bool   // phường: tổ dân phố and urban rates; xã and đặc khu are rural
	population int64  // 2025 population (geo/data/population.csv); 0 when missing
	region     int    // minimum-wage region 1–4 (simplified, see regionOf)
	difficult  bool   // on the (simulated) list of communes with especially difficult conditions
	north      bool   // northern naming (Hoàng, Vũ) rather than southern (Huỳnh, Võ)
}

var (
	placesOnce sync.Once
	placesAll  []commune
	placesErr  error
)

// allCommunes are the 3,321 communes of 1 July 2025 in code order.
func allCommunes() ([]commune, error) {
	placesOnce.Do(func() { placesAll, placesErr = loadCommunes() })
	return placesAll, placesErr
}

func loadCommunes() ([]commune, error) {
	ref, err := geo.Reference()
	if err != nil {
		return nil, err
	}
	pop, err := readPopulation()
	if err != nil {
		return nil, err
	}
	atlas := geo.NewAtlas(ref.NewUnits, ref.NewLinks)
	var out []commune
	for _, u := range atlas.List(geo.ReorgDate, geo.Commune) {
		out = append(out, describe(atlas, u, pop[u.Code]))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("gen: no 2025 communes in the reference geography")
	}
	sort.Slice(out, func(i, j int) bool { return out[i].code < out[j].code })
	return out, nil
}

func describe(a *geo.Atlas, u *geo.Unit, population int64) commune {
	name := u.NameOn(geo.ReorgDate)
	prov := a.ProvinceOf(u.ID, geo.ReorgDate)
	c := commune{code: u.Code, name: name.FullName, province: prov.Code, ward: name.Type == "phuong", population: population}
	c.oldProv = oldProvince(a, u, prov.Code)
	c.north = c.oldProv < "46"
	c.region = regionOf(c)
	c.difficult = !c.ward && hash64(uint64(atoi(c.code)), 0xd1ff) < difficultShare(c.oldProv)
	return c
}

// oldProvince is the pre-2025 province of the commune's predecessors that counts most
// (the commune itself when it continued; else its predecessors by share).
func oldProvince(a *geo.Atlas, u *geo.Unit, fallback string) string {
	last := geo.ReorgDate.AddDays(-1)
	if u.ValidFrom < geo.ReorgDate {
		return provinceBefore(a, u.ID, last, fallback)
	}
	weight := map[string]int64{}
	best, bestW := fallback, int64(-1)
	for _, l := range a.Predecessors(u.ID) {
		p := provinceBefore(a, l.FromID, last, "")
		if p == "" {
			continue
		}
		weight[p] += l.SharePPM
		if w := weight[p]; w > bestW || (w == bestW && p < best) {
			best, bestW = p, w
		}
	}
	return best
}

func provinceBefore(a *geo.Atlas, id int64, d civil.Date, fallback string) string {
	if p := a.ProvinceOf(id, d); p != nil {
		return p.Code
	}
	return fallback
}

func readPopulation() (map[string]int64, error) {
	f, err := geo.Data.Open("data/population.csv")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("gen: population.csv: %w", err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	out := map[string]int64{}
	for _, r := range recs[1:] {
		if r[col["level"]] != "commune" {
			continue
		}
		n, _ := strconv.ParseInt(r[col["population"]], 10, 64) // missing (Vân Đồn, Hoàng Sa) → 0
		out[r[col["code"]]] = n
	}
	return out, nil
}

// regionOf is a simplified minimum-wage region (ND 74/2024, ND 293/2025 list communes
// one by one; that list is not in the repository): wards of the big industrial
// provinces are region I, other wards and rural communes there region II, rural
// communes of the mountain provinces region IV, the rest region III.
func regionOf(c commune) int {
	switch {
	case industrial[c.province] && c.ward:
		return 1
	case industrial[c.province] || c.ward:
		return 2
	case mountain[c.oldProv]:
		return 4
	}
	return 3
}

var industrial = map[string]bool{"01": true, "79": true, "31": true, "75": true, "24": true, "22": true, "48": true}

// mountain are the pre-2025 northern-mountain and Central Highlands provinces, where
// most communes with especially difficult conditions are.
var mountain = map[string]bool{
	"02": true, "04": true, "06": true, "08": true, "10": true, "11": true, "12": true, "14": true,
	"15": true, "17": true, "20": true, "62": true, "64": true, "66": true, "67": true,
}

// difficultShare is the part of rural communes that are treated as especially
// difficult (about an eighth of the population gets DT/DK cards, as before the
// 2021–2025 list shrank) (their residents get DT/DK cards), out of 2^64.
func difficultShare(oldProv string) uint64 {
	if mountain[oldProv] {
		return 9 << 60 // 9/16 ≈ 56 %
	}
	return 3 << 59 // 3/32 ≈ 9 %
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
