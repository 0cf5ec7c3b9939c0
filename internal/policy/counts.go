package policy

import (
	"io"
	"strings"

	"github.com/phusong/phusong/internal/importer"
)

// ParticipantCount is how many participants of a scheme and group in a commune are
// supported each month of the budget year. MemberOrder is the position in the
// household for household_bhyt (1..5, 5 = fifth onward) and 0 otherwise.
type ParticipantCount struct {
	Commune     string `json:"commune_code"`
	Scheme      string `json:"scheme"`
	Group       string `json:"group"`
	MemberOrder int    `json:"member_order,omitempty"`
	Count       int64  `json:"count"`
}

// CountColumns is the CSV layout of participant counts; member_order is optional
// and needed only on household_bhyt rows; group may be empty for household_bhyt and
// student_bhyt (it means "all").
var CountColumns = []string{"commune_code", "scheme", "group", "count"}

// ParseParticipantCounts reads the participant counts of a budget estimate.
func ParseParticipantCounts(file string, r io.Reader) ([]ParticipantCount, error) {
	c := &importer.Collector{File: file}
	f, ok := importer.OpenCSV(c, r, CountColumns...)
	if !ok {
		return nil, c.Err()
	}
	var out []ParticipantCount
	for f.Next() {
		if pc, ok := readCount(f); ok {
			out = append(out, pc)
		}
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func readCount(f *importer.CSV) (ParticipantCount, bool) {
	pc := ParticipantCount{Commune: f.Get("commune_code"), Scheme: f.Get("scheme"), Group: f.Get("group")}
	if pc.Group == "" {
		pc.Group = AllGroups
	}
	n, ok := f.Int("count")
	pc.Count = n
	if f.Get("member_order") != "" {
		order, okOrder := f.Int("member_order")
		pc.MemberOrder, ok = int(order), ok && okOrder
	}
	for _, p := range checkCount(pc) {
		f.Bad(p.col, p.vi, p.en)
		ok = false
	}
	return pc, ok
}

// maxCount is far above any commune's population and keeps a year's cost in int64.
const maxCount = 100_000_000

// checkCount: a 5-digit commune, a scheme and a group whose cost is known (a real
// group for voluntary_bhxh and bhyt_supported), a member order only for households,
// a count from 0 to maxCount.
func checkCount(pc ParticipantCount) []problem {
	var out []problem
	add := func(col, vi, en string) { out = append(out, problem{col, vi, en}) }
	if !isCode(pc.Commune, 5) {
		add("commune_code", "mã xã phải gồm 5 chữ số, có "+quote(pc.Commune), "commune code must be 5 digits, got "+quote(pc.Commune))
	}
	if p := checkSchemeGroup(pc.Scheme, pc.Group); p != nil {
		out = append(out, *p)
	} else if pc.Group == AllGroups && (pc.Scheme == SchemeVoluntary || pc.Scheme == SchemeBHYTSupported) {
		add("group", "chế độ "+pc.Scheme+" cần một nhóm cụ thể", "scheme "+pc.Scheme+" needs a specific group")
	}
	if pc.Scheme == SchemeHousehold && pc.MemberOrder < 1 {
		add("member_order", "dòng BHYT hộ gia đình cần thứ tự thành viên từ 1", "household_bhyt rows need member_order 1 or more")
	}
	if pc.Scheme != SchemeHousehold && pc.MemberOrder != 0 {
		add("member_order", "thứ tự thành viên chỉ dùng cho household_bhyt", "member_order is only for household_bhyt")
	}
	if pc.Count < 0 || pc.Count > maxCount {
		add("count", "số người phải từ 0 đến 100000000", "count must be 0 to 100000000")
	}
	return out
}

// countProblemText is the error for a bad count given outside a CSV (numbered from 1).
func countProblemText(i int, ps []problem) error {
	var vi, en []string
	for _, p := range ps {
		vi, en = append(vi, p.col+": "+p.vi), append(en, p.col+": "+p.en)
	}
	n := itoa(i + 1)
	return &Error{VI: "dòng số liệu " + n + ": " + strings.Join(vi, "; "), EN: "count " + n + ": " + strings.Join(en, "; ")}
}
