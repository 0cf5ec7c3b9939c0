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
	"app.tagline":              {"Phủ sóng BHXH, BHYT toàn dân", "Social and health insurance for everyone"},
	"nav.units":                {"Đơn vị hành chính", "Administrative units"},
	"nav.outreach":             {"Danh sách vận động", "Outreach lists"},
	"nav.login":                {"Đăng nhập", "Log in"},
	"nav.logout":               {"Đăng xuất", "Log out"},
	"nav.lang":                 {"English", "Tiếng Việt"},
	"login.title":              {"Đăng nhập", "Log in"},
	"login.username":           {"Tên đăng nhập", "Username"},
	"login.password":           {"Mật khẩu", "Password"},
	"login.submit":             {"Đăng nhập", "Log in"},
	"units.title":              {"Đơn vị hành chính", "Administrative units"},
	"units.on":                 {"Địa giới ngày", "Boundaries on"},
	"units.show":               {"Xem", "Show"},
	"units.code":               {"Mã", "Code"},
	"units.name":               {"Tên", "Name"},
	"units.level":              {"Cấp", "Level"},
	"units.type":               {"Loại", "Type"},
	"units.valid":              {"Hiệu lực", "In force"},
	"units.children":           {"Đơn vị trực thuộc", "Units below"},
	"units.none":               {"Không có đơn vị nào.", "No units."},
	"units.count":              {"Số đơn vị", "Units"},
	"unit.predecessors":        {"Tiền thân (trước sắp xếp)", "Predecessors (before reorganisation)"},
	"unit.successors":          {"Kế thừa (sau sắp xếp)", "Successors (after reorganisation)"},
	"unit.share":               {"Tỷ lệ", "Share"},
	"unit.kind":                {"Hình thức", "Change"},
	"unit.date":                {"Từ ngày", "From"},
	"unit.default":             {"chia đều (mặc định)", "equal parts (default)"},
	"unit.codehistory":         {"Các đơn vị từng dùng mã này", "Units that used this code"},
	"unit.otherdate":           {"Cùng địa bàn vào ngày khác", "The same place on another date"},
	"unit.go":                  {"Đi", "Go"},
	"unit.now":                 {"nay", "now"},
	"unit.notvalid":            {"Đơn vị này không có hiệu lực vào ngày đã chọn. Địa bàn của nó vào ngày đó:", "This unit is not in force on the chosen date. Its area on that date:"},
	"unit.noplace":             {"Không có đơn vị tương ứng vào ngày đó.", "No corresponding unit on that date."},
	"level.province":           {"Tỉnh/thành phố", "Province"},
	"level.district":           {"Quận/huyện", "District"},
	"level.commune":            {"Xã/phường/đặc khu", "Commune"},
	"level.village":            {"Thôn/tổ dân phố", "Village"},
	"nav.calc":                 {"Máy tính mức đóng", "Contribution calculator"},
	"calc.title":               {"Tính mức đóng và hỗ trợ", "Contributions and support"},
	"calc.intro":               {"Theo quy định có hiệu lực vào ngày đã chọn, kể cả hỗ trợ thêm của tỉnh. Số tiền tính bằng đồng.", "By the rules in force on the chosen date, including the province's own support. Amounts in đồng."},
	"calc.voluntary":           {"BHXH tự nguyện", "Voluntary BHXH"},
	"calc.household":           {"BHYT hộ gia đình", "Household BHYT"},
	"calc.student":             {"BHYT học sinh, sinh viên", "Student BHYT"},
	"calc.compulsory":          {"BHXH bắt buộc", "Compulsory BHXH"},
	"calc.late-charge":         {"Tiền chậm đóng", "Late-payment charge"},
	"calc.date":                {"Ngày áp dụng", "Date"},
	"calc.salary":              {"Tiền lương tháng (đồng)", "Monthly salary (đồng)"},
	"calc.region":              {"Vùng lương tối thiểu", "Minimum-wage region"},
	"calc.income":              {"Thu nhập tháng lựa chọn (đồng)", "Chosen monthly income (đồng)"},
	"calc.group":               {"Đối tượng", "Group"},
	"calc.months":              {"Số tháng đóng", "Months paid"},
	"calc.members":             {"Số thành viên tham gia", "Members joining"},
	"calc.amount":              {"Số tiền chậm đóng (đồng)", "Overdue amount (đồng)"},
	"calc.from":                {"Ngày bắt đầu chậm", "First day late"},
	"calc.to":                  {"Ngày nộp", "Payment date"},
	"calc.province":            {"Mã tỉnh", "Province code"},
	"calc.commune":             {"Mã xã", "Commune code"},
	"calc.submit":              {"Tính", "Calculate"},
	"calc.note":                {"Làm tròn đến đồng (quy ước trong docs/policy-conventions.md).", "Rounded to the đồng (conventions in docs/policy-conventions.md)."},
	"calc.col.value":           {"Số tiền", "Amount"},
	"calc.col.employer":        {"Người sử dụng lao động", "Employer"},
	"calc.col.employee":        {"Người lao động", "Employee"},
	"calc.col.monthly":         {"Mỗi tháng", "Per month"},
	"calc.col.amount":          {"Cả kỳ", "For the period"},
	"item.full_contribution":   {"Mức đóng đầy đủ / tháng", "Full contribution / month"},
	"item.state_support":       {"Nhà nước hỗ trợ / tháng", "State support / month"},
	"item.local_support":       {"Địa phương hỗ trợ thêm / tháng", "Local support / month"},
	"item.participant_pays":    {"Người tham gia đóng / tháng", "Participant pays / month"},
	"item.months":              {"Số tháng", "Months"},
	"item.total":               {"Tổng cộng", "Total"},
	"item.sickness_maternity":  {"Ốm đau, thai sản", "Sickness and maternity"},
	"item.occupational":        {"Tai nạn lao động, bệnh nghề nghiệp", "Occupational accident and disease"},
	"item.pension_survivor":    {"Hưu trí, tử tuất", "Pension and survivors"},
	"item.bhyt":                {"BHYT", "Health insurance"},
	"item.bhtn":                {"BHTN", "Unemployment insurance"},
	"item.base_bhxh":           {"Tiền lương đóng BHXH, BHYT (sau mức trần)", "BHXH/BHYT base (after cap)"},
	"item.base_bhtn":           {"Tiền lương đóng BHTN (sau mức trần)", "BHTN base (after cap)"},
	"item.grand_total":         {"Tổng cả hai bên", "Both together"},
	"item.amount":              {"Số tiền chậm đóng", "Overdue amount"},
	"item.days":                {"Số ngày chậm", "Days late"},
	"item.charge":              {"Tiền chậm đóng (0,03%/ngày)", "Charge (0.03%/day)"},
	"item.member":              {"Thành viên thứ", "Member"},
	"group.poor":               {"Hộ nghèo", "Poor household"},
	"group.near_poor":          {"Hộ cận nghèo", "Near-poor household"},
	"group.ethnic_minority":    {"Người dân tộc thiểu số", "Ethnic minority"},
	"group.island":             {"Xã đảo, đặc khu", "Island commune or special zone"},
	"group.other":              {"Đối tượng khác", "Other"},
	"scheme.bhyt":              {"BHYT (% dân số)", "BHYT (% of population)"},
	"scheme.bhxh":              {"BHXH (% lực lượng lao động)", "BHXH (% of labour force)"},
	"scheme.bhtn":              {"BHTN (% lực lượng lao động)", "BHTN (% of labour force)"},
	"den.statistics":           {"số liệu thống kê", "imported statistics"},
	"den.registry":             {"đếm từ CSDL dân cư", "counted from the resident registry"},
	"den.none":                 {"chưa có mẫu số", "no denominator"},
	"dash.target":              {"Chỉ tiêu", "Target"},
	"dash.gap":                 {"Cần thêm (người)", "Persons needed"},
	"dash.projected":           {"dự kiến đạt", "projected"},
	"dash.needed":              {"Cần vận động thêm", "More participants needed"},
	"dash.children":            {"Đơn vị trực thuộc: tỷ lệ bao phủ", "Units below: coverage"},
	"dash.trend":               {"Xu hướng 12 tháng", "12-month trend"},
	"map.title":                {"Bản đồ đơn vị trực thuộc", "Map of the units below"},
	"map.byrate":               {"Theo tỷ lệ BHYT", "By BHYT rate"},
	"map.bygap":                {"Theo số người cần thêm", "By persons needed"},
	"map.nodata":               {"chưa có số liệu", "no data"},
	"map.gap0":                 {"đã đạt", "reached"},
	"map.gaplow":               {"cần thêm ít", "few needed"},
	"map.gaphigh":              {"cần thêm nhiều", "many needed"},
	"dash.lists":               {"Danh sách người cần vận động", "Lists of people to reach"},
	"targets.indicator":        {"Chỉ tiêu", "Indicator"},
	"targets.actual":           {"Thực hiện", "Actual"},
	"targets.plan":             {"% kế hoạch", "% of plan"},
	"targets.deadline":         {"Hạn", "Deadline"},
	"targets.document":         {"Văn bản giao", "Set by"},
	"ind.bhyt_population_pct":  {"BHYT (% dân số)", "BHYT (% of population)"},
	"ind.bhxh_labour_pct":      {"BHXH (% lực lượng lao động)", "BHXH (% of labour force)"},
	"ind.bhtn_labour_pct":      {"BHTN (% lực lượng lao động)", "BHTN (% of labour force)"},
	"ind.voluntary_bhxh_count": {"BHXH tự nguyện (người)", "Voluntary BHXH (persons)"},
	"split.proportional":       {"theo mẫu số", "by denominator"},
	"split.equal_rate":         {"cùng tỷ lệ", "equal rate"},
	"split.go":                 {"Giao cho đơn vị trực thuộc", "Hand down to the units below"},
	"error.title":              {"Có lỗi", "Something went wrong"},
	"error.back":               {"Về trang đơn vị", "Back to units"},
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

// calcItem names a calculator line: "member_3" reads "Thành viên thứ 3".
func calcItem(l Lang, item string) string {
	if n, ok := strings.CutPrefix(item, "member_"); ok {
		return T(l, "item.member") + " " + n
	}
	return T(l, "item."+item)
}
