package registry

import (
	"strconv"
	"strings"
	"time"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/importer"
)

// formRow is one data row of a BHXH list with its header.
type formRow struct {
	c     *importer.Collector
	h     *formHeader
	row   int
	cells []string
	ok    bool
}

func (r *formRow) has(key string) bool { _, ok := r.h.cols[key]; return ok }

func (r *formRow) get(key string) string {
	j, ok := r.h.cols[key]
	if !ok {
		return ""
	}
	return cell(r.cells, j)
}

// bad records a problem on a field's column, named by its header in the file.
func (r *formRow) bad(key, vi, en string) {
	r.ok = false
	j, has := r.h.cols[key]
	if !has {
		r.c.Add(r.row, 0, "", vi, en)
		return
	}
	r.c.Add(r.row, j+1, r.h.names[j], vi, en)
}

func (r *formRow) badErr(key string, err error) bool {
	if err == nil {
		return true
	}
	vi, en := fault.Messages(err)
	r.bad(key, vi, en)
	return false
}

func (r *formRow) required(key string) (string, bool) {
	v := r.get(key)
	if v == "" {
		r.bad(key, "thiếu giá trị", "value is missing")
		return "", false
	}
	return v, true
}

// parseFormDate reads a date as the forms write it: dd/mm/yyyy (also with - or .),
// ISO yyyy-mm-dd, mm/yyyy (month precision), yyyy alone (year precision), or an
// Excel serial (importer.ExcelDate; date1904 for a workbook counting from 1904).
func parseFormDate(s string, date1904 bool) (civil.Date, Precision, bool) {
	if isDigits(s, 4) {
		y, _ := strconv.Atoi(s)
		if y >= 1900 && y <= 2100 {
			return civil.Of(y, time.January, 1), PrecisionYear, true
		}
	}
	if d, err := civil.Parse(s); err == nil {
		return d, PrecisionDay, true
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if nums, ok := smallNumbers(parts); ok {
		switch {
		case len(parts) == 3 && len(parts[2]) == 4:
			return validDate(nums[2], nums[1], nums[0], PrecisionDay)
		case len(parts) == 2 && len(parts[1]) == 4:
			return validDate(nums[1], nums[0], 1, PrecisionMonth)
		}
	}
	if d, ok := importer.ExcelDate(s, date1904); ok {
		return d, PrecisionDay, true
	}
	return 0, "", false
}

// smallNumbers reads parts of 1 to 4 digits.
func smallNumbers(parts []string) ([]int, bool) {
	nums := make([]int, len(parts))
	for i, p := range parts {
		if len(p) == 0 || len(p) > 4 || !isDigits(p, len(p)) {
			return nil, false
		}
		nums[i], _ = strconv.Atoi(p)
	}
	return nums, true
}

func validDate(y, m, d int, p Precision) (civil.Date, Precision, bool) {
	if y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, "", false
	}
	date := civil.Of(y, time.Month(m), d)
	if date.Day() != d {
		return 0, "", false // 31/02
	}
	return date, p, true
}

// date reads a date field; an empty optional one is PrecisionUnknown.
func (r *formRow) date(key string, required bool) (civil.Date, Precision, bool) {
	v := r.get(key)
	if v == "" {
		if required {
			r.bad(key, "thiếu ngày", "date is missing")
			return 0, "", false
		}
		return 0, PrecisionUnknown, true
	}
	d, p, ok := parseFormDate(v, r.h.date1904)
	if !ok {
		r.bad(key, "ngày không hợp lệ "+strconv.Quote(v)+", cần dd/mm/yyyy", "invalid date "+strconv.Quote(v)+", want dd/mm/yyyy")
	}
	return d, p, ok
}

// month reads a month (mm/yyyy; a whole date counts for its month) as its first day.
func (r *formRow) month(key string, required bool) (civil.Date, bool) {
	d, p, ok := r.date(key, required)
	if !ok || p == PrecisionUnknown {
		return 0, ok && !required
	}
	if p == PrecisionYear {
		r.bad(key, "cần tháng/năm (mm/yyyy), không chỉ năm", "want month/year (mm/yyyy), not a year alone")
		return 0, false
	}
	return d.MonthStart(), true
}

// amount reads money in đồng as forms write it: 5000000, 5.000.000, 5,000,000 or
// 5 000 000. A small number with a decimal part ("2,34") is a salary coefficient
// (hệ số lương) and comes back as coefficient text with a point.
func parseAmount(s string) (amount int64, coefficient string, ok bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' {
			return -1
		}
		return r
	}, s)
	if grouped(s) {
		s = dropSeparators.Replace(s)
	}
	if whole, frac, cut := strings.Cut(strings.Replace(s, ",", ".", 1), "."); cut && isDigits(whole, len(whole)) && isDigits(frac, len(frac)) && whole != "" && frac != "" {
		if strings.Trim(frac, "0") == "" {
			s = whole // 5000000.0 from a spreadsheet
		} else if len(whole) <= 2 {
			return 0, whole + "." + frac, true
		} else {
			return 0, "", false
		}
	}
	if s == "" || len(s) > 15 || !isDigits(s, len(s)) {
		return 0, "", false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, "", err == nil
}

var dropSeparators = strings.NewReplacer(".", "", ",", "")

// grouped reports digits in groups of three separated by one kind of separator.
func grouped(s string) bool {
	for _, sep := range []string{".", ","} {
		parts := strings.Split(s, sep)
		if len(parts) < 2 || len(parts[0]) == 0 || len(parts[0]) > 3 || !isDigits(parts[0], len(parts[0])) {
			continue
		}
		all := true
		for _, p := range parts[1:] {
			all = all && isDigits(p, 3)
		}
		if all {
			return true
		}
	}
	return false
}

func (r *formRow) amount(key string, required bool) (int64, string, bool) {
	v := r.get(key)
	if v == "" {
		if required {
			r.bad(key, "thiếu số tiền", "amount is missing")
		}
		return 0, "", !required
	}
	n, coef, ok := parseAmount(v)
	if !ok {
		r.bad(key, "số tiền không hợp lệ "+strconv.Quote(v), "invalid amount "+strconv.Quote(v))
	}
	return n, coef, ok
}

// months reads a number of months paid ahead (1–120).
func (r *formRow) months(key string) (int, bool) {
	v, ok := r.required(key)
	if !ok {
		return 0, false
	}
	v = strings.TrimSuffix(strings.TrimSuffix(v, ".0"), " tháng")
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 120 {
		r.bad(key, "số tháng phải là số nguyên từ 1 đến 120, có "+strconv.Quote(v), "number of months must be a whole number from 1 to 120, got "+strconv.Quote(v))
		return 0, false
	}
	return n, true
}
