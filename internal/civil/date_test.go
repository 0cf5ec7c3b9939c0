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
