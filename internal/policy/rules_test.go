package policy

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/importer"
)

func TestDefaultRulesRoundTrip(t *testing.T) {
	rules := DefaultRules()
	var buf bytes.Buffer
	if err := WriteRules(&buf, rules); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), defaultRulesCSV) {
		t.Error("WriteRules(DefaultRules()) differs from the embedded rules.csv")
	}
	back, err := ParseRules("export.csv", &buf)
	if err != nil || !reflect.DeepEqual(back, rules) {
		t.Fatalf("round trip: %v", err)
	}
}

// Every parameter is bundled, every row has a source, and the rows of 2026–2027 are there.
func TestDefaultRulesCoverage(t *testing.T) {
	b := Default()
	seen := map[string]bool{}
	for _, r := range DefaultRules() {
		seen[r.Parameter] = true
	}
	for _, p := range Parameters() {
		if !seen[p] {
			t.Errorf("no row for %s", p)
		}
	}
	for _, tt := range []struct {
		param, key, date, want string
	}{
		{BaseSalary, "", "2026-06-30", "2340000"},
		{BaseSalary, "", "2026-07-01", "2530000"},
		{ReferenceLevel, "", "2026-07-01", "2530000"},
		{RegionalMinWage, "1", "2025-12-31", "4960000"},
		{RegionalMinWage, "1", "2026-01-01", "5310000"},
		{RegionalMinWage, "4", "2026-01-01", "3700000"},
		{RuralPovertyLine, "", "2026-12-31", "1500000"},
		{RuralPovertyLine, "", "2027-01-01", "2200000"},
		{VoluntarySupport, "poor", "2025-06-30", "30"},
		{VoluntarySupport, "poor", "2025-07-01", "50"},
		{BHYTSupport, "student", "2025-06-30", "30"},
		{BHYTSupport, "student", "2025-07-01", "50"},
		{LateChargeRate, "", "2027-01-01", "3/100"},
	} {
		v, err := b.Value(tt.param, tt.key, day(tt.date))
		if err != nil || v.RatString() != tt.want {
			t.Errorf("%s[%s] on %s = %v (%v), want %s", tt.param, tt.key, tt.date, v, err, tt.want)
		}
	}
	if src, _ := b.Source(BaseSalary, "", day("2026-07-01")); !strings.Contains(src, "161/2026") {
		t.Errorf("source %q", src)
	}
}

func TestParseRulesProblems(t *testing.T) {
	in := `parameter,key,value,valid_from,valid_to,source
base_salary,,1,2020-01-01,,x
base_salary_vnd,,1e5,2020-01-01,,x
regional_min_wage_vnd,5,100,2020-01-01,,x
voluntary_rate_pct,,120,2020-13-01,,x
bhyt_rate_pct,,4.5,2020-01-01,2019-01-01,
base_salary_vnd,,100,2020-01-01,2020-12-31,x
base_salary_vnd,,200,2020-12-31,,x
`
	_, err := ParseRules("r.csv", strings.NewReader(in))
	var ps importer.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want Problems, got %v", err)
	}
	for _, w := range []string{
		"r.csv:2:1 (parameter): tham số không biết: base_salary / unknown parameter: base_salary",
		`r.csv:3:3 (value): giá trị không phải số thập phân "1e5" / value is not a plain decimal "1e5"`,
		`r.csv:4:2 (key): khoá không hợp lệ "5"`,
		`r.csv:5:4 (valid_from): ngày không hợp lệ "2020-13-01"`,
		`r.csv:5:3 (value): phần trăm phải từ 0 đến 100, có "120"`,
		"r.csv:6:5 (valid_to): ngày kết thúc trước ngày bắt đầu / valid_to is before valid_from",
		"r.csv:6:6 (source): thiếu căn cứ pháp lý / legal source is missing",
		"r.csv:8:4 (valid_from): trùng thời gian với dòng 7 (base_salary_vnd ) / period overlaps row 7",
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("missing %q in\n%s", w, err)
		}
	}
	_, err = ParseRules("h.csv", strings.NewReader("parameter,key,value\n"))
	wantErr(t, err, "thiếu cột bắt buộc valid_from", "missing required column valid_from")
}

// An import that overlaps the bundled rows is refused by NewBook too.
func TestNewBookRejectsOverlapAndGaps(t *testing.T) {
	rules := append(DefaultRules(), Rule{Parameter: BaseSalary, Value: "2600000", ValidFrom: day("2027-01-01"), ValidTo: day("9999-12-31"), Source: "test"})
	_, err := NewBook(rules, nil)
	wantErr(t, err, "trùng thời gian với dòng 5 (base_salary_vnd )", "period overlaps row 5 (base_salary_vnd )")

	var gap []Rule
	for _, r := range DefaultRules() {
		if r.Parameter != BaseSalary || r.Value != "1800000" {
			gap = append(gap, r)
		}
	}
	b, err := NewBook(gap, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.Household(HouseholdInput{Date: day("2024-01-01"), Members: 1})
	wantErr(t, err, "không có quy định base_salary_vnd có hiệu lực vào ngày 2024-01-01", "no base_salary_vnd rule in force on 2024-01-01")
}

func TestDecimal(t *testing.T) {
	for s, ok := range map[string]bool{"0.03": true, "2340000": true, "-5": true, "+5": true, "1e5": false, "1/3": false, ".5": false, "5.": false, "": false, "1,5": false, "--1": false} {
		if _, got := Decimal(s).Rat(); got != ok {
			t.Errorf("Decimal(%q) ok = %v", s, got)
		}
	}
}
