package targets

import (
	"fmt"
	"strings"
)

// Indicator is what a target measures (PRODUCT.md §5, `targets` layout).
type Indicator string

const (
	BHYTPopulationPct  Indicator = "bhyt_population_pct"  // BHYT covered persons ÷ population × 100
	BHXHLabourPct      Indicator = "bhxh_labour_pct"      // BHXH participants ÷ labour force × 100
	BHTNLabourPct      Indicator = "bhtn_labour_pct"      // BHTN participants ÷ labour force × 100
	VoluntaryBHXHCount Indicator = "voluntary_bhxh_count" // voluntary BHXH participants, a count
)

// Indicators lists every indicator in the order reports show them.
var Indicators = []Indicator{BHYTPopulationPct, BHXHLabourPct, BHTNLabourPct, VoluntaryBHXHCount}

// ParseIndicator reads an indicator name.
func ParseIndicator(s string) (Indicator, error) {
	for _, i := range Indicators {
		if string(i) == s {
			return i, nil
		}
	}
	return "", fmt.Errorf("chỉ tiêu không biết %q, cần %s / unknown indicator %q, want %s", s, indicatorList(), s, indicatorList())
}

func indicatorList() string {
	names := make([]string, len(Indicators))
	for i, ind := range Indicators {
		names[i] = string(ind)
	}
	return strings.Join(names, "|")
}

// IsPercent reports whether the target value is a percent of a denominator; the
// other kind is a count of persons.
func (i Indicator) IsPercent() bool { return strings.HasSuffix(string(i), "_pct") }

// Denominator names what the rate is taken of: "population" or "labour_force".
// The voluntary count's denominator (used to share it over communes) is the labour
// force too: voluntary BHXH is for working-age people outside employment.
func (i Indicator) Denominator() string {
	if i == BHYTPopulationPct {
		return "population"
	}
	return "labour_force"
}

// DenominatorSource is where a denominator comes from (PRODUCT.md M2); it is shown
// next to every rate.
type DenominatorSource string

const (
	SourceStatistics DenominatorSource = "statistics" // imported statistics (Cục Thống kê)
	SourceRegistry   DenominatorSource = "registry"   // counted in the resident registry
)

// Label is the source as a report prints it, in Vietnamese and English.
func (s DenominatorSource) Label() (vi, en string) {
	switch s {
	case SourceStatistics:
		return "số liệu thống kê", "imported statistics"
	case SourceRegistry:
		return "cơ sở dữ liệu dân cư", "resident registry"
	}
	return string(s), string(s)
}
