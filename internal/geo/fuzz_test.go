package geo

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

// The fuzz targets share one reference atlas: building it takes a while, and the
// parsers must never change it.
var (
	fuzzOnce  sync.Once
	fuzzAtlas *Atlas
)

func fuzzRef(f *testing.F) *Atlas {
	fuzzOnce.Do(func() { fuzzAtlas = refAtlas(f) })
	return fuzzAtlas
}

func FuzzParseVillages(f *testing.F) {
	a := fuzzRef(f)
	f.Add(villagesFile)
	f.Add("commune_code,village_code,village_name,village_type,valid_from\n26248,01,Thôn 1,thon,2026-05-01\n26248,01,Hai,ap,\n")
	f.Add("\xEF\xBB\xBFcommune_code,village_code,village_name\n00004,\"a\"\"b\",x\n")
	f.Fuzz(func(t *testing.T, in string) {
		ch, err := ParseVillages(a, "f.csv", strings.NewReader(in), civil.MustParse("2026-01-01"))
		if (ch == nil) == (err == nil) {
			t.Fatalf("change %v and error %v", ch, err)
		}
	})
}

func FuzzParseReorg(f *testing.F) {
	a := fuzzRef(f)
	dongNai, err := os.ReadFile("testdata/reorg-2026-dong-nai.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(dongNai))
	f.Add(reorgHeader + mergeBaDinh + "2028-01-01,rename,00004,00004,,Ba Đình Mới,,,,x\n")
	f.Add(reorgHeader + "2027-01-01,split,00025,00025,0.3,Giảng Võ,Phường Giảng Võ,phuong,01,x\n2027-01-01,split,00025,99901,70%,Kim Mã,,phuong,,x\n")
	f.Add(reorgHeader + "2028-01-01,merge,04,08,,Tuyên Quang,,tinh,,x\n2028-01-01,merge,08,08,,,,,,x\n2028-01-01,reparent,00004,,,,,,08,x\n")
	f.Fuzz(func(t *testing.T, in string) {
		ch, err := ParseReorg(a, "f.csv", strings.NewReader(in))
		if (ch == nil) == (err == nil) {
			t.Fatalf("change %v and error %v", ch, err)
		}
		if ch != nil {
			checkReorgChange(t, a, ch)
		}
	})
}

// checkReorgChange checks what every accepted change must hold: new IDs after the
// atlas's, shares of each new source summing to WholeShare, and the result buildable.
func checkReorgChange(t *testing.T, a *Atlas, ch *Change) {
	sums := map[int64]int64{}
	for _, l := range ch.NewLinks {
		sums[l.FromID] += l.SharePPM
	}
	for id, s := range sums {
		if s != WholeShare {
			t.Fatalf("shares of %d sum to %d", id, s)
		}
	}
	for i, u := range ch.NewUnits {
		if u.ID != a.MaxID()+int64(i)+1 {
			t.Fatalf("new unit %d has ID %d", i, u.ID)
		}
	}
	applyChange(a, ch)
}

func FuzzParseShares(f *testing.F) {
	a := fuzzRef(f)
	f.Add(congViShares)
	f.Add("from_code,from_date,to_code,share\n00007,2025-06-30,00008,0.333333333333\n00007,2025-06-30,00025,66.6666666667%\n")
	f.Add("from_code,from_date,to_code,share\n24784,2025-01-01,24781,1\n")
	f.Fuzz(func(t *testing.T, in string) {
		ch, err := ParseShares(a, "f.csv", strings.NewReader(in), "fuzz")
		if (ch == nil) == (err == nil) {
			t.Fatalf("change %v and error %v", ch, err)
		}
		if ch == nil {
			return
		}
		sums := map[int64]int64{}
		for _, l := range ch.ShareUpdate {
			sums[l.FromID] += l.SharePPM
		}
		for id, s := range sums {
			if s != WholeShare {
				t.Fatalf("shares of %d sum to %d", id, s)
			}
		}
	})
}
