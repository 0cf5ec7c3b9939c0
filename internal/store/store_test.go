package store_test

import (
	"context"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/policy"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

func TestNewDatabaseHasReferenceGeography(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a, err := s.Atlas(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			date  string
			level geo.Level
			want  int
		}{{"2025-06-30", geo.Province, 63}, {"2025-07-01", geo.Province, 34}, {"2025-07-01", geo.Commune, 3321}, {"2025-06-30", geo.Commune, 10035}} {
			if got := len(a.List(civil.MustParse(c.date), c.level)); got != c.want {
				t.Errorf("%s on %s: %d, want %d", c.level, c.date, got, c.want)
			}
		}
		u, err := a.Find("00004", civil.MustParse("2025-06-30"))
		if err != nil || u.NameOn(u.ValidTo).FullName != "Phường Trúc Bạch" {
			t.Errorf("00004 on 2025-06-30: %v %v", u, err)
		}
		// Closure: Lâm Đồng 2025 covers its 124 communes.
		lamDong, _ := a.Find("68", geo.ReorgDate)
		var n int
		if err := s.DB().QueryRow(rebind(s, "SELECT COUNT(*) FROM unit_closure c JOIN units u ON u.id = c.descendant_id WHERE c.ancestor_id = ? AND u.level = 'commune'"), lamDong.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 124 {
			t.Errorf("closure of Lâm Đồng has %d communes", n)
		}
	})
}

func TestReopenKeepsDataAndDoesNotReseed(t *testing.T) {
	testutil.EachURL(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s1, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		v1, _ := s1.Meta(ctx, "geo_version")
		s1.Close()
		s2, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer s2.Close()
		v2, _ := s2.Meta(ctx, "geo_version")
		if v1 != "1" || v2 != "1" {
			t.Errorf("geo_version %q then %q, want 1 and 1", v1, v2)
		}
		var n int
		if err := s2.DB().QueryRow("SELECT COUNT(*) FROM units").Scan(&n); err != nil || n != 63+696+10035+23+3189 {
			t.Errorf("units: %d %v", n, err)
		}
	})
}

func rebind(s *store.Store, q string) string {
	if s.Dialect() == store.Postgres {
		return "SELECT COUNT(*) FROM unit_closure c JOIN units u ON u.id = c.descendant_id WHERE c.ancestor_id = $1 AND u.level = 'commune'"
	}
	return q
}

func TestPolicyTablesRoundTrip(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		rules, tops, err := s.Policy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := policy.DefaultRules()
		if len(rules) != len(want) || len(tops) != 0 {
			t.Fatalf("%d rules and %d top-ups in a new database, want %d and 0", len(rules), len(tops), len(want))
		}
		have := map[policy.Rule]bool{}
		for _, r := range rules {
			have[r] = true
		}
		for _, r := range want {
			if !have[r] {
				t.Errorf("rule %+v lost on the way through the store", r)
			}
		}
		top := policy.TopUp{Province: "68", Scheme: "voluntary_bhxh", Group: "near_poor", Percent: "10", ValidFrom: civil.MustParse("2026-01-01"), ValidTo: civil.Max, Resolution: "NQ test", Communes: []string{"24781", "24787"}}
		v1, _ := s.PolicyVersion(ctx)
		if err := s.ReplacePolicy(ctx, rules, []policy.TopUp{top}); err != nil {
			t.Fatal(err)
		}
		v2, _ := s.PolicyVersion(ctx)
		_, tops, err = s.Policy(ctx)
		if err != nil || len(tops) != 1 || tops[0].Communes[1] != "24787" || !tops[0].ValidTo.IsOpen() || v1 == v2 {
			t.Errorf("top-up round trip: %+v %v, version %s → %s", tops, err, v1, v2)
		}
	})
}

// The store's PostgreSQL sessions do not compile queries (openPostgres), unless
// the URL asks for it.
func TestPostgresSessionsWithoutJIT(t *testing.T) {
	url := testutil.URL(t, store.Postgres)
	for _, c := range []struct{ url, want string }{{url, "off"}, {url + "&jit=on", "on"}} {
		s := testutil.OpenURL(t, c.url)
		var jit string
		if err := s.DB().QueryRow("SHOW jit").Scan(&jit); err != nil {
			t.Fatal(err)
		}
		if jit != c.want {
			t.Errorf("jit = %s with %s, want %s", jit, c.url, c.want)
		}
	}
}
