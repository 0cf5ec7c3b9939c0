// Package gen writes deterministic synthetic registry data in the plain CSV layouts
// of PRODUCT.md §5 — villages, residents, persons, BHYT cards, BHXH and BHTN
// periods, employers and denominators — for tests, the demo and benchmarks up to
// 100 million persons.
//
// People are spread over the real 2025 communes by their real population
// (geo/data/population.csv) and generated commune by commune, household by
// household, so memory does not grow with the number of persons. The same Options
// give byte-identical files.
package gen

import (
	"fmt"
	"math/bits"
	"sort"

	"github.com/phusong/phusong/internal/civil"
)

// Options say what to generate. Zero values take the defaults; a negative rate
// turns a data-quality case off.
type Options struct {
	Persons int64 // residents to generate
	Seed    int64
	// Provinces are 2025 province codes ("68"); empty means all 34.
	Provinces []string
	// AsOf is the "today" of the data; default 2026-06-30.
	AsOf civil.Date
	// Villages is the mean number of villages per commune; default 8.
	Villages int
	// DuplicateRate is the share of registered adults who also appear in persons.csv
	// under a second national ID and BHXH code; default 0.002.
	DuplicateRate float64
	// OverlapRate is the share of adults with a card who get a second, overlapping
	// household card; default 0.003.
	OverlapRate float64
	// MoveRate is the share of adults without a job who moved in from another
	// province during the history window (their older cards were issued there);
	// default 0.005.
	MoveRate float64
	// CrossProvinceRate is the share of residents aged 18–45 insured in another
	// province (people working or studying away, the Lạng Sơn case); default 0.03,
	// which gives 1–2 % of cards.
	CrossProvinceRate float64
	// Progress, when set, is called with the residents done and the total.
	Progress func(done, total int64)
}

// DefaultAsOf is the default "today" of the data.
var DefaultAsOf = civil.MustParse("2026-06-30")

func (o Options) withDefaults() Options {
	if o.AsOf == 0 {
		o.AsOf = DefaultAsOf
	}
	if o.Villages <= 0 {
		o.Villages = 8
	}
	o.DuplicateRate = rate(o.DuplicateRate, 0.002)
	o.OverlapRate = rate(o.OverlapRate, 0.003)
	o.MoveRate = rate(o.MoveRate, 0.005)
	o.CrossProvinceRate = rate(o.CrossProvinceRate, 0.03)
	return o
}

func rate(v, def float64) float64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	}
	return v
}

// Summary counts what was written. Counts "on AsOf" are of residents (a person under
// two IDs counts once).
type Summary struct {
	AsOf       civil.Date `json:"as_of"`
	Provinces  int        `json:"provinces"`
	Communes   int        `json:"communes"`
	Villages   int64      `json:"villages"`
	Households int64      `json:"households"`
	Residents  int64      `json:"residents"`
	// Persons are the rows of persons.csv: registered residents plus duplicates.
	Persons     int64 `json:"persons"`
	Employers   int64 `json:"employers"`
	Cards       int64 `json:"cards"`
	BHXHPeriods int64 `json:"bhxh_periods"`
	BHTNPeriods int64 `json:"bhtn_periods"`

	LabourForce      int64 `json:"labour_force"`
	BHYTCovered      int64 `json:"bhyt_covered"`
	Compulsory       int64 `json:"compulsory"`
	Voluntary        int64 `json:"voluntary"`
	VoluntaryStopped int64 `json:"voluntary_stopped"`
	BHTN             int64 `json:"bhtn"`
	// CardsElsewhere are cards issued outside the holder's province of residence.
	CardsElsewhere int64 `json:"cards_elsewhere"`

	// Cases counts the deliberate data-quality cases by kind (duplicate_person,
	// overlapping_cards, moved_province); every case is a row of data_quality.csv.
	Cases map[string]int64 `json:"cases"`
	// Examples are the first few cases of each kind.
	Examples []Case   `json:"examples"`
	Files    []string `json:"files"`
}

// Case is one deliberate data-quality case.
type Case struct {
	Kind          string `json:"kind"`
	NationalID    string `json:"national_id"`
	BHXHCode      string `json:"bhxh_code"`
	OtherNID      string `json:"other_national_id,omitempty"` // duplicate_person: the second ID
	OtherBHXHCode string `json:"other_bhxh_code,omitempty"`
	OtherProvince string `json:"other_province,omitempty"` // moved_province: where from
}

// Files and their headers (PRODUCT.md §5; extra columns after the required ones).
var headers = []struct{ name, header string }{
	{"villages.csv", "commune_code,village_code,village_name,village_type"},
	{"residents.csv", "national_id,full_name,birth_date,sex,commune_code,village_code,household_id"},
	{"persons.csv", "national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id"},
	{"bhyt_cards.csv", "card_no,bhxh_code,group_code,benefit_level,valid_from,valid_to,issuing_province,payer_group"},
	{"bhxh_periods.csv", "bhxh_code,kind,employer_code,valid_from,valid_to,salary"},
	{"bhtn_periods.csv", "bhxh_code,employer_code,valid_from,valid_to,salary"},
	{"employers.csv", "employer_code,tax_code,name,kind,commune_code,region"},
	{"denominators.csv", "unit_code,year,population,labour_force"},
	{"data_quality.csv", "kind,national_id,bhxh_code,other_national_id,other_bhxh_code,other_province"},
}

const (
	fVillages = iota
	fResidents
	fPersons
	fCards
	fBHXH
	fBHTN
	fEmployers
	fDenominators
	fQuality
	nFiles
)

// Generate writes the files to out and returns what it wrote.
func Generate(opt Options, out Sink) (Summary, error) {
	g, err := newGenerator(opt.withDefaults())
	if err != nil {
		return Summary{}, err
	}
	if err := g.open(out); err != nil {
		return Summary{}, err
	}
	err = g.run()
	if cerr := g.close(); err == nil {
		err = cerr
	}
	return g.sum, err
}

// selectCommunes keeps the communes of the wanted provinces, in code order.
func selectCommunes(all []commune, provinces []string) ([]commune, error) {
	if len(provinces) == 0 {
		return all, nil
	}
	want := map[string]bool{}
	for _, p := range provinces {
		want[p] = true
	}
	var out []commune
	found := map[string]bool{}
	for _, c := range all {
		if want[c.province] {
			out = append(out, c)
			found[c.province] = true
		}
	}
	for _, p := range provinces {
		if !found[p] {
			return nil, fmt.Errorf("gen: no 2025 province with code %q", p)
		}
	}
	return out, nil
}

// allocate spreads n persons over the communes in proportion to their population
// (largest remainder, ties to the lower code), so the total is exactly n.
func allocate(cs []commune, n int64) []int64 {
	var total int64
	for _, c := range cs {
		total += c.population
	}
	out := make([]int64, len(cs))
	if total == 0 || n == 0 {
		return out
	}
	type rest struct {
		i   int
		rem int64
	}
	rests := make([]rest, len(cs))
	var given int64
	for i, c := range cs {
		q := mulDiv(n, c.population, total)
		out[i] = q
		given += q
		rests[i] = rest{i, mulMod(n, c.population, total)}
	}
	sort.SliceStable(rests, func(a, b int) bool { return rests[a].rem > rests[b].rem })
	for k := 0; given < n; k++ {
		out[rests[k%len(rests)].i]++
		given++
	}
	return out
}

// mulDiv and mulMod are a·b/c and a·b mod c in 128-bit arithmetic.
func mulDiv(a, b, c int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	q, _ := bits.Div64(hi, lo, uint64(c))
	return int64(q)
}

func mulMod(a, b, c int64) int64 {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	_, r := bits.Div64(hi, lo, uint64(c))
	return int64(r)
}
