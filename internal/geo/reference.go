package geo

import (
	"embed"
	"encoding/csv"
	"fmt"
	"io/fs"

	"github.com/phusong/phusong/internal/civil"
)

// Data holds the official unit lists before and after 1 July 2025 and the NSO
// crosswalk (see data/SOURCES.md for provenance and licences).
//
//go:embed data/*.csv data/SOURCES.md data/LICENSE-vietnamese-provinces-database.txt
var Data embed.FS

// CrosswalkSource is cited on every lineage link that comes from the NSO table.
const CrosswalkSource = "TCTK: Bảng chuyển đổi ĐVHC mới – cũ (2025); NQ 202/2025/QH15"

// Reference builds the official geography: 63 provinces, 696 districts and 10,035
// communes until 30 June 2025; 34 provinces and 3,321 communes from 1 July 2025; and
// the lineage between them. Units are numbered from 1 in a fixed order, so every new
// database gets the same IDs.
//
// A 2025 unit with exactly one predecessor that has the same code and went wholly to
// it (the 127 "Giữ nguyên" communes, renamed and retyped ones, the 11 provinces that
// did not merge) is the same unit continuing: it keeps its identity and gets a new
// name or parent period. Every other 2025 unit is a new identity, even where it
// reuses a predecessor's code.
func Reference() (*Change, error) {
	b := &refBuilder{byOld: map[string]*Unit{}, byNew: map[string]*Unit{}, oldDistrict: map[string]*Unit{}}
	steps := []func() error{b.oldProvinces, b.oldDistricts, b.oldCommunes, b.newProvinces, b.newCommunes}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return &Change{NewUnits: b.units, NewLinks: b.links}, nil
}

type refBuilder struct {
	units       []*Unit
	links       []Link
	byOld       map[string]*Unit // pre-2025 province or commune by code
	oldDistrict map[string]*Unit
	byNew       map[string]*Unit // 2025 province by code
	nextID      int64
}

var (
	lastOld  = ReorgDate.AddDays(-1)
	firstNew = ReorgDate
)

func readCSV(name string) ([]map[string]string, error) {
	f, err := Data.Open("data/" + name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readRecords(f, name)
}

func readRecords(f fs.File, name string) ([]map[string]string, error) {
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("geo data %s: %w", name, err)
	}
	out := make([]map[string]string, 0, len(recs)-1)
	for _, r := range recs[1:] {
		m := make(map[string]string, len(r))
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out, nil
}

func (b *refBuilder) newUnit(code string, level Level, from, to civil.Date, r map[string]string, fullKey string) *Unit {
	b.nextID++
	u := &Unit{ID: b.nextID, Code: code, Level: level, ValidFrom: from, ValidTo: to,
		Names: []NamePeriod{namePeriod(from, to, r, fullKey)}}
	b.units = append(b.units, u)
	return u
}

func namePeriod(from, to civil.Date, r map[string]string, fullKey string) NamePeriod {
	return NamePeriod{From: from, To: to, Name: r["name"], FullName: r[fullKey], Type: r["unit_type"], NameEN: r["name_en"]}
}

func (b *refBuilder) oldProvinces() error {
	rows, err := readCSV("provinces_pre2025.csv")
	for _, r := range rows {
		b.byOld[r["province_code"]] = b.newUnit(r["province_code"], Province, civil.Min, lastOld, r, "full_name")
	}
	return err
}

func (b *refBuilder) oldDistricts() error {
	rows, err := readCSV("districts_pre2025.csv")
	for _, r := range rows {
		u := b.newUnit(r["district_code"], District, civil.Min, lastOld, r, "full_name")
		p := b.byOld[r["province_code"]]
		if p == nil {
			return fmt.Errorf("district %s: no province %s", r["district_code"], r["province_code"])
		}
		u.Parents = []ParentPeriod{{From: civil.Min, To: lastOld, ParentID: p.ID}}
		b.oldDistrict[u.Code] = u
	}
	return err
}

func (b *refBuilder) oldCommunes() error {
	rows, err := readCSV("communes_pre2025.csv")
	for _, r := range rows {
		u := b.newUnit(r["commune_code"], Commune, civil.Min, lastOld, r, "full_name")
		d := b.oldDistrict[r["district_code"]]
		if d == nil {
			return fmt.Errorf("commune %s: no district %s", u.Code, r["district_code"])
		}
		u.Parents = []ParentPeriod{{From: civil.Min, To: lastOld, ParentID: d.ID}}
		b.byOld[u.Code] = u
	}
	return err
}

// continueUnit extends a pre-2025 unit past the reorganisation with its new name
// (if it changed) and new parent.
func continueUnit(u *Unit, r map[string]string, fullKey string, parent int64) {
	u.ValidTo = civil.Max
	np := namePeriod(firstNew, civil.Max, r, fullKey)
	last := &u.Names[len(u.Names)-1]
	if last.Name == np.Name && last.FullName == np.FullName && last.Type == np.Type {
		last.To = civil.Max
	} else {
		u.Names = append(u.Names, np)
	}
	if len(u.Parents) > 0 || parent != 0 {
		u.Parents = append(u.Parents, ParentPeriod{From: firstNew, To: civil.Max, ParentID: parent})
	}
}
