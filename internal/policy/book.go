package policy

import (
	"math/big"
	"slices"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/importer"
)

// Book is a validated set of rules and top-ups that answers "value in force on date D".
// It is read-only after NewBook and safe for concurrent use.
type Book struct {
	rows   map[string][]row // by parameter + "|" + key, sorted by valid_from
	topUps []topUpRow
}

type row struct {
	from, to civil.Date
	value    *big.Rat // never modified after NewBook
	source   string
}

type topUpRow struct {
	TopUp
	percent *big.Rat
}

// NewBook validates rules and top-ups: known parameters and keys, values in range,
// no two rows of one parameter and key in force on the same day, top-ups of known
// schemes and groups with 0 < percent ≤ 100 and no two reaching the same participant
// on the same day. Problems are importer.Problems numbered as rows of the CSV export
// (header = row 1), file "rules" or "topups".
func NewBook(rules []Rule, topUps []TopUp) (*Book, error) {
	b := &Book{rows: map[string][]row{}}
	rc := &importer.Collector{File: "rules"}
	b.addRules(rc, rules)
	tc := &importer.Collector{File: "topups"}
	b.addTopUps(tc, topUps)
	var all importer.Problems
	for _, c := range []*importer.Collector{rc, tc} {
		if ps, ok := c.Err().(importer.Problems); ok {
			all = append(all, ps...)
		}
	}
	if len(all) > 0 {
		return nil, all
	}
	for _, rs := range b.rows {
		slices.SortFunc(rs, func(x, y row) int { return int(x.from) - int(y.from) })
	}
	return b, nil
}

func (b *Book) addRules(c *importer.Collector, rules []Rule) {
	for i, r := range rules {
		if ps := checkRule(r); len(ps) > 0 {
			addProblems(c, i+2, RuleColumns, ps)
			continue
		}
		if j := overlappingRule(rules[:i], r); j >= 0 {
			vi, en := overlapText(j+2, r)
			c.Add(i+2, 4, "valid_from", vi, en)
			continue
		}
		v, _ := r.Value.Rat()
		k := r.Parameter + "|" + r.Key
		b.rows[k] = append(b.rows[k], row{r.ValidFrom, r.ValidTo, v, r.Source})
	}
}

func (b *Book) addTopUps(c *importer.Collector, list []TopUp) {
	for i, t := range list {
		if ps := checkTopUp(t); len(ps) > 0 {
			addProblems(c, i+2, append(slices.Clone(TopUpColumns), "communes"), ps)
			continue
		}
		if j := overlappingTopUp(list[:i], t); j >= 0 {
			c.Add(i+2, 5, "valid_from", "trùng phạm vi và thời gian với dòng "+itoa(j+2), "same scope and period as row "+itoa(j+2))
			continue
		}
		p, _ := t.Percent.Rat()
		b.topUps = append(b.topUps, topUpRow{t, p})
	}
}

func addProblems(c *importer.Collector, rowNo int, cols []string, ps []problem) {
	for _, p := range ps {
		c.Add(rowNo, slices.Index(cols, p.col)+1, p.col, p.vi, p.en)
	}
}

// Value is the exact value of a parameter (and key) in force on d. A date before the
// first row, or in a gap between rows, is an error, never a zero.
func (b *Book) Value(param, key string, d civil.Date) (*big.Rat, error) {
	r, err := b.find(param, key, d)
	if err != nil {
		return nil, err
	}
	return new(big.Rat).Set(r.value), nil
}

// Source is the legal source of the row in force on d.
func (b *Book) Source(param, key string, d civil.Date) (string, error) {
	r, err := b.find(param, key, d)
	if err != nil {
		return "", err
	}
	return r.source, nil
}

func (b *Book) find(param, key string, d civil.Date) (row, error) {
	rs := b.rows[param+"|"+key]
	for _, r := range rs {
		if d.Within(r.from, r.to) {
			return r, nil
		}
	}
	name := param
	if key != "" {
		name += " [" + key + "]"
	}
	if len(rs) > 0 && d < rs[0].from {
		return row{}, errf("chưa có quy định %s vào ngày %s (dòng đầu tiên từ %s)",
			"no %s rule in force on %s (the first row starts %s)", name, d, rs[0].from)
	}
	return row{}, errf("không có quy định %s có hiệu lực vào ngày %s", "no %s rule in force on %s", name, d)
}

// value is Value for the calculators; the result is shared and must not be modified.
func (b *Book) value(param, key string, d civil.Date) (*big.Rat, error) {
	r, err := b.find(param, key, d)
	return r.value, err
}

// TopUpFor is the province's top-up reaching a participant of scheme and group in
// commune on d, or nil. Province "" never has one.
func (b *Book) TopUpFor(province, commune, scheme, group string, d civil.Date) *TopUp {
	if t := b.topUp(province, commune, scheme, group, d); t != nil {
		return &t.TopUp
	}
	return nil
}

func (b *Book) topUp(province, commune, scheme, group string, d civil.Date) *topUpRow {
	for i := range b.topUps {
		if b.topUps[i].covers(province, commune, scheme, group, d) {
			return &b.topUps[i]
		}
	}
	return nil
}

// localPct is the top-up percent reaching the participant (0 if none) and its
// resolution number.
func (b *Book) localPct(province, commune, scheme, group string, d civil.Date) (*big.Rat, string) {
	if t := b.topUp(province, commune, scheme, group, d); t != nil {
		return t.percent, t.Resolution
	}
	return new(big.Rat), ""
}

// Default is the Book of DefaultRules without top-ups.
func Default() *Book {
	b, err := NewBook(DefaultRules(), nil)
	if err != nil {
		panic("policy: default rules: " + err.Error())
	}
	return b
}
