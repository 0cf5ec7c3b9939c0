package gen

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/registry"
)

var (
	sampleOnce sync.Once
	sample     MemSink
	sampleSum  Summary
	sampleErr  error
)

// fiftyK is 50,000 persons over the whole country, generated once for the tests.
func fiftyK(t *testing.T) (*MemSink, Summary) {
	t.Helper()
	sampleOnce.Do(func() { sampleSum, sampleErr = Generate(Options{Persons: 50_000, Seed: 7}, &sample) })
	if sampleErr != nil {
		t.Fatal(sampleErr)
	}
	return &sample, sampleSum
}

func readAll(t *testing.T, m *MemSink, name string) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(m.File(name)))
	recs, err := r.ReadAll() // also checks every row has as many fields as the header
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return recs
}

// rows are the records of a file as maps by column name.
func rows(t *testing.T, m *MemSink, name string) []map[string]string {
	recs := readAll(t, m, name)
	out := make([]map[string]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		row := map[string]string{}
		for i, h := range recs[0] {
			row[h] = r[i]
		}
		out = append(out, row)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	run := func(seed int64) *MemSink {
		var m MemSink
		if _, err := Generate(Options{Persons: 20_000, Seed: seed, Provinces: []string{"20", "79"}}, &m); err != nil {
			t.Fatal(err)
		}
		return &m
	}
	a, b, c := run(1), run(1), run(2)
	if len(a.Names()) != len(headers) {
		t.Fatalf("files %v, want %d", a.Names(), len(headers))
	}
	for _, n := range a.Names() {
		if !bytes.Equal(a.File(n), b.File(n)) {
			t.Errorf("%s differs between two runs with the same seed", n)
		}
	}
	if bytes.Equal(a.File("persons.csv"), c.File("persons.csv")) {
		t.Error("persons.csv is the same for seeds 1 and 2")
	}
}

// The required columns of PRODUCT.md §5, in the order the generator writes them.
var contract = map[string]string{
	"villages.csv":     "commune_code,village_code,village_name",
	"residents.csv":    "national_id,full_name,birth_date,sex,commune_code,village_code,household_id",
	"persons.csv":      "national_id,bhxh_code,full_name,birth_date,sex,commune_code,village_code,household_id",
	"bhyt_cards.csv":   "card_no,bhxh_code,group_code,benefit_level,valid_from,valid_to,issuing_province",
	"bhxh_periods.csv": "bhxh_code,kind,employer_code,valid_from,valid_to,salary",
	"bhtn_periods.csv": "bhxh_code,employer_code,valid_from,valid_to,salary",
	"employers.csv":    "employer_code,tax_code,name,kind,commune_code,region",
	"denominators.csv": "unit_code,year,population,labour_force",
}

func TestHeadersAndParse(t *testing.T) {
	m, _ := fiftyK(t)
	for name, want := range contract {
		head := strings.Join(readAll(t, m, name)[0], ",")
		if !strings.HasPrefix(head, want) {
			t.Errorf("%s header %q, want it to start with %q", name, head, want)
		}
	}
}

// The registry's own readers (the import path) accept every generated file.
func TestRegistryReadersAccept(t *testing.T) {
	m, sum := fiftyK(t)
	units := newTestUnits(t, m)
	count := func(name string, read func(io.Reader) error) {
		if err := read(bytes.NewReader(m.File(name))); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	var persons, cards int64
	count("persons.csv", func(r io.Reader) error {
		return registry.ReadPersons("persons.csv", r, units, func(registry.Person) error { persons++; return nil })
	})
	count("residents.csv", func(r io.Reader) error {
		return registry.ReadResidents("residents.csv", r, units, func(registry.Resident) error { return nil })
	})
	count("bhyt_cards.csv", func(r io.Reader) error {
		return registry.ReadCards("bhyt_cards.csv", r, func(registry.Card) error { cards++; return nil })
	})
	count("bhxh_periods.csv", func(r io.Reader) error {
		return registry.ReadBHXHPeriods("bhxh_periods.csv", r, func(registry.Period) error { return nil })
	})
	count("bhtn_periods.csv", func(r io.Reader) error {
		return registry.ReadBHTNPeriods("bhtn_periods.csv", r, func(registry.Period) error { return nil })
	})
	count("denominators.csv", func(r io.Reader) error {
		return registry.ReadDenominators("denominators.csv", r, units, func(registry.Denominator) error { return nil })
	})
	if persons != sum.Persons || cards != sum.Cards {
		t.Errorf("read %d persons, %d cards; summary says %d, %d", persons, cards, sum.Persons, sum.Cards)
	}
}

// testUnits answers the registry's questions from the generated villages.
type testUnits struct {
	province map[string]string
	villages map[string]bool
}

func newTestUnits(t *testing.T, m *MemSink) testUnits {
	all, err := allCommunes()
	if err != nil {
		t.Fatal(err)
	}
	u := testUnits{province: map[string]string{}, villages: map[string]bool{}}
	for _, c := range all {
		u.province[c.code] = c.province
	}
	for _, v := range rows(t, m, "villages.csv") {
		u.villages[v["commune_code"]+"/"+v["village_code"]] = true
	}
	return u
}

func (u testUnits) Commune(code string) (int64, string, bool) {
	p, ok := u.province[code]
	n, _ := strconv.ParseInt(code, 10, 64)
	return n, p, ok
}

func (u testUnits) Village(commune int64, code string) (int64, bool) {
	return 1, u.villages[fmt.Sprintf("%05d/%s", commune, code)]
}

func (u testUnits) Unit(code string) (int64, bool) {
	if _, ok := u.province[code]; ok {
		return 1, true
	}
	for _, p := range u.province {
		if p == code {
			return 2, true
		}
	}
	return 0, false
}

// checkNationalID is the structure of forms-and-codes.md §8.5, checked on its own.
func checkNationalID(id, birth, sex string) error {
	if len(id) != 12 || strings.Trim(id, "0123456789") != "" {
		return fmt.Errorf("not 12 digits")
	}
	if _, ok := registry.BirthProvince(id[:3]); !ok || id[0] != '0' {
		return fmt.Errorf("prefix %s is not a pre-2025 province", id[:3])
	}
	year, _ := strconv.Atoi(birth[:4])
	d4 := int(id[3] - '0')
	if want := (year/100 - 19) * 2; d4/2*2 != want {
		return fmt.Errorf("century digit %d for %d", d4, year)
	}
	if female := d4%2 == 1; female != (sex == "F") {
		return fmt.Errorf("sex digit %d for sex %s", d4, sex)
	}
	if id[4:6] != birth[2:4] {
		return fmt.Errorf("year digits %s for %s", id[4:6], birth)
	}
	return nil
}

func TestIdentifiers(t *testing.T) {
	m, _ := fiftyK(t)
	seenNID := map[string]bool{}
	for _, file := range []string{"persons.csv"} {
		for _, p := range rows(t, m, file) {
			if err := checkNationalID(p["national_id"], p["birth_date"], p["sex"]); err != nil {
				t.Fatalf("%s %s: %v", file, p["national_id"], err)
			}
			if seenNID[p["national_id"]] {
				t.Fatalf("national ID %s twice", p["national_id"])
			}
			seenNID[p["national_id"]] = true
			if !norm.NFC.IsNormalString(p["full_name"]) || len(strings.Fields(p["full_name"])) < 3 {
				t.Fatalf("name %q", p["full_name"])
			}
		}
	}
	for _, c := range rows(t, m, "bhyt_cards.csv") {
		no := c["card_no"]
		if len(no) != 15 || no[:2] != c["group_code"] || no[2:3] != c["benefit_level"] || no[3:5] != c["issuing_province"] || no[5:] != c["bhxh_code"] {
			t.Fatalf("card %s does not agree with its columns %v", no, c)
		}
	}
}

func TestNamesAndHouseholds(t *testing.T) {
	m, _ := fiftyK(t)
	res := rows(t, m, "residents.csv")
	nguyen, sizes := 0, map[string]int{}
	under18, over60 := 0, 0
	asOf := DefaultAsOf
	for _, r := range res {
		if strings.HasPrefix(r["full_name"], "Nguyễn ") {
			nguyen++
		}
		sizes[r["household_id"]]++
		b := civil.MustParse(r["birth_date"])
		if b > asOf {
			t.Fatalf("born after AsOf: %v", r)
		}
		switch a := ageOn(b, asOf); {
		case a < 18:
			under18++
		case a >= 60:
			over60++
		}
	}
	n := float64(len(res))
	within(t, "Nguyễn share", float64(nguyen)/n, 0.33, 0.43)
	within(t, "under 18", float64(under18)/n, 0.20, 0.32)
	within(t, "60 and over", float64(over60)/n, 0.09, 0.20)
	within(t, "mean household size", n/float64(len(sizes)), 3.0, 4.2)
	for h, s := range sizes {
		if s < 1 || s > 7 {
			t.Fatalf("household %s has %d members", h, s)
		}
	}
}

func within(t *testing.T, what string, v, lo, hi float64) {
	t.Helper()
	if v < lo || v > hi {
		t.Errorf("%s = %.4f, want %.3f–%.3f", what, v, lo, hi)
	} else {
		t.Logf("%s = %.4f", what, v)
	}
}

// Coverage on AsOf, counted from the files as the coverage module would: a resident
// is covered when a card of theirs is valid on AsOf.
func TestCoverageProportions(t *testing.T) {
	m, sum := fiftyK(t)
	asOf := DefaultAsOf.String()
	codeOf := map[string]string{} // BHXH code → national ID
	for _, p := range rows(t, m, "persons.csv") {
		codeOf[p["bhxh_code"]] = p["national_id"]
	}
	valid := func(r map[string]string) bool {
		return r["valid_from"] <= asOf && (r["valid_to"] == "" || r["valid_to"] >= asOf)
	}
	covered := map[string]bool{}
	residentProv := map[string]string{}
	units := newTestUnits(t, m)
	for _, r := range rows(t, m, "residents.csv") {
		residentProv[r["national_id"]] = units.province[r["commune_code"]]
	}
	var cards, elsewhere int
	for _, c := range rows(t, m, "bhyt_cards.csv") {
		cards++
		nid := codeOf[c["bhxh_code"]]
		if valid(c) && residentProv[nid] != "" {
			covered[nid] = true
		}
	}
	elsewhere = int(sum.CardsElsewhere)
	active := func(file string, kind string) int {
		seen := map[string]bool{}
		for _, p := range rows(t, m, file) {
			if (kind == "" || p["kind"] == kind) && valid(p) {
				seen[p["bhxh_code"]] = true
			}
		}
		return len(seen)
	}
	var pop, lab float64
	for _, d := range rows(t, m, "denominators.csv") {
		if len(d["unit_code"]) == 2 && d["year"] == "2026" {
			p, _ := strconv.ParseFloat(d["population"], 64)
			l, _ := strconv.ParseFloat(d["labour_force"], 64)
			pop, lab = pop+p, lab+l
		}
	}
	n := float64(len(residentProv))
	within(t, "BHYT coverage of residents", float64(len(covered))/n, 0.91, 0.955)
	within(t, "BHYT coverage of the population denominator", float64(len(covered))/pop, 0.90, 0.95)
	within(t, "labour force / population", lab/pop, 0.50, 0.60)
	within(t, "compulsory BHXH / labour force", float64(active("bhxh_periods.csv", "compulsory"))/lab, 0.35, 0.42)
	within(t, "voluntary BHXH / labour force", float64(active("bhxh_periods.csv", "voluntary"))/lab, 0.045, 0.08)
	within(t, "BHTN / labour force", float64(active("bhtn_periods.csv", ""))/lab, 0.31, 0.39)
	within(t, "cards issued in another province", float64(elsewhere)/float64(cards), 0.01, 0.02)
	if int64(len(covered)) != sum.BHYTCovered {
		t.Errorf("covered from files %d, summary %d", len(covered), sum.BHYTCovered)
	}
}

func TestDataQualityCases(t *testing.T) {
	m, sum := fiftyK(t)
	q := rows(t, m, "data_quality.csv")
	kinds := map[string]int64{}
	for _, r := range q {
		kinds[r["kind"]]++
	}
	for _, k := range []string{"duplicate_person", "overlapping_cards", "moved_province"} {
		if kinds[k] == 0 || kinds[k] != sum.Cases[k] {
			t.Errorf("%s: %d rows, summary %d", k, kinds[k], sum.Cases[k])
		}
	}
	persons := map[string]map[string]string{}
	for _, p := range rows(t, m, "persons.csv") {
		persons[p["national_id"]] = p
	}
	for _, r := range q {
		if r["kind"] != "duplicate_person" {
			continue
		}
		a, b := persons[r["national_id"]], persons[r["other_national_id"]]
		if a == nil || b == nil || a["full_name"] != b["full_name"] || a["birth_date"] != b["birth_date"] || a["bhxh_code"] == b["bhxh_code"] {
			t.Fatalf("duplicate %v: %v / %v", r, a, b)
		}
	}
}

func TestProvinceFilter(t *testing.T) {
	var m MemSink
	sum, err := Generate(Options{Persons: 5_000, Seed: 3, Provinces: []string{"68"}}, &m)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Provinces != 1 || sum.Communes != 124 {
		t.Errorf("provinces %d communes %d, want 1 and 124 (Lâm Đồng)", sum.Provinces, sum.Communes)
	}
	units := newTestUnits(t, &m)
	for _, f := range []string{"villages.csv", "residents.csv", "persons.csv", "employers.csv"} {
		for _, r := range rows(t, &m, f) {
			if units.province[r["commune_code"]] != "68" {
				t.Fatalf("%s: commune %s is not in Lâm Đồng", f, r["commune_code"])
			}
		}
	}
	for _, d := range rows(t, &m, "denominators.csv") {
		if d["unit_code"] != "68" && units.province[d["unit_code"]] != "68" {
			t.Fatalf("denominator for %s", d["unit_code"])
		}
	}
	if _, err := Generate(Options{Persons: 10, Provinces: []string{"02"}}, &MemSink{}); err == nil {
		t.Error("pre-2025 province 02 accepted")
	}
}

func TestVillagesNamedByType(t *testing.T) {
	var m MemSink
	if _, err := Generate(Options{Persons: 1_000, Seed: 1, Provinces: []string{"01"}}, &m); err != nil {
		t.Fatal(err)
	}
	for _, v := range rows(t, &m, "villages.csv") {
		ward := v["village_type"] == "to_dan_pho"
		if ward != strings.HasPrefix(v["village_name"], "Tổ dân phố ") || (!ward && !strings.HasPrefix(v["village_name"], "Thôn ")) {
			t.Fatalf("village %v", v)
		}
	}
}

// Memory does not grow with persons: the live heap (after a collection, sampled as
// the generation goes) for 400,000 persons stays close to that for 50,000.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	peak := func(n int64) uint64 {
		runtime.GC()
		var ms runtime.MemStats
		var top uint64
		_, err := Generate(Options{Persons: n, Seed: 1, Progress: func(done, total int64) {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			top = max(top, ms.HeapAlloc)
		}}, discardSink{})
		if err != nil {
			t.Fatal(err)
		}
		return top
	}
	small, large := peak(50_000), peak(400_000)
	t.Logf("peak heap: %d MB at 50k, %d MB at 400k", small>>20, large>>20)
	if large > small+8<<20 {
		t.Errorf("peak heap grew from %d to %d bytes", small, large)
	}
}

type discardSink struct{}

func (discardSink) Create(string) (io.WriteCloser, error) { return nopCloser{io.Discard}, nil }

func TestDateHelpersAgreeWithCivil(t *testing.T) {
	for d := civil.MustParse("1899-12-25"); d < civil.MustParse("2101-01-10"); d += 13 {
		if got := string(appendDate(nil, d)); got != d.String() {
			t.Fatalf("appendDate %s, want %s", got, d)
		}
		if civil.FromYMD(d.Year(), int(d.Month()), d.Day()) != d {
			t.Fatalf("civil.FromYMD(%s)", d)
		}
		for _, n := range []int{1, 12, 72} {
			if addMonths(d, n) != d.AddMonths(n) {
				t.Fatalf("addMonths(%s, %d) = %s, want %s", d, n, addMonths(d, n), d.AddMonths(n))
			}
		}
	}
}

func TestAllocateExact(t *testing.T) {
	all, err := allCommunes()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int64{0, 1, 999, 100_000_000} {
		var s int64
		for _, v := range allocate(all, n) {
			s += v
		}
		if s != n {
			t.Errorf("allocate(%d) sums to %d", n, s)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	if _, err := allCommunes(); err != nil {
		b.Fatal(err)
	}
	const n = 200_000
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Generate(Options{Persons: n, Seed: int64(i)}, discardSink{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "persons/s")
}

func TestDirSinks(t *testing.T) {
	dir := t.TempDir()
	opt := Options{Persons: 2_000, Seed: 5, Provinces: []string{"20"}}
	if _, err := Generate(opt, DirSink(dir)); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(opt, GzipDirSink(dir)); err != nil {
		t.Fatal(err)
	}
	var m MemSink
	if _, err := Generate(opt, &m); err != nil {
		t.Fatal(err)
	}
	for _, name := range m.Names() {
		plain, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(filepath.Join(dir, name+".gz"))
		if err != nil {
			t.Fatal(err)
		}
		z, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		unzipped, err := io.ReadAll(z)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(plain, m.File(name)) || !bytes.Equal(unzipped, plain) {
			t.Errorf("%s differs between sinks", name)
		}
	}
}
