package geo

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/importer"
)

// VillageTypes are the kinds of unit below a commune (thôn, ấp, bản, tổ dân phố …)
// with the word that starts their full name.
var VillageTypes = map[string]string{
	"thon":       "Thôn",
	"ap":         "Ấp",
	"ban":        "Bản",
	"buon":       "Buôn",
	"lang":       "Làng",
	"plei":       "Plei",
	"soc":        "Sóc",
	"xom":        "Xóm",
	"khom":       "Khóm",
	"khu_pho":    "Khu phố",
	"khu_dan_cu": "Khu dân cư",
	"to_dan_pho": "Tổ dân phố",
}

// DefaultVillageType is used when a villages file has no village_type.
const DefaultVillageType = "thon"

// MaxVillageCode is the longest village code, in characters.
const MaxVillageCode = 20

// ParseVillages reads the villages of communes (PRODUCT.md §5 "villages"):
//
//	commune_code,village_code,village_name[,village_type][,valid_from]
//	26248,01,1,to_dan_pho,2026-01-01
//
// village_type defaults to "thon" and valid_from to date. The commune is the one with
// commune_code on valid_from; the village lives as long as the commune does. A village
// already in force with the same name is skipped, so a file can be imported again; a
// different name is a problem, since renames go through reorganisation events.
// Nothing is returned unless every row is good.
func ParseVillages(a *Atlas, file string, r io.Reader, date civil.Date) (*Change, error) {
	c := &importer.Collector{File: file}
	f, ok := importer.OpenTable(c, file, r, "villages", "commune_code", "village_code", "village_name")
	if !ok {
		return nil, c.Err()
	}
	defer f.Close()
	ch := &Change{}
	seen := map[villageKey]int{}
	next := a.MaxID()
	for f.Next() {
		u := readVillage(a, f, date, seen)
		if u == nil || c.Count() > 0 {
			continue
		}
		next++
		u.ID = next
		ch.NewUnits = append(ch.NewUnits, u)
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return ch, nil
}

// readVillage checks one row; nil when the row is bad or already in force.
func readVillage(a *Atlas, f *importer.CSV, date civil.Date, seen map[villageKey]int) *Unit {
	from, okFrom := villageFrom(f, date)
	code, okCode := readVillageCode(f)
	name, okName := readVillageName(f)
	typ, okType := readVillageType(f)
	if !okFrom {
		return nil
	}
	commune, okCommune := villageCommune(a, f, from)
	if !okCode || !okName || !okType || !okCommune {
		return nil
	}
	key := villageKey{commune.ID, code}
	if first, dup := seen[key]; dup {
		f.Bad("village_code", fmt.Sprintf("mã thôn %s của xã %s lặp lại dòng %d", code, commune.Code, first),
			fmt.Sprintf("village %s of commune %s repeats row %d", code, commune.Code, first))
		return nil
	}
	seen[key] = f.Row()
	np := villageName(name, typ)
	np.From, np.To = from, commune.ValidTo
	if !villageIsNew(a, f, commune, code, np) {
		return nil
	}
	return &Unit{Code: code, Level: Village, ValidFrom: from, ValidTo: commune.ValidTo,
		Names:   []NamePeriod{np},
		Parents: []ParentPeriod{{From: from, To: commune.ValidTo, ParentID: commune.ID}}}
}

func villageFrom(f *importer.CSV, date civil.Date) (civil.Date, bool) {
	if f.Get("valid_from") == "" {
		return date, true
	}
	return f.Date("valid_from", false)
}

func readVillageCode(f *importer.CSV) (string, bool) {
	code, ok := f.Required("village_code")
	if !ok {
		return "", false
	}
	if utf8.RuneCountInString(code) > MaxVillageCode || strings.IndexFunc(code, badCodeRune) >= 0 {
		f.Bad("village_code", fmt.Sprintf("mã thôn %q phải có tối đa %d ký tự, không có khoảng trắng", code, MaxVillageCode),
			fmt.Sprintf("village code %q must have at most %d characters and no spaces", code, MaxVillageCode))
		return "", false
	}
	return code, true
}

func badCodeRune(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }

func readVillageName(f *importer.CSV) (string, bool) {
	name, ok := f.Required("village_name")
	if ok && (utf8.RuneCountInString(name) > 100 || strings.IndexFunc(name, unicode.IsControl) >= 0) {
		f.Bad("village_name", "tên thôn quá 100 ký tự hoặc có ký tự điều khiển", "village name is over 100 characters or has control characters")
		return "", false
	}
	return name, ok
}

func readVillageType(f *importer.CSV) (string, bool) {
	typ := strings.ToLower(f.Get("village_type"))
	if typ == "" {
		return DefaultVillageType, true
	}
	if _, ok := VillageTypes[typ]; !ok {
		list := strings.Join(sortedKeys(VillageTypes), ", ")
		f.Bad("village_type", fmt.Sprintf("loại thôn %q không có, dùng một trong: %s", typ, list),
			fmt.Sprintf("unknown village type %q, use one of: %s", typ, list))
		return "", false
	}
	return typ, true
}

// villageCommune is the commune-level unit with commune_code on from.
func villageCommune(a *Atlas, f *importer.CSV, from civil.Date) (*Unit, bool) {
	// A workbook may hold the code as a number without its leading zeros.
	code := f.Code("commune_code", importer.Width{Digits: 5, Zeros: 4})
	if code == "" {
		f.Required("commune_code") // reports it missing
		return nil, false
	}
	u, err := a.Find(code, from)
	if err != nil {
		vi, en := fault.Messages(err)
		f.Bad("commune_code", vi, en)
		return nil, false
	}
	if u.Level != Commune {
		f.Bad("commune_code", fmt.Sprintf("mã %s là cấp %s, không phải xã/phường", code, u.Level),
			fmt.Sprintf("code %s is a %s, not a commune", code, u.Level))
		return nil, false
	}
	return u, true
}

// villageName builds the name period: "1" of type thon is Thôn 1; "Thôn Đông" keeps
// its full name and is called Đông.
func villageName(name, typ string) NamePeriod {
	word := VillageTypes[typ]
	if rest, ok := cutWord(name, word); ok {
		return NamePeriod{Name: rest, FullName: word + " " + rest, Type: typ}
	}
	return NamePeriod{Name: name, FullName: word + " " + name, Type: typ}
}

// cutWord removes a leading word (any letter case) and the space after it.
func cutWord(s, word string) (string, bool) {
	rs, ws := []rune(s), []rune(word)
	if len(rs) <= len(ws)+1 || !unicode.IsSpace(rs[len(ws)]) || !strings.EqualFold(string(rs[:len(ws)]), word) {
		return "", false
	}
	rest := strings.TrimSpace(string(rs[len(ws):]))
	return rest, rest != ""
}

// villageIsNew reports whether the village must be created: false when the same
// village is already in force (skipped) or when the code is taken (a problem).
func villageIsNew(a *Atlas, f *importer.CSV, commune *Unit, code string, np NamePeriod) bool {
	for _, v := range a.villages[villageKey{commune.ID, code}] {
		start := max(np.From, v.ValidFrom)
		if v.ValidTo < np.From || v.ValidFrom > np.To || v.ParentOn(start) != commune.ID {
			continue
		}
		if old := v.NameOn(np.From); v.ValidOn(np.From) && old.Name == np.Name && old.FullName == np.FullName && old.Type == np.Type {
			return false
		}
		old := v.NameOn(start)
		f.Bad("village_code", fmt.Sprintf("xã %s đã có thôn mã %s (%s) từ %s; đổi tên phải qua sự kiện tổ chức lại", commune.Code, code, old.FullName, v.ValidFrom.VN()),
			fmt.Sprintf("commune %s already has village %s (%s) since %s; renames go through reorganisation events", commune.Code, code, old.FullName, v.ValidFrom))
		return false
	}
	return true
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
