package geo

import (
	"bytes"
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
	keys := make([][]byte, len(us))
	for i, u := range us {
		keys[i] = nameKey(u.NameOn(d).Name)
	}
	sort.Stable(byKey{us, keys})
}

type byKey struct {
	us   []*Unit
	keys [][]byte
}

func (b byKey) Len() int           { return len(b.us) }
func (b byKey) Less(i, j int) bool { return bytes.Compare(b.keys[i], b.keys[j]) < 0 }
func (b byKey) Swap(i, j int) {
	b.us[i], b.us[j] = b.us[j], b.us[i]
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
}

// nameKeys holds the collation key of each unit name met: keys compare bytewise as
// CompareVI compares their names, so a dashboard listing a province's communes
// sorts them without collating (and without waiting on viMu) each time. Unit
// names are a bounded set, unlike persons' names, which are not kept.
var nameKeys sync.Map // string → []byte

func nameKey(name string) []byte {
	if k, ok := nameKeys.Load(name); ok {
		return k.([]byte)
	}
	viMu.Lock()
	var buf collate.Buffer
	k := bytes.Clone(viCollator.KeyFromString(&buf, name))
	viMu.Unlock()
	nameKeys.Store(name, k)
	return k
}
