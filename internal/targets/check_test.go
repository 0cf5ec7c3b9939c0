package targets

import (
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/fault"
)

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
