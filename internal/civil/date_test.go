package civil

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseRoundTrip(t *testing.T) {
	for _, s := range []string{"1900-01-01", "2025-06-30", "2025-07-01", "2024-02-29", "9999-12-31"} {
		d, err := Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if d.String() != s {
			t.Errorf("%s round-trips to %s", s, d)
		}
	}
	if _, err := Parse("2025-02-30"); err == nil {
		t.Error("30 Feb accepted")
	}
}

func TestArithmetic(t *testing.T) {
	d := MustParse("2025-06-30")
	if got := d.AddDays(1).String(); got != "2025-07-01" {
		t.Errorf("AddDays = %s", got)
	}
	if got := MustParse("2025-01-31").AddMonths(1).String(); got != "2025-02-28" {
		t.Errorf("AddMonths clamp = %s", got)
	}
	if got := MustParse("2025-07-15").MonthEnd().String(); got != "2025-07-31" {
		t.Errorf("MonthEnd = %s", got)
	}
	if got := MustParse("2025-08-31").DaysUntil(MustParse("2025-09-30")); got != 30 {
		t.Errorf("DaysUntil = %d", got)
	}
	if MustParse("2025-07-01").VN() != "01/07/2025" {
		t.Error("VN format")
	}
}

func TestScanAndJSON(t *testing.T) {
	var d Date
	if err := d.Scan(time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)); err != nil || d.String() != "2025-07-01" {
		t.Fatalf("scan time: %v %s", err, d)
	}
	if err := d.Scan([]byte("2024-12-31")); err != nil || d.String() != "2024-12-31" {
		t.Fatalf("scan bytes: %v %s", err, d)
	}
	var n NullDate
	if err := n.Scan(nil); err != nil || !n.IsOpen() {
		t.Fatal("NULL is not open")
	}
	b, _ := json.Marshal(MustParse("2026-01-01"))
	if string(b) != `"2026-01-01"` {
		t.Errorf("json %s", b)
	}
	if Open(Max) != nil || Open(MustParse("2026-01-01")) != "2026-01-01" {
		t.Error("Open")
	}
}

// TestFastPathAgreesWithTime compares the integer conversions with the time
// package over every day from 1899 to 2101 and a few far dates.
func TestFastPathAgreesWithTime(t *testing.T) {
	for d := Of(1899, 1, 1); d <= Of(2101, 12, 31); d++ {
		want := d.Time().Format("2006-01-02")
		if got := d.String(); got != want {
			t.Fatalf("day %d: String %s, want %s", d, got, want)
		}
		if back, ok := parseFast(want); !ok || back != d {
			t.Fatalf("parseFast(%s) = %d %v, want %d", want, back, ok, d)
		}
	}
	for _, s := range []string{"0001-01-01", "9999-12-31", "2000-02-29", "1900-01-01"} {
		d, err := Parse(s)
		if err != nil || d.String() != s {
			t.Errorf("%s → %v %v", s, d, err)
		}
	}
	for _, bad := range []string{"2025-02-29", "1900-02-29", "2025-13-01", "2025-00-10", "2025-1-01", "2025/01/01", "20x5-01-01"} {
		if _, ok := parseFast(bad); ok {
			t.Errorf("parseFast accepted %s", bad)
		}
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse accepted %s", bad)
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_, _ = Parse("2026-06-30")
	}
}
