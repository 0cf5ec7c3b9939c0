package registry

import (
	"strings"
	"unicode"

	"github.com/phusong/phusong/internal/importer"
)

// wordsKey is how a Vietnamese header or label is compared: NFC, case-folded, tone
// placement unified, punctuation dropped, white space collapsed ("Ngày, tháng, năm
// sinh" and "ngày tháng năm  sinh" are one key).
func wordsKey(s string) string {
	k := foldKey(s)
	k = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			return r
		}
		return ' '
	}, k)
	return strings.Join(strings.Fields(k), " ")
}

// stripParens drops parenthesised parts: "Từ tháng (thời điểm thẻ có giá trị)".
func stripParens(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// headerKeys are the keys a header cell is known by: with and without its
// parenthesised remarks.
func headerKeys(s string) []string {
	a, b := wordsKey(s), wordsKey(stripParens(s))
	if a == "" {
		return nil
	}
	if a == b || b == "" {
		return []string{a}
	}
	return []string{a, b}
}

// formField is a column of a BHXH list, known by several headers (the forms and the
// vendor templates do not word them alike).
type formField struct {
	key     string
	label   string // the header as the form prints it, for problems about a missing column
	aliases map[string]bool
}

func field(key, label string, aliases ...string) formField {
	f := formField{key: key, label: label, aliases: map[string]bool{}}
	for _, a := range append(aliases, label) {
		for _, k := range headerKeys(a) {
			f.aliases[k] = true
		}
	}
	return f
}

// formSpec describes one list layout.
type formSpec struct {
	name     string
	fields   []formField
	required []string // field keys that must have a column
	titles   []string // title-block labels whose values are read ("Mã đơn vị")
}

func (s *formSpec) field(key string) formField {
	for _, f := range s.fields {
		if f.key == key {
			return f
		}
	}
	return formField{key: key, label: key}
}

// formHeader is what was learned above the first data row.
type formHeader struct {
	row   int
	cols  map[string]int // field key → 0-based column
	names []string       // column headers as written, for problems
	title map[string]string
	// date1904: the workbook counts date serials from 1904 (old Mac Excel).
	date1904 bool
}

// lookahead lets the header search give back one row.
type lookahead struct {
	sheet
	back bool
}

func (l *lookahead) Next() bool {
	if l.back {
		l.back = false
		return true
	}
	return l.sheet.Next()
}

// maxTitleRows is how far down a sheet the header row is looked for.
const maxTitleRows = 60

// findHeader reads the title block, the header row (the first row naming both the
// full name and the BHXH code), any sub-header rows of grouped columns and the row of
// column numbers printed under the header.
func findHeader(rs *lookahead, spec *formSpec) (*formHeader, bool) {
	h := &formHeader{title: map[string]string{}}
	for rs.Next() && rs.Row() <= maxTitleRows {
		cells := rs.Cells()
		if isHeaderRow(cells, spec) {
			h.row = rs.Row()
			h.readHeader(rs, spec, cells)
			return h, true
		}
		readTitle(cells, spec.titles, h.title)
	}
	return nil, false
}

func isHeaderRow(cells []string, spec *formSpec) bool {
	name, code := spec.field("name"), spec.field("bhxh")
	var hasName, hasCode bool
	for _, c := range cells {
		for _, k := range headerKeys(c) {
			hasName = hasName || name.aliases[k]
			hasCode = hasCode || code.aliases[k]
		}
	}
	return hasName && hasCode
}

// readTitle picks "Label: value" (or "Label" then the value in a later cell) out of a
// title-block row.
func readTitle(cells []string, labels []string, out map[string]string) {
	for j, c := range cells {
		k := wordsKey(c)
		for _, label := range labels {
			if _, done := out[label]; done || !strings.HasPrefix(k, label) {
				continue
			}
			if _, v, ok := strings.Cut(c, ":"); ok && strings.TrimSpace(v) != "" {
				out[label] = cell([]string{v}, 0)
				continue
			}
			for _, next := range cells[j+1:] {
				if v := cell([]string{next}, 0); v != "" {
					out[label] = strings.TrimSpace(strings.TrimPrefix(v, ":"))
					break
				}
			}
		}
	}
}

func (h *formHeader) readHeader(rs *lookahead, spec *formSpec, top []string) {
	labels := make([]string, len(top))
	for j := range top {
		labels[j] = cell(top, j)
	}
	subs := make([]string, len(labels))
	nameCol, codeCol := findCol(top, spec.field("name")), findCol(top, spec.field("bhxh"))
	for rs.Next() {
		cells := rs.Cells()
		if isNumberRow(cells) {
			break
		}
		if _, label := sectionOf(cells); label || cell(cells, nameCol) != "" || cell(cells, codeCol) != "" || blank(cells) {
			rs.back = true
			break
		}
		labels, subs = mergeSubHeader(labels, subs, cells)
	}
	h.assign(spec, labels, subs)
}

// mergeSubHeader adds a row of sub-headers under grouped columns: a group's label is
// written once over its first column, so it is carried to the right.
func mergeSubHeader(labels, subs, row []string) ([]string, []string) {
	for len(labels) < len(row) {
		labels, subs = append(labels, ""), append(subs, "")
	}
	group := ""
	for j := range labels {
		sub := cell(row, j)
		if labels[j] != "" && subs[j] == "" {
			group = labels[j]
		} else if labels[j] == "" && sub != "" {
			labels[j] = group
		}
		if sub != "" {
			subs[j] = strings.TrimSpace(subs[j] + " " + sub)
		}
	}
	return labels, subs
}

func (h *formHeader) assign(spec *formSpec, labels, subs []string) {
	h.cols = map[string]int{}
	h.names = make([]string, len(labels))
	cands := make([][]string, len(labels))
	for j := range labels {
		top, sub := labels[j], subs[j]
		h.names[j] = strings.TrimSpace(top)
		if sub != "" {
			h.names[j] = strings.TrimSpace(top + " – " + sub)
			cands[j] = append(headerKeys(sub), headerKeys(top+" "+sub)...)
		} else {
			cands[j] = headerKeys(top)
		}
	}
	taken := map[int]bool{}
	for _, f := range spec.fields {
		for j := range cands {
			if taken[j] || !anyAlias(f, cands[j]) {
				continue
			}
			h.cols[f.key], taken[j] = j, true
			break
		}
	}
}

func anyAlias(f formField, keys []string) bool {
	for _, k := range keys {
		if f.aliases[k] {
			return true
		}
	}
	return false
}

func findCol(cells []string, f formField) int {
	for j, c := range cells {
		if anyAlias(f, headerKeys(c)) {
			return j
		}
	}
	return -1
}

// isNumberRow recognises the row of column numbers under a form's header: "1", "2",
// "(3)", "A", "B" …
func isNumberRow(cells []string) bool {
	n := 0
	for j := range cells {
		c := strings.Trim(cell(cells, j), "()[]")
		if c == "" {
			continue
		}
		if !(isDigits(c, len(c)) && len(c) <= 2) && !(len(c) == 1 && c[0] >= 'A' && c[0] <= 'Z') {
			return false
		}
		n++
	}
	return n >= 3
}

func blank(cells []string) bool {
	for j := range cells {
		if cell(cells, j) != "" {
			return false
		}
	}
	return true
}

// missingColumns reports required fields without a column, at the header row.
func (h *formHeader) missingColumns(c *importer.Collector, spec *formSpec) bool {
	ok := true
	for _, key := range spec.required {
		if _, has := h.cols[key]; !has {
			label := spec.field(key).label
			c.Add(h.row, 0, label, "thiếu cột bắt buộc \""+label+"\" ("+spec.name+")", "missing required column \""+label+"\" ("+spec.name+")")
			ok = false
		}
	}
	return ok
}
