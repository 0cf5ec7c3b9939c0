package geo

import (
	"fmt"
	"strings"

	"github.com/phusong/phusong/internal/civil"
)

func (b *refBuilder) newProvinces() error {
	rows, err := readCSV("provinces_2025.csv")
	if err != nil {
		return err
	}
	for _, r := range rows {
		code := r["province_code"]
		olds := strings.Split(r["merged_from_old_codes"], ";")
		if len(olds) == 1 && olds[0] == code {
			u := b.byOld[code]
			continueUnit(u, r, "full_name", 0)
			b.byNew[code] = u
			continue
		}
		u := b.newUnit(code, Province, firstNew, civil.Max, r, "full_name")
		b.byNew[code] = u
		for _, o := range olds {
			old := b.byOld[o]
			if old == nil || old.Level != Province {
				return fmt.Errorf("province %s: unknown predecessor %s", code, o)
			}
			b.links = append(b.links, Link{FromID: old.ID, ToID: u.ID, SharePPM: WholeShare, Date: firstNew, Kind: "merge", Source: "NQ 202/2025/QH15"})
		}
	}
	return nil
}

type crossRow struct {
	old, oldDistrict, class string
}

func (b *refBuilder) newCommunes() error {
	cross, err := readCSV("crosswalk_2025.csv")
	if err != nil {
		return err
	}
	preds := map[string][]crossRow{}
	succCount := map[string]int{}
	for _, r := range cross {
		n := r["new_commune_code"]
		preds[n] = append(preds[n], crossRow{r["old_code_fixed"], r["old_district_code"], r["change_class"]})
		if r["old_code_fixed"] != "" {
			succCount[r["old_code_fixed"]]++
		}
	}
	rows, err := readCSV("communes_2025.csv")
	if err != nil {
		return err
	}
	given := map[string]int64{} // old code → share parts handed out so far
	for _, r := range rows {
		if err := b.newCommune(r, preds[r["commune_code"]], succCount, given); err != nil {
			return err
		}
	}
	return nil
}

func (b *refBuilder) newCommune(r map[string]string, ps []crossRow, succCount map[string]int, given map[string]int64) error {
	code := r["commune_code"]
	prov := b.byNew[r["province_code"]]
	if prov == nil {
		return fmt.Errorf("commune %s: unknown province %s", code, r["province_code"])
	}
	if len(ps) == 1 && ps[0].old == code && succCount[code] == 1 {
		continueUnit(b.byOld[code], r, "full_name", prov.ID)
		return nil
	}
	u := b.newUnit(code, Commune, firstNew, civil.Max, r, "full_name")
	u.Parents = []ParentPeriod{{From: firstNew, To: civil.Max, ParentID: prov.ID}}
	for _, p := range ps {
		from, share := b.predecessor(p, succCount, given)
		if from == nil {
			continue // the unnumbered coastal area that Xã Kim Đông absorbed
		}
		b.links = append(b.links, Link{FromID: from.ID, ToID: u.ID, SharePPM: share, Date: firstNew, Kind: p.class, Source: CrosswalkSource})
	}
	return nil
}

// predecessor resolves a crosswalk row to the old unit and its default share. The
// crosswalk gives no shares for "Nhập một phần" rows: an old commune split over k new
// ones is apportioned in equal parts (the first part takes the remainder, so the
// parts sum to exactly 100 %). An admin can set real shares later.
func (b *refBuilder) predecessor(p crossRow, succCount map[string]int, given map[string]int64) (*Unit, int64) {
	if p.old == "" {
		// Island districts with no communes became special zones (Bạch Long Vĩ, Cồn Cỏ,
		// Hoàng Sa, Lý Sơn, Côn Đảo): the district itself is the predecessor.
		return b.oldDistrict[p.oldDistrict], WholeShare
	}
	from := b.byOld[p.old]
	if from == nil {
		return nil, 0
	}
	k := int64(succCount[p.old])
	share := WholeShare / k
	if given[p.old] == 0 {
		share += WholeShare % k
	}
	given[p.old] += share
	return from, share
}
