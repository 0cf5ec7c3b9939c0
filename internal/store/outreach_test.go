package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/outreach"
	"github.com/phusong/phusong/internal/registry"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

var day = civil.MustParse

// outreachRegistry writes persons of Xuân Hương (24781) whose cards and periods
// name them by national ID only, and returns the commune's ID.
func outreachRegistry(t *testing.T, s *store.Store) int64 {
	t.Helper()
	ctx := context.Background()
	a, err := s.Atlas(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Find("24781", day("2026-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	tx, err := s.BeginRegistry(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	resident := func(id, birth string) registry.Row {
		return registry.Resident{NationalID: id, FullName: "Người " + id[9:], BirthDate: day(birth), Sex: "F", CommuneID: c.ID, ProvinceCode: "68", HouseholdID: "H" + id[9:]}
	}
	card := func(no, id, from, to string) registry.Row {
		return registry.Card{CardNo: no, NationalID: id, GroupCode: "GD", PayerGroup: "household", ValidFrom: day(from), ValidTo: day(to), IssuingProvince: "68"}
	}
	period := func(s registry.Scheme, id, from, to string) registry.Row {
		p := registry.Period{Scheme: s, NationalID: id, ValidFrom: day(from), ValidTo: civil.Max}
		if to != "" {
			p.ValidTo = day(to)
		}
		return p
	}
	for _, r := range []registry.Row{
		resident("068000000001", "1980-01-01"), // card ends 20 March, no renewal; voluntary BHXH ended a year ago to the day
		resident("068000000002", "1981-01-01"), // card ends 20 March, renewed from 10 March
		resident("068000000003", "2010-03-01"), // no card, 16: a student
		resident("068000000004", "2020-03-02"), // no card, 5 until tomorrow
		resident("068000000005", "2003-03-02"), // no card, 22
		resident("068000000006", "2003-03-01"), // no card, 23 today
		resident("068000000007", "2020-03-01"), // no card, 6 today
		registry.Person{NationalID: "068000000008", BHXHCode: "6800000008", FullName: "Người 008", BirthDate: day("1970-01-01"), CommuneID: c.ID, ProvinceCode: "68"}, // not a resident
		card("GD1", "068000000001", "2026-01-01", "2026-03-20"),
		card("GD2", "068000000002", "2026-01-01", "2026-03-20"),
		card("GD3", "068000000002", "2026-03-10", "2026-12-31"),
		period(registry.BHXHVoluntary, "068000000001", "2024-01-01", "2025-03-01"),
		period(registry.BHXHVoluntary, "068000000002", "2024-01-01", "2025-02-28"),
		period(registry.BHXHVoluntary, "068000000003", "2025-01-01", "2026-02-28"),
		period(registry.BHXHCompulsory, "068000000003", "2026-03-01", ""),
	} {
		if err := tx.Add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func TestOutreachRows(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		commune := outreachRegistry(t, s)
		on := day("2026-03-01")
		keys := func(k outreach.Kind, days int) []string {
			rows, err := s.OutreachRows(ctx, store.OutreachQuery{Kind: k, Area: store.OutreachArea{CommuneID: commune}, Date: on, Days: days})
			if err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, r := range rows {
				out = append(out, r.PersonKey)
				if k == outreach.Expiring && (r.CardNo != "GD1" || *r.ValidTo != day("2026-03-20")) {
					t.Errorf("expiring row: %+v", r)
				}
			}
			return out
		}
		for _, c := range []struct {
			kind outreach.Kind
			days int
			want []string
		}{
			{outreach.Uncovered, 0, []string{"068000000003", "068000000004", "068000000005", "068000000006", "068000000007"}},
			{outreach.Students, 0, []string{"068000000003", "068000000005", "068000000007"}},
			{outreach.Expiring, 19, []string{"068000000001"}},
			{outreach.Expiring, 18, []string{}},
			{outreach.Lapsed, 0, []string{"068000000001"}},
		} {
			if got := keys(c.kind, c.days); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s %d: %v, want %v", c.kind, c.days, got, c.want)
			}
		}
	})
}

func TestOutreachContactsAndAssignments(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		commune := outreachRegistry(t, s)
		area := store.OutreachArea{CommuneID: commune}
		u := &store.User{Username: "thu", PasswordHash: "x"}
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		as := &outreach.Assignment{Kind: outreach.Uncovered, UnitID: commune, Date: day("2026-03-01"), CollectorID: u.ID}
		if err := s.AddAssignment(ctx, as); err != nil {
			t.Fatal(err)
		}
		got, err := s.Assignments(ctx, u.ID, outreach.Uncovered)
		if err != nil || len(got) != 1 || got[0].ID != as.ID || got[0].Collector != "thu" || got[0].VillageID != 0 || got[0].Date != day("2026-03-01") {
			t.Fatalf("assignments: %+v %v", got, err)
		}
		if other, _ := s.Assignments(ctx, u.ID, outreach.Lapsed); len(other) != 0 {
			t.Errorf("lapsed assignments: %+v", other)
		}
		for _, c := range []outreach.Contact{
			{AssignmentID: as.ID, PersonKey: "068000000003", Outcome: outreach.Unreachable, ContactedOn: day("2026-02-01"), RecordedBy: u.ID},
			{AssignmentID: as.ID, PersonKey: "068000000003", Outcome: outreach.Moved, Note: "chuyển đi", ContactedOn: day("2026-02-15"), RecordedBy: u.ID},
			{PersonKey: "068000000004", Outcome: outreach.Enrolled, ContactedOn: day("2026-03-05"), RecordedBy: -1},
		} {
			if err := s.AddContact(ctx, &c); err != nil {
				t.Fatal(err)
			}
		}
		latest, err := s.LatestContacts(ctx, area, day("2026-03-01"))
		if err != nil {
			t.Fatal(err)
		}
		if len(latest) != 1 || latest["068000000003"].Outcome != outreach.Moved || latest["068000000003"].Note != "chuyển đi" {
			t.Errorf("latest on 1 March: %+v", latest)
		}
		if latest, _ := s.LatestContacts(ctx, area, day("2026-02-10")); latest["068000000003"].Outcome != outreach.Unreachable {
			t.Errorf("latest on 10 February: %+v", latest)
		}
		if all, _ := s.Contacts(ctx, "068000000004"); len(all) != 1 || all[0].RecordedBy != 0 || all[0].AssignmentID != 0 {
			t.Errorf("operator's contact: %+v", all)
		}
		if p, err := s.PersonPlace(ctx, "068000000005"); err != nil || p.CommuneID != commune {
			t.Errorf("place: %+v %v", p, err)
		}
		if _, err := s.PersonPlace(ctx, "nobody"); err == nil {
			t.Error("place of nobody")
		}
		bad := outreach.Contact{PersonKey: "068000000005", Outcome: "gone", ContactedOn: day("2026-03-01")}
		if err := s.AddContact(ctx, &bad); err == nil {
			t.Error("an unknown outcome was stored")
		}
	})
}

// Two residents under one BHXH code: its card counts for the one with the smaller
// person key, as in the coverage figures; the other is on the list of the uncovered.
func TestOutreachSharedCodeCountsForOne(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		commune := outreachRegistry(t, s)
		tx, err := s.BeginRegistry(ctx, "shared")
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"068000000012", "068000000011"} {
			for _, r := range []registry.Row{
				registry.Person{NationalID: id, BHXHCode: "6800000011", FullName: "Người " + id[9:], BirthDate: day("1990-01-01"), Sex: "M", CommuneID: commune, ProvinceCode: "68"},
				registry.Resident{NationalID: id, FullName: "Người " + id[9:], BirthDate: day("1990-01-01"), Sex: "M", CommuneID: commune, ProvinceCode: "68"},
			} {
				if err := tx.Add(r); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := tx.Add(registry.Card{CardNo: "GD4686800000011", BHXHCode: "6800000011", GroupCode: "GD", PayerGroup: "household", BenefitLevel: 4,
			ValidFrom: day("2026-01-01"), ValidTo: day("2026-03-20"), IssuingProvince: "68"}); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		on := day("2026-03-01")
		has := func(k outreach.Kind, key string) bool {
			rows, err := s.OutreachRows(ctx, store.OutreachQuery{Kind: k, Area: store.OutreachArea{CommuneID: commune}, Date: on, Days: 30})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if r.PersonKey == key {
					return true
				}
			}
			return false
		}
		if has(outreach.Uncovered, "068000000011") || !has(outreach.Uncovered, "068000000012") {
			t.Errorf("uncovered: 011 listed %v (want false), 012 listed %v (want true)", has(outreach.Uncovered, "068000000011"), has(outreach.Uncovered, "068000000012"))
		}
		if !has(outreach.Expiring, "068000000011") || has(outreach.Expiring, "068000000012") {
			t.Errorf("expiring: 011 listed %v (want true), 012 listed %v (want false)", has(outreach.Expiring, "068000000011"), has(outreach.Expiring, "068000000012"))
		}
	})
}
