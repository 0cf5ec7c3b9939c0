package policy

import (
	"bytes"
	"strings"
	"testing"
)

// The readers must never panic, whatever the bytes; what they accept must be valid.

func FuzzParseRules(f *testing.F) {
	// A few real rows: the whole file makes minimising new inputs very slow.
	lines := strings.SplitAfter(string(defaultRulesCSV), "\n")
	f.Add(strings.Join(lines[:8], ""))
	f.Add(lines[0] + strings.Join(lines[88:], ""))
	f.Add("parameter,key,value,valid_from,valid_to,source\nbase_salary_vnd,,2340000,2024-07-01,2026-06-30,ND 73/2024/NĐ-CP Art 3\n")
	f.Add("parameter,key,value,valid_from,valid_to,source\nlate_charge_pct_per_day,,0.03,2025-07-01,,\"Law 41/2024, Art 40\"\n")
	f.Add("parameter,key,value\n\"unterminated\n")
	f.Fuzz(func(t *testing.T, in string) {
		rules, err := ParseRules("f.csv", strings.NewReader(in))
		if err != nil {
			return
		}
		if _, err := NewBook(rules, nil); err != nil {
			t.Fatalf("ParseRules accepted rows NewBook rejects: %v", err)
		}
		var buf bytes.Buffer
		if err := WriteRules(&buf, rules); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzParseTopUps(f *testing.F) {
	f.Add(topUpsCSV)
	f.Add("province_code,scheme,group,percent,valid_from,valid_to,resolution\n22,household_bhyt,all,20,2025-07-01,,21/2025/NQ-HĐND\n")
	f.Add("province_code,scheme,group,percent,valid_from,valid_to,resolution,communes\n22,voluntary_bhxh,near_poor,10.5,2026-01-01,2026-12-31,NQ,06700; 06701\n")
	f.Fuzz(func(t *testing.T, in string) {
		list, err := ParseTopUps("f.csv", strings.NewReader(in))
		if err != nil {
			return
		}
		if _, err := NewBook(DefaultRules(), list); err != nil {
			t.Fatalf("ParseTopUps accepted rows NewBook rejects: %v", err)
		}
	})
}

func FuzzParseParticipantCounts(f *testing.F) {
	f.Add(countsCSV)
	f.Add("commune_code,scheme,group,count\n06700,student_bhyt,,120\n")
	f.Add("commune_code,scheme,group,count,member_order\n06700,household_bhyt,all,3,5\n")
	b := Default()
	f.Fuzz(func(t *testing.T, in string) {
		counts, err := ParseParticipantCounts("f.csv", strings.NewReader(in))
		if err != nil {
			return
		}
		if _, err := b.SupportBudget(BudgetInput{Province: "22", Year: 2026, Counts: counts}); err != nil {
			t.Fatalf("accepted counts give %v", err)
		}
	})
}
