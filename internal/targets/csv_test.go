package targets

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/importer"
)

const goodCSV = "unit_code,indicator,deadline,value,document,note\n" +
	"68,bhyt_population_pct,2025-12-31,95.15,QĐ 546/QĐ-TTg,Lâm Đồng 2025\n" +
	"24778,bhxh_labour_pct,2025-12-31,36.48,\"KH 12/KH-UBND, 2025\",\n" +
	"24778,bhyt_population_pct,2025-12-31,96,KH 12/KH-UBND,\n" +
	"24778,voluntary_bhxh_count,2025-12-31,1000,KH 12/KH-UBND,\n" +
	"24778,bhyt_population_pct,2026-12-31,96.5,KH 12/KH-UBND,\n"

func TestParseTargets(t *testing.T) {
	ts, err := ParseTargets("targets.csv", strings.NewReader(goodCSV))
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 5 {
		t.Fatalf("%d targets", len(ts))
	}
	want := Target{UnitCode: "24778", Indicator: BHXHLabourPct, Deadline: civil.MustParse("2025-12-31"), Value: "36.48", Document: "KH 12/KH-UBND, 2025"}
	if ts[1] != want {
		t.Errorf("row 3: %+v", ts[1])
	}
	var buf bytes.Buffer
	if err := WriteTargets(&buf, ts); err != nil {
		t.Fatal(err)
	}
	back, err := ParseTargets("again.csv", &buf)
	if err != nil || len(back) != 5 || back[1] != want {
		t.Errorf("round trip: %v %+v", err, back)
	}
}

func TestParseTargetsProblems(t *testing.T) {
	in := "unit_code,indicator,deadline,value,document\n" +
		"24778,bhyt_pct,2025-12-31,96,KH 12\n" + // row 2: unknown indicator
		"24778,bhyt_population_pct,2025-12-31,100.5,KH 12\n" + // row 3: percent > 100
		"24778,bhxh_labour_pct,2025-12-31,-1,KH 12\n" + // row 4: negative percent
		"24778,voluntary_bhxh_count,2025-12-31,-5,KH 12\n" + // row 5: negative count
		"24778,voluntary_bhxh_count,2025-12-31,10.5,KH 12\n" + // row 6: fractional count
		"24778,bhtn_labour_pct,31/12/2025,20,KH 12\n" + // row 7: bad date
		"24778,bhtn_labour_pct,2025-12-31,20,KH 12\n" + // row 8: fine
		"24778,bhtn_labour_pct,2025-12-31,21,KH 13\n" + // row 9: duplicate of row 8
		",bhtn_labour_pct,2025-12-31,9.5%,\n" // row 10: no unit, not a number, no document
	_, err := ParseTargets("t.csv", strings.NewReader(in))
	var ps importer.Problems
	if !errors.As(err, &ps) || fault.KindOf(err) != fault.Invalid {
		t.Fatalf("got %v", err)
	}
	want := []string{
		"t.csv:2:2 (indicator): chỉ tiêu không biết \"bhyt_pct\"",
		"t.csv:3:4 (value): tỷ lệ phải từ 0 đến 100, có 100.5 / percent must be between 0 and 100, got 100.5",
		"t.csv:4:4 (value): tỷ lệ phải từ 0 đến 100",
		"t.csv:5:4 (value): số người không được âm, có -5 / count must not be negative, got -5",
		"t.csv:6:4 (value): số người phải là số nguyên",
		"t.csv:7:3 (deadline): ngày không hợp lệ \"31/12/2025\"",
		"t.csv:9: trùng đơn vị, chỉ tiêu và hạn với dòng 8 / same unit, indicator and deadline as row 8",
		"t.csv:10:1 (unit_code): thiếu mã đơn vị / unit code is missing",
		"t.csv:10:4 (value): giá trị không phải số thập phân \"9.5%\"",
		"t.csv:10:5 (document): thiếu văn bản giao chỉ tiêu / the document that set the target is missing",
	}
	if len(ps) != len(want) {
		t.Fatalf("%d problems, want %d:\n%v", len(ps), len(want), err)
	}
	for i, w := range want {
		if !strings.Contains(ps[i].Error(), w) {
			t.Errorf("problem %d: %q, want %q", i, ps[i].Error(), w)
		}
	}
}

func TestParseTargetsMissingColumn(t *testing.T) {
	_, err := ParseTargets("t.csv", strings.NewReader("unit_code,indicator,deadline,value\n68,bhyt_population_pct,2025-12-31,95\n"))
	if err == nil || !strings.Contains(err.Error(), "missing required column document") {
		t.Errorf("got %v", err)
	}
}

func TestTargetCheck(t *testing.T) {
	err := Target{UnitCode: "68", Indicator: BHYTPopulationPct, Value: "120"}.Check()
	if fault.KindOf(err) != fault.Invalid {
		t.Fatalf("got %v", err)
	}
	vi, en := fault.Messages(err)
	if !strings.Contains(vi, "value: tỷ lệ phải từ 0 đến 100") || !strings.Contains(en, "document: the document that set the target is missing") {
		t.Errorf("%s / %s", vi, en)
	}
	if err := target("68", VoluntaryBHXHCount, "2025-12-31", "1000000001").Check(); err == nil {
		t.Error("count above a billion accepted")
	}
}

// FuzzParseTargets: the reader never panics; what it accepts passes Check, writes
// back and reads again the same.
func FuzzParseTargets(f *testing.F) {
	f.Add(goodCSV)
	f.Add("unit_code,indicator,deadline,value,document\n24778,voluntary_bhxh_count,2025-12-31,-5,KH\n")
	f.Add("unit_code,indicator,deadline,value,document\n24778,bhyt_population_pct,2025-12-31,1e2,KH\n")
	f.Add("unit_code,indicator,deadline,value\n\"unterminated\n")
	f.Add("\xEF\xBB\xBFUnit_Code, Indicator ,deadline,value,document\n68,bhtn_labour_pct,2025-02-29,+5.,x\n")
	f.Fuzz(func(t *testing.T, in string) {
		ts, err := ParseTargets("f.csv", strings.NewReader(in))
		if err != nil {
			var ps importer.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("error is not a list of problems: %v", err)
			}
			return
		}
		for _, tg := range ts {
			if err := tg.Check(); err != nil {
				t.Fatalf("accepted %+v: %v", tg, err)
			}
		}
		var buf bytes.Buffer
		if err := WriteTargets(&buf, ts); err != nil {
			t.Fatal(err)
		}
		back, err := ParseTargets("back.csv", &buf)
		if err != nil || len(back) != len(ts) {
			t.Fatalf("written targets read back as %v, %v", back, err)
		}
		for i := range ts {
			if back[i] != ts[i] {
				t.Fatalf("round trip %+v → %+v", ts[i], back[i])
			}
		}
	})
}
