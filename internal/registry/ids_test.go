package registry

import (
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/fault"
)

func TestNationalID(t *testing.T) {
	tests := []struct {
		id   string
		year int
		sex  Sex
		want string // "" valid, else a word of the English reason
	}{
		{"079075001234", 1975, Male, ""},
		{"079075001234", 0, SexNone, ""},
		{"001190004567", 1990, Female, ""},
		{"001205000123", 2005, Male, ""},
		{"038310001111", 2010, Female, ""},
		{"003085012345", 1985, Male, "prefix 003"},      // 003 was never a province code
		{"097085012345", 1985, Male, "prefix 097"},      // nor 097
		{"079175001234", 1975, Male, "sex F"},           // digit 4 = 1: a woman
		{"079075001234", 1975, Female, "sex M"},         // the file says F
		{"079075001234", 1976, Male, "birth year 1975"}, // year digits say 75
		{"079275001234", 1975, Male, "birth year 2075"}, // digit 4 = 2: 21st century
		{"079475001234", 0, SexNone, "2100 or later"},
		{"07907500123", 0, SexNone, "12 digits"},
		{"07907500123a", 0, SexNone, "12 digits"},
	}
	for _, tt := range tests {
		_, err := CheckNationalID(tt.id, tt.year, tt.sex)
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tt.id, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s (%d %s): got %v, want %q", tt.id, tt.year, tt.sex, err, tt.want)
		}
		if vi, en := fault.Messages(err); vi == en {
			t.Errorf("%s: reason not bilingual: %q", tt.id, vi)
		}
	}
	id, _ := ParseNationalID("079075001234")
	if id.Province != "079" || id.BirthYear != 1975 || id.Sex != Male {
		t.Errorf("parts %+v", id)
	}
	if name, _ := BirthProvince(id.Province); name != "TP Hồ Chí Minh" {
		t.Errorf("province %q", name)
	}
	if len(birthProvinces) != 63 {
		t.Errorf("%d province prefixes, want 63", len(birthProvinces))
	}
}

func TestBHXHCode(t *testing.T) {
	tests := []struct {
		in   string
		kind CodeKind
		ok   bool
	}{
		{"0120878811", KindBHXH, true},
		{"079075001234", KindDDCN, true},
		{"003075001234", "", false}, // 12 digits but not a national ID
		{"012087881", "", false},
		{"01208788111", "", false},
		{"HS40101208", "", false},
	}
	for _, tt := range tests {
		c, err := ParseBHXHCode(tt.in)
		if (err == nil) != tt.ok || c.Kind != tt.kind {
			t.Errorf("%s: %+v %v", tt.in, c, err)
		}
	}
}

func TestParseCard(t *testing.T) {
	tests := []struct {
		in   string
		want CardNumber
		err  string
	}{
		{"HS4010120878811", CardNumber{"HS", 4, "01", "0120878811"}, ""},
		{"hs4010120878811", CardNumber{"HS", 4, "01", "0120878811"}, ""},
		{"GD4010120152431", CardNumber{"GD", 4, "01", "0120152431"}, ""},
		{"QN5970120152431", CardNumber{"QN", 5, "97", "0120152431"}, ""},
		{"8901234567", CardNumber{BHXHCode: "8901234567"}, ""},
		{"HS401012087881", CardNumber{}, "15 characters"},
		{"HS40101208788111", CardNumber{}, "15 characters"},
		{"H54010120878811", CardNumber{}, "2-letter"},
		{"HS6010120878811", CardNumber{}, "1 to 5"},
		{"HS4000120878811", CardNumber{}, "issuing-province"},
		{"HS40101208788X1", CardNumber{}, "10-digit"},
	}
	for _, tt := range tests {
		got, err := ParseCard(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s: %+v %v", tt.in, got, err)
		}
	}
	if got, _ := ParseCard("hs4010120878811"); got.String() != "HS4010120878811" {
		t.Errorf("String %s", got)
	}
}

func TestCardCodeOnDate(t *testing.T) {
	codes := DefaultCodes()
	tests := []struct {
		card, on string
		payer    PayerGroup
		err      string
	}{
		{"HS4010120878811", "2025-09-01", StateSupported, ""},
		{"XX4010120878811", "2025-09-01", "", "unknown participant code"},
		{"LH4010120878811", "2025-06-30", "", "not in force on 2025-06-30"},
		{"LH4010120878811", "2025-07-01", StateBudget, ""},
		{"CT4790130011223", "2020-04-30", BHXHFund, ""},
		{"CT4790130011223", "2020-05-01", StateBudget, ""},
	}
	for _, tt := range tests {
		n, err := ParseCard(tt.card)
		if err != nil {
			t.Fatal(err)
		}
		pc, err := CheckCard(codes, n, date(tt.on))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s on %s: %v, want %q", tt.card, tt.on, err, tt.err)
			}
			continue
		}
		if err != nil || pc.Payer != tt.payer {
			t.Errorf("%s on %s: %+v %v", tt.card, tt.on, pc, err)
		}
	}
}

func TestBenefitLevelChanges2026(t *testing.T) {
	codes := DefaultCodes()
	tests := []struct {
		code, on string
		level    int
	}{
		{"CN", "2025-12-31", 3},
		{"CN", "2026-01-01", 2},
		{"LH", "2025-12-31", 4},
		{"LH", "2026-01-01", 2},
		{"HS", "2026-01-01", 4},
		{"TE", "2026-01-01", 1},
		{"QN", "2026-01-01", 5},
	}
	for _, tt := range tests {
		pc, ok := codes.Lookup(tt.code, date(tt.on))
		if !ok || pc.Level != tt.level {
			t.Errorf("%s on %s: level %d (%v), want %d", tt.code, tt.on, pc.Level, ok, tt.level)
		}
	}
	if pc, _ := codes.Lookup("cn", date("2026-03-01")); pc.Payer != StateSupported || pc.Source == "" {
		t.Errorf("CN 2026: %+v", pc)
	}
	for _, g := range PayerGroups {
		if g.LabelVI() == "" || g.LabelEN() == "" {
			t.Errorf("%s has no label", g)
		}
	}
	if n := len(codes.Codes()); n != 48 {
		t.Errorf("%d code rows, want 48", n)
	}
}

func TestLoadCodesRejectsOverlap(t *testing.T) {
	in := "code,name_vi,payer_group,benefit_level,valid_from,valid_to,source\nCN,a,state_supported,3,,2026-01-31,x\nCN,a,state_supported,2,2026-01-01,,y\n"
	if _, err := LoadCodes("c.csv", strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "overlapping") {
		t.Errorf("overlap accepted: %v", err)
	}
	in = "code,name_vi,payer_group,benefit_level,valid_from,valid_to,source\nC1,a,nobody,9,,,x\n"
	if _, err := LoadCodes("c.csv", strings.NewReader(in)); err == nil || len(problems(t, err)) != 3 {
		t.Errorf("bad row: %v", err)
	}
}

func TestNames(t *testing.T) {
	if got := NormalizeName("  Nguyễn\u00a0 Văn   An "); got != "Nguyễn Văn An" {
		t.Errorf("normalise %q", got)
	}
	decomposed := "Nguye\u0302\u0303n Va\u0306n An"
	if NormalizeName(decomposed) != "Nguyễn Văn An" {
		t.Error("not NFC")
	}
	same := [][2]string{
		{"NGUYỄN VĂN AN", "nguyễn văn an"},
		{decomposed, "Nguyễn Văn An"},
		{"Trần Thị Thủy", "trần thị thuỷ"},
		{"Lê Hòa", "LÊ HOÀ"},
		{"Đặng Khỏe", "đặng khoẻ"},
	}
	for _, p := range same {
		if NameKey(p[0]) != NameKey(p[1]) {
			t.Errorf("%q and %q have keys %q and %q", p[0], p[1], NameKey(p[0]), NameKey(p[1]))
		}
	}
	differ := [][2]string{{"Nguyễn", "Nguyên"}, {"Hoàng", "Hoang"}, {"Lê Hòa", "Lê Hoa"}}
	for _, p := range differ {
		if NameKey(p[0]) == NameKey(p[1]) {
			t.Errorf("%q and %q share key %q", p[0], p[1], NameKey(p[0]))
		}
	}
	for _, bad := range []string{"", "   ", "Nguyễn Văn 2", "...", "a\x01b", strings.Repeat("a", 101)} {
		if _, err := CheckName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestParseSex(t *testing.T) {
	for in, want := range map[string]Sex{"M": Male, "f": Female, "Nam": Male, "NỮ": Female, "Nu\u031b\u0303": Female, "1": Male, "0": Female} {
		if got, err := ParseSex(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	if _, err := ParseSex("X"); err == nil {
		t.Error("X accepted")
	}
}
