package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/phusong/phusong/internal/civil"
)

// Lang is the UI language: Vietnamese by default, English on request.
type Lang string

const (
	VI Lang = "vi"
	EN Lang = "en"
)

// LangCookie remembers the reader's choice.
const LangCookie = "phusong_lang"

func langOf(r *http.Request) Lang {
	if q := r.URL.Query().Get("lang"); q == "en" || q == "vi" {
		return Lang(q)
	}
	if c, err := r.Cookie(LangCookie); err == nil && c.Value == "en" {
		return EN
	}
	return VI
}

// messages is the catalogue; a key missing in English falls back to Vietnamese, and
// a test checks that every key has both.
var messages = map[string][2]string{
	"app.tagline":       {"Phủ sóng BHXH, BHYT toàn dân", "Social and health insurance for everyone"},
	"nav.units":         {"Đơn vị hành chính", "Administrative units"},
	"nav.login":         {"Đăng nhập", "Log in"},
	"nav.logout":        {"Đăng xuất", "Log out"},
	"nav.lang":          {"English", "Tiếng Việt"},
	"login.title":       {"Đăng nhập", "Log in"},
	"login.username":    {"Tên đăng nhập", "Username"},
	"login.password":    {"Mật khẩu", "Password"},
	"login.submit":      {"Đăng nhập", "Log in"},
	"units.title":       {"Đơn vị hành chính", "Administrative units"},
	"units.on":          {"Địa giới ngày", "Boundaries on"},
	"units.show":        {"Xem", "Show"},
	"units.code":        {"Mã", "Code"},
	"units.name":        {"Tên", "Name"},
	"units.level":       {"Cấp", "Level"},
	"units.type":        {"Loại", "Type"},
	"units.valid":       {"Hiệu lực", "In force"},
	"units.children":    {"Đơn vị trực thuộc", "Units below"},
	"units.none":        {"Không có đơn vị nào.", "No units."},
	"units.count":       {"Số đơn vị", "Units"},
	"unit.predecessors": {"Tiền thân (trước sắp xếp)", "Predecessors (before reorganisation)"},
	"unit.successors":   {"Kế thừa (sau sắp xếp)", "Successors (after reorganisation)"},
	"unit.share":        {"Tỷ lệ", "Share"},
	"unit.kind":         {"Hình thức", "Change"},
	"unit.date":         {"Từ ngày", "From"},
	"unit.default":      {"chia đều (mặc định)", "equal parts (default)"},
	"unit.codehistory":  {"Các đơn vị từng dùng mã này", "Units that used this code"},
	"unit.otherdate":    {"Cùng địa bàn vào ngày khác", "The same place on another date"},
	"unit.go":           {"Đi", "Go"},
	"unit.now":          {"nay", "now"},
	"unit.notvalid":     {"Đơn vị này không có hiệu lực vào ngày đã chọn. Địa bàn của nó vào ngày đó:", "This unit is not in force on the chosen date. Its area on that date:"},
	"unit.noplace":      {"Không có đơn vị tương ứng vào ngày đó.", "No corresponding unit on that date."},
	"level.province":    {"Tỉnh/thành phố", "Province"},
	"level.district":    {"Quận/huyện", "District"},
	"level.commune":     {"Xã/phường/đặc khu", "Commune"},
	"level.village":     {"Thôn/tổ dân phố", "Village"},
	"error.title":       {"Có lỗi", "Something went wrong"},
	"error.back":        {"Về trang đơn vị", "Back to units"},
}

// T translates a message key.
func T(l Lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if l == EN && m[1] != "" {
		return m[1]
	}
	return m[0]
}

// Num formats a whole number the Vietnamese way (1.234.567) or the English way (1,234,567).
func Num(l Lang, n int64) string {
	sep := "."
	if l == EN {
		sep = ","
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// Pct formats a percentage with two decimals: 92,34% (vi) or 92.34% (en).
func Pct(l Lang, p float64) string {
	s := strconv.FormatFloat(p, 'f', 2, 64)
	if l == VI {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + "%"
}

// Day formats a date dd/mm/yyyy; an open end reads "now".
func Day(l Lang, d civil.Date) string {
	if d.IsOpen() {
		return T(l, "unit.now")
	}
	return d.VN()
}

// Share formats a lineage share as a percentage with up to two decimals.
func Share(l Lang, f float64) string {
	return Pct(l, f*100)
}
