package targets

import (
	"math/big"
	"slices"
	"strconv"

	"github.com/phusong/phusong/internal/fault"
)

// Method is how a parent's target is split over its children (PRODUCT.md M5).
type Method string

const (
	// Proportional gives each child a share of the parent's target in persons in
	// proportion to its denominator. For a percent that is the parent's rate for
	// every child; for a count, the count apportioned by denominators with the
	// largest-remainder method so that the children add up exactly to the parent.
	Proportional Method = "proportional"
	// EqualRate gives every child the parent's percent (percent indicators only).
	EqualRate Method = "equal_rate"
	// Manual takes every child's value as given.
	Manual Method = "manual"
)

// ParseMethod reads proportional, equal_rate or manual.
func ParseMethod(s string) (Method, error) {
	switch m := Method(s); m {
	case Proportional, EqualRate, Manual:
		return m, nil
	}
	return "", fault.Newf(fault.Invalid, "cách phân bổ không hợp lệ %q, cần proportional|equal_rate|manual",
		"invalid split method %q, want proportional|equal_rate|manual", s)
}

// Share is one child unit in a split.
type Share struct {
	UnitCode    string  `json:"unit_code"`
	UnitID      int64   `json:"unit_id,omitempty"`
	Denominator int64   `json:"denominator"` // the child's population or labour force
	Value       Decimal `json:"value"`       // Manual: required; otherwise, when set, overrides the method
}

// SplitRequest asks for a parent's target to be split over its children.
type SplitRequest struct {
	Parent            Target
	ParentDenominator int64 // 0 means the sum of the children's denominators
	Method            Method
	Children          []Share
	Document          string // the decision assigning the children's targets, if any
}

// Consistency compares the children's targets with the parent's, in persons.
type Consistency struct {
	ParentPersons   int64  `json:"parent_persons"`
	ChildrenPersons int64  `json:"children_persons"`
	Difference      int64  `json:"difference"` // children − parent: < 0 shortfall, > 0 excess
	OK              bool   `json:"ok"`
	VI              string `json:"message_vi"`
	EN              string `json:"message_en"`
}

// SplitResult is the children's targets and their consistency check.
type SplitResult struct {
	Children []Target    `json:"children"`
	Check    Consistency `json:"check"`
}

// Split computes the children's targets. They carry the parent's indicator and
// deadline and a document naming the parent's. A result that fails the
// consistency check is still returned: the committee sees the shortfall and decides.
func Split(req SplitRequest) (SplitResult, error) {
	if err := checkSplit(req); err != nil {
		return SplitResult{}, err
	}
	values, err := childValues(req)
	if err != nil {
		return SplitResult{}, err
	}
	shares := slices.Clone(req.Children)
	res := SplitResult{Children: make([]Target, len(shares))}
	for i := range shares {
		shares[i].Value = values[i]
		res.Children[i] = Target{UnitCode: shares[i].UnitCode, UnitID: shares[i].UnitID, Indicator: req.Parent.Indicator,
			Deadline: req.Parent.Deadline, Value: values[i], Document: childDocument(req)}
	}
	res.Check, err = CheckConsistency(req.Parent, req.ParentDenominator, shares)
	return res, err
}

func checkSplit(req SplitRequest) error {
	if err := req.Parent.Check(); err != nil {
		return err
	}
	if _, err := ParseMethod(string(req.Method)); err != nil {
		return err
	}
	if req.Method == EqualRate && !req.Parent.Indicator.IsPercent() {
		return fault.New(fault.Invalid, "equal_rate chỉ dùng cho chỉ tiêu tỷ lệ; với số người hãy dùng proportional hoặc manual",
			"equal_rate is for percent indicators; for a count use proportional or manual")
	}
	return checkShares(req.Parent, req.ParentDenominator, req.Children, req.Method == Manual)
}

// checkShares: at least one child, each once, denominators ≥ 0, values valid.
func checkShares(parent Target, parentDen int64, children []Share, valuesRequired bool) error {
	if len(children) == 0 {
		return fault.New(fault.Invalid, "không có đơn vị con để phân bổ", "no child units to split over")
	}
	if parentDen < 0 {
		return fault.New(fault.Invalid, "mẫu số của đơn vị cha âm", "the parent's denominator is negative")
	}
	seen := map[string]bool{}
	for _, c := range children {
		if seen[c.UnitCode] {
			return fault.Newf(fault.Invalid, "đơn vị con %s lặp lại", "child unit %s repeated", c.UnitCode)
		}
		seen[c.UnitCode] = true
		if c.Denominator < 0 {
			return fault.Newf(fault.Invalid, "mẫu số của %s âm", "negative denominator for %s", c.UnitCode)
		}
		if c.Value == "" && valuesRequired {
			return fault.Newf(fault.Invalid, "thiếu chỉ tiêu của %s", "no target value for %s", c.UnitCode)
		}
		if p := checkValue(parent.Indicator, c.Value); c.Value != "" && p != nil {
			return fault.New(fault.Invalid, c.UnitCode+": "+p.vi, c.UnitCode+": "+p.en)
		}
	}
	return nil
}

// childValues applies the method to the children without a value of their own.
func childValues(req SplitRequest) ([]Decimal, error) {
	values := make([]Decimal, len(req.Children))
	for i, c := range req.Children {
		values[i] = c.Value
		if c.Value == "" && req.Parent.Indicator.IsPercent() {
			values[i] = req.Parent.Value // proportional and equal_rate alike
		}
	}
	if req.Parent.Indicator.IsPercent() || req.Method == Manual {
		return values, nil
	}
	return apportionCount(req, values)
}

// apportionCount shares what the set values leave of the parent's count over the
// other children by denominator, largest remainder first.
func apportionCount(req SplitRequest, values []Decimal) ([]Decimal, error) {
	pv, _ := req.Parent.Value.Rat()
	left := pv.Num().Int64()
	var open []int
	var dens []int64
	for i, v := range values {
		if v == "" {
			open, dens = append(open, i), append(dens, req.Children[i].Denominator)
			continue
		}
		r, _ := v.Rat()
		left -= r.Num().Int64()
	}
	if len(open) == 0 {
		return values, nil
	}
	parts, ok := LargestRemainder(max(left, 0), dens)
	if !ok {
		return nil, fault.New(fault.Invalid, "các đơn vị con chưa có mẫu số để chia theo tỷ lệ",
			"the child units have no denominators to share the count by")
	}
	for j, i := range open {
		values[i] = IntDecimal(parts[j])
	}
	return values, nil
}

// LargestRemainder apportions total over weights (Hamilton's method): each part
// gets the whole number of its exact quota total × w ÷ Σw, and the persons left go
// one each to the largest remainders, ties to the earlier weight. The parts add up
// to total. ok is false when the weights sum to zero or one is negative.
func LargestRemainder(total int64, weights []int64) ([]int64, bool) {
	sum := new(big.Int)
	for _, w := range weights {
		if w < 0 {
			return nil, false
		}
		sum.Add(sum, big.NewInt(w))
	}
	if sum.Sign() == 0 {
		return nil, false
	}
	parts := make([]int64, len(weights))
	rems := make([]*big.Int, len(weights))
	given := int64(0)
	for i, w := range weights {
		q, r := new(big.Int).QuoRem(new(big.Int).Mul(big.NewInt(total), big.NewInt(w)), sum, new(big.Int))
		parts[i], rems[i] = q.Int64(), r
		given += parts[i]
	}
	order := make([]int, len(weights))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return rems[b].Cmp(rems[a]) })
	for _, i := range order[:total-given] {
		parts[i]++
	}
	return parts, true
}

func childDocument(req SplitRequest) string {
	from := "phân bổ từ chỉ tiêu của " + req.Parent.UnitCode + " theo " + req.Parent.Document
	if req.Document != "" {
		return req.Document + " (" + from + ")"
	}
	return "P" + from[1:]
}

// CheckConsistency converts the children's values to persons (PersonsFor of each
// child's denominator for a percent, the count itself otherwise) and compares their
// sum with the parent's target in persons, on parentDen (0: the sum of the
// children's). A percent target is consistent when the children need at least as
// many persons as the parent; a count when they add up to it exactly.
func CheckConsistency(parent Target, parentDen int64, children []Share) (Consistency, error) {
	if err := parent.Check(); err != nil {
		return Consistency{}, err
	}
	if err := checkShares(parent, parentDen, children, true); err != nil {
		return Consistency{}, err
	}
	var c Consistency
	sumDen := int64(0)
	for _, ch := range children {
		c.ChildrenPersons += targetPersons(parent.Indicator, ch.Value, ch.Denominator)
		sumDen += ch.Denominator
	}
	if parentDen == 0 {
		parentDen = sumDen
	}
	c.ParentPersons = targetPersons(parent.Indicator, parent.Value, parentDen)
	c.Difference = c.ChildrenPersons - c.ParentPersons
	c.OK = c.Difference == 0 || (c.Difference > 0 && parent.Indicator.IsPercent())
	c.VI, c.EN = consistencyText(parent.UnitCode, c)
	return c, nil
}

func targetPersons(ind Indicator, v Decimal, den int64) int64 {
	r, _ := v.Rat()
	if ind.IsPercent() {
		return PersonsFor(r, den)
	}
	return r.Num().Int64()
}

func consistencyText(parent string, c Consistency) (vi, en string) {
	sums := " (" + groupVI(c.ChildrenPersons) + " so với " + groupVI(c.ParentPersons) + " người)"
	sumsEN := " (" + groupEN(c.ChildrenPersons) + " against " + groupEN(c.ParentPersons) + " persons)"
	d := c.Difference
	switch {
	case d < 0:
		return "chỉ tiêu các đơn vị con thiếu " + groupVI(-d) + " người so với chỉ tiêu của " + parent + sums,
			"the children's targets fall " + groupEN(-d) + " persons short of " + parent + "'s target" + sumsEN
	case d > 0:
		return "chỉ tiêu các đơn vị con vượt " + groupVI(d) + " người so với chỉ tiêu của " + parent + sums,
			"the children's targets exceed " + parent + "'s target by " + groupEN(d) + " persons" + sumsEN
	}
	return "chỉ tiêu các đơn vị con khớp chỉ tiêu của " + parent + sums,
		"the children's targets match " + parent + "'s target" + sumsEN
}

// groupVI and groupEN write 16766 as 16.766 and 16,766.
func groupVI(n int64) string { return group(n, '.') }
func groupEN(n int64) string { return group(n, ',') }

func group(n int64, sep byte) string {
	s := strconv.FormatInt(n, 10)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, sep)
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}
