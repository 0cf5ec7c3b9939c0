package geo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"sort"
	"strings"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/importer"
)

// ParseShares reads the real shares of split units, replacing the documented default
// (equal parts) that Reference gives the "Nhập một phần" rows of the NSO crosswalk.
//
//	from_code,from_date,to_code,share
//	00007,2025-06-30,00008,0.25
//	00007,2025-06-30,00025,75%
//
// from_code is resolved on from_date; to_code must be one of its successors. The rows
// of one source must name every successor and their shares must sum to exactly 1.
// The result is Change.ShareUpdate, one link per successor, summing to WholeShare and
// signed with setBy. Shares already set by someone with the same values are skipped,
// so importing a file twice changes nothing the second time.
func ParseShares(a *Atlas, file string, r io.Reader, setBy string) (*Change, error) {
	if strings.TrimSpace(setBy) == "" {
		return nil, fault.New(fault.Invalid, "cần ghi rõ người đặt tỷ lệ", "who sets the shares must be given")
	}
	s, f, err := openSheet(file, r, "from_code", "from_date", "to_code", "share")
	if err != nil {
		return nil, err
	}
	var order []int64
	bySource := map[int64][]shareRow{}
	seen := map[[2]int64]int{}
	for f.Next() {
		sr, ok := readShareRow(a, f, seen)
		if !ok {
			continue
		}
		if bySource[sr.link.FromID] == nil {
			order = append(order, sr.link.FromID)
		}
		bySource[sr.link.FromID] = append(bySource[sr.link.FromID], sr)
	}
	if err := s.c.Err(); err != nil {
		return nil, err
	}
	ch := &Change{}
	for _, id := range order {
		ch.ShareUpdate = append(ch.ShareUpdate, s.shareUpdates(a, bySource[id], setBy)...)
	}
	if err := s.c.Err(); err != nil {
		return nil, err
	}
	return ch, nil
}

// shareRow is one line of a shares file: the existing link it re-shares.
type shareRow struct {
	row   int
	link  Link
	share *big.Rat
}

func readShareRow(a *Atlas, f *importer.CSV, seen map[[2]int64]int) (shareRow, bool) {
	sr := shareRow{row: f.Row()}
	from, okFrom := f.Required("from_code")
	date, okDate := f.Date("from_date", false)
	to, okTo := f.Required("to_code")
	share, okShare := readShare(f, "share", false)
	if !okFrom || !okDate || !okTo || !okShare {
		return sr, false
	}
	u, err := a.Find(from, date)
	if err != nil {
		vi, en := fault.Messages(err)
		f.Bad("from_code", vi, en)
		return sr, false
	}
	link, ok := successorLink(a, f, u, to)
	if !ok {
		return sr, false
	}
	key := [2]int64{link.FromID, link.ToID}
	if first, dup := seen[key]; dup {
		f.Bad("to_code", fmt.Sprintf("lặp lại dòng %d", first), fmt.Sprintf("repeats row %d", first))
		return sr, false
	}
	seen[key] = sr.row
	sr.link, sr.share = link, share
	return sr, true
}

// successorLink is the lineage link from u to its successor with code to.
func successorLink(a *Atlas, f *importer.CSV, u *Unit, to string) (Link, bool) {
	var found []Link
	var codes []string
	for _, l := range a.Successors(u.ID) {
		code := a.Unit(l.ToID).Code
		codes = append(codes, code)
		if code == to {
			found = append(found, l)
		}
	}
	switch {
	case len(codes) == 0:
		f.Bad("from_code", fmt.Sprintf("đơn vị %s không có đơn vị kế thừa", u.Code), fmt.Sprintf("unit %s has no successor", u.Code))
	case len(found) == 0:
		list := strings.Join(codes, ", ")
		f.Bad("to_code", fmt.Sprintf("%s không phải đơn vị kế thừa của %s (có: %s)", to, u.Code, list),
			fmt.Sprintf("%s is not a successor of %s (successors: %s)", to, u.Code, list))
	case len(found) > 1:
		f.Bad("to_code", fmt.Sprintf("mã %s chỉ nhiều đơn vị kế thừa", to), fmt.Sprintf("code %s names several successors", to))
	default:
		return found[0], true
	}
	return Link{}, false
}

// shareUpdates checks the rows of one source and re-shares all its links.
func (s *sheet) shareUpdates(a *Atlas, rows []shareRow, setBy string) []Link {
	first := rows[0].row
	src := a.Unit(rows[0].link.FromID)
	given := map[int64]bool{}
	shares := make([]*big.Rat, len(rows))
	for i, r := range rows {
		given[r.link.ToID] = true
		shares[i] = r.share
	}
	for _, l := range a.Successors(src.ID) {
		if !given[l.ToID] {
			code := a.Unit(l.ToID).Code
			s.add(first, "to_code", fmt.Sprintf("thiếu tỷ lệ cho đơn vị kế thừa %s của %s", code, src.Code),
				fmt.Sprintf("no share given for %s, a successor of %s", code, src.Code))
			return nil
		}
	}
	ppm, ok := s.wholeShares(first, src.Code, shares)
	if !ok {
		return nil
	}
	out := make([]Link, len(rows))
	same := true
	for i, r := range rows {
		out[i] = r.link
		out[i].SharePPM, out[i].ShareSetBy = ppm[i], setBy
		same = same && r.link.SharePPM == ppm[i] && r.link.ShareSetBy != ""
	}
	if same {
		return nil // already set to these values
	}
	return out
}

// wholeShares checks that shares sum to exactly 1 and converts them to parts per
// million summing to exactly WholeShare.
func (s *sheet) wholeShares(row int, code string, shares []*big.Rat) ([]int64, bool) {
	sum := new(big.Rat)
	for _, sh := range shares {
		sum.Add(sum, sh)
	}
	if sum.Cmp(big.NewRat(1, 1)) != 0 {
		s.add(row, "share", fmt.Sprintf("tổng tỷ lệ của %s là %s, phải đúng bằng 1", code, ratText(sum)),
			fmt.Sprintf("the shares of %s sum to %s, they must sum to exactly 1", code, ratText(sum)))
		return nil, false
	}
	ppm := sharesToPPM(shares)
	for _, p := range ppm {
		if p == 0 {
			s.add(row, "share", fmt.Sprintf("tỷ lệ của %s nhỏ hơn một phần triệu", code),
				fmt.Sprintf("a share of %s is below one part per million", code))
			return nil, false
		}
	}
	return ppm, true
}

func ratText(r *big.Rat) string {
	return strings.TrimRight(strings.TrimRight(r.FloatString(6), "0"), ".")
}

// shareSyntax is a decimal fraction (0.25) or a percent (25%); the digits are bounded
// so that an exact rational stays small.
var shareSyntax = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{1,12})?%?$`)

// parseShare reads a share in (0, 1] exactly: 0.25, 1, 25% or 33.5%.
func parseShare(v string) (*big.Rat, bool) {
	if !shareSyntax.MatchString(v) {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(strings.TrimSuffix(v, "%"))
	if !ok {
		return nil, false
	}
	if strings.HasSuffix(v, "%") {
		r.Quo(r, big.NewRat(100, 1))
	}
	return r, r.Sign() > 0 && r.Cmp(big.NewRat(1, 1)) <= 0
}

// readShare reads the share column; nil for an empty cell when empty is allowed.
func readShare(f *importer.CSV, col string, emptyOK bool) (*big.Rat, bool) {
	v := f.Get(col)
	if v == "" && emptyOK {
		return nil, true
	}
	if v == "" {
		f.Bad(col, "thiếu tỷ lệ", "share is missing")
		return nil, false
	}
	r, ok := parseShare(v)
	if !ok {
		f.Bad(col, fmt.Sprintf("tỷ lệ %q không hợp lệ, cần số trong (0, 1] như 0.25 hoặc phần trăm như 25%%", v),
			fmt.Sprintf("invalid share %q, want a number in (0, 1] such as 0.25 or a percent such as 25%%", v))
	}
	return r, ok
}

// sharesToPPM converts exact shares summing to 1 into parts per million summing to
// exactly WholeShare, by largest remainder with ties to the earlier share — so equal
// thirds become 333,334 + 333,333 + 333,333, as Reference apportions them.
func sharesToPPM(shares []*big.Rat) []int64 {
	out := make([]int64, len(shares))
	rem := make([]*big.Rat, len(shares))
	idx := make([]int, len(shares))
	var given int64
	for i, s := range shares {
		exact := new(big.Rat).Mul(s, big.NewRat(WholeShare, 1))
		floor := new(big.Int).Quo(exact.Num(), exact.Denom())
		out[i], idx[i] = floor.Int64(), i
		given += out[i]
		rem[i] = exact.Sub(exact, new(big.Rat).SetInt(floor))
	}
	sort.SliceStable(idx, func(i, j int) bool { return rem[idx[i]].Cmp(rem[idx[j]]) > 0 })
	for k := 0; k < int(WholeShare-given) && k < len(idx); k++ {
		out[idx[k]]++
	}
	return out
}

// sheet is a CSV file read whole, so that problems found only after the last row (the
// shares of a source, the units of an event) can still name their row and column.
type sheet struct {
	c    *importer.Collector
	cols map[string]int // header name → 1-based column, 0 when absent
}

// openSheet opens a CSV file with importer.OpenCSV and remembers its columns.
func openSheet(file string, r io.Reader, required ...string) (*sheet, *importer.CSV, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, fmt.Errorf("đọc tệp %s / read file %s: %w", file, file, err)
	}
	s := &sheet{c: &importer.Collector{File: file}, cols: headerColumns(data)}
	f, ok := importer.OpenCSV(s.c, bytes.NewReader(data), required...)
	if !ok {
		return nil, nil, s.c.Err()
	}
	return s, f, nil
}

// headerColumns reads the header row as importer.OpenCSV does (BOM skipped, names
// trimmed and lower-cased).
func headerColumns(data []byte) map[string]int {
	cols := map[string]int{}
	head, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}))).Read()
	if err != nil {
		return cols
	}
	for i, h := range head {
		cols[strings.ToLower(strings.TrimSpace(h))] = i + 1
	}
	return cols
}

// add records a problem at a row and a named column.
func (s *sheet) add(row int, col, vi, en string) { s.c.Add(row, s.cols[col], col, vi, en) }

// addErr records a fault's bilingual messages at a row and column.
func (s *sheet) addErr(row int, col string, err error) {
	vi, en := fault.Messages(err)
	s.add(row, col, vi, en)
}

// dayBefore is the last day of what a change on d ends.
func dayBefore(d civil.Date) civil.Date { return d.AddDays(-1) }
