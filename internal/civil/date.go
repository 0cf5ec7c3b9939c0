// Package civil holds calendar dates without a time zone. The law speaks of days
// ("30 ngày", "ngày cuối cùng của tháng tiếp theo"), so every rule in Phủ Sóng works
// on civil dates, never on instants.
package civil

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"time"
)

// Date is a day in the proleptic Gregorian calendar, stored as the number of days
// since 1970-01-01. The zero value is 1970-01-01; use Max for "open-ended".
type Date int32

// Max stands for an open end (9999-12-31): a valid_to that is empty in a file or
// NULL in the database.
var Max = MustParse("9999-12-31")

// Min is the earliest date the product knows; reference units whose real start is
// not recorded begin here.
var Min = MustParse("1900-01-01")

const layout = "2006-01-02"

// Of builds a date from year, month and day; out-of-range parts normalise as time.Date does.
func Of(y int, m time.Month, d int) Date {
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Today is the current date in Vietnam (UTC+7), where every deadline is counted.
func Today() Date {
	t := time.Now().In(vnZone)
	return Of(t.Year(), t.Month(), t.Day())
}

var vnZone = time.FixedZone("ICT", 7*3600)

// Parse reads an ISO date YYYY-MM-DD. The common form is read without the time
// package (imports and the coverage index read millions of dates).
func Parse(s string) (Date, error) {
	if d, ok := parseFast(s); ok {
		return d, nil
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return 0, fmt.Errorf("ngày không hợp lệ %q, cần dạng YYYY-MM-DD / invalid date %q, want YYYY-MM-DD", s, s)
	}
	return Of(t.Year(), t.Month(), t.Day()), nil
}

// MustParse is Parse for constants; it panics on a bad literal.
func MustParse(s string) Date {
	d, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Time is the date at 00:00 UTC.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// String is the ISO form YYYY-MM-DD.
func (d Date) String() string {
	y, m, day := d.YMD()
	if y < 0 || y > 9999 {
		return d.Time().Format(layout)
	}
	b := []byte("0000-00-00")
	put := func(at, v, width int) {
		for i := at + width - 1; i >= at; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
	}
	put(0, y, 4)
	put(5, m, 2)
	put(8, day, 2)
	return string(b)
}

// parseFast reads YYYY-MM-DD made of digits, checking the day exists.
func parseFast(s string) (Date, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	num := func(from, to int) (int, bool) {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	m, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > DaysIn(y, m) {
		return 0, false
	}
	return FromYMD(y, m, d), true
}

// DaysIn is the number of days of month m (1–12) of year y.
func DaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// FromYMD and YMD convert between a proleptic Gregorian date and days since
// 1970-01-01 with integer arithmetic over 400-year eras (no time.Time: imports and the
// generator convert millions of dates). FromYMD does not check that the day exists.
func FromYMD(y, m, d int) Date {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return Date(era*146097 + doe - 719468)
}

// YMD is the date's year, month (1–12) and day.
func (d Date) YMD() (y, m, day int) {
	z := int(d) + 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, day
}

// VN is the Vietnamese display form dd/mm/yyyy.
func (d Date) VN() string { return d.Time().Format("02/01/2006") }

// Year, Month and Day of the date.
func (d Date) Year() int          { return d.Time().Year() }
func (d Date) Month() time.Month  { return d.Time().Month() }
func (d Date) Day() int           { return d.Time().Day() }
func (d Date) AddDays(n int) Date { return d + Date(n) }

// AddMonths moves by whole months, clamping to the last day of the target month
// (31 Jan + 1 month = 28/29 Feb).
func (d Date) AddMonths(n int) Date {
	t := d.Time()
	first := time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	day := t.Day()
	if day > last {
		day = last
	}
	return Of(first.Year(), first.Month(), day)
}

// MonthStart and MonthEnd are the first and last day of d's month.
func (d Date) MonthStart() Date { return Of(d.Year(), d.Month(), 1) }
func (d Date) MonthEnd() Date   { return Of(d.Year(), d.Month()+1, 0) }

// DaysUntil is the number of days from d to e (e − d).
func (d Date) DaysUntil(e Date) int { return int(e - d) }

// IsOpen reports whether d stands for an open end.
func (d Date) IsOpen() bool { return d >= Max }

// Within reports whether d lies in the closed interval [from, to].
func (d Date) Within(from, to Date) bool { return d >= from && d <= to }

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(d.String())), nil }

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	s, err := strconv.Unquote(string(b))
	if err != nil {
		return err
	}
	v, err := Parse(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores the date as text YYYY-MM-DD, which SQLite keeps as TEXT (sorting in
// date order) and PostgreSQL converts to DATE.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a date from TEXT (SQLite) or DATE (PostgreSQL).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*d = Of(v.Year(), v.Month(), v.Day())
		return nil
	case string:
		return d.scanText(v)
	case []byte:
		return d.scanText(string(v))
	}
	return fmt.Errorf("civil.Date: cannot scan %T", src)
}

func (d *Date) scanText(s string) error {
	if len(s) > 10 {
		s = s[:10]
	}
	v, err := Parse(s)
	*d = v
	return err
}

// NullDate is a date that may be NULL; NULL reads as Max, the open end.
type NullDate struct{ Date }

// Scan maps NULL to Max.
func (n *NullDate) Scan(src any) error {
	if src == nil {
		n.Date = Max
		return nil
	}
	return n.Date.Scan(src)
}

// Open converts Max back to NULL for storage.
func Open(d Date) any {
	if d.IsOpen() {
		return nil
	}
	return d.String()
}
