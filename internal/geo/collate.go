package geo

import (
	"sort"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/phusong/phusong/internal/civil"
)

var (
	viMu       sync.Mutex
	viCollator = collate.New(language.Vietnamese, collate.Numeric)
)

// CompareVI orders two strings as a Vietnamese reader expects (a, ă, â, b … đ after
// d; "Phường 2" before "Phường 10").
func CompareVI(a, b string) int {
	viMu.Lock()
	defer viMu.Unlock()
	return viCollator.CompareString(a, b)
}

// SortByName sorts units by their name on d in Vietnamese order.
func SortByName(us []*Unit, d civil.Date) {
	sort.SliceStable(us, func(i, j int) bool {
		return CompareVI(us[i].NameOn(d).Name, us[j].NameOn(d).Name) < 0
	})
}
