package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/httpx"
	"github.com/phusong/phusong/internal/outreach"
)

// outreachMessages are the outreach page's labels, Vietnamese and English; OT falls
// back to the shared catalogue for any other key.
var outreachMessages = map[string][2]string{
	"outreach.title":          {"Danh sách vận động", "Outreach lists"},
	"outreach.kind":           {"Danh sách", "List"},
	"outreach.unit":           {"Mã xã/phường", "Commune code"},
	"outreach.village":        {"Mã thôn/tổ (không bắt buộc)", "Village code (optional)"},
	"outreach.date":           {"Ngày", "Date"},
	"outreach.days":           {"Hết hạn trong (ngày)", "Expiring within (days)"},
	"outreach.show":           {"Xem", "Show"},
	"outreach.kind.uncovered": {"Người dân chưa có thẻ BHYT", "Residents without a BHYT card"},
	"outreach.kind.expiring":  {"Thẻ BHYT sắp hết hạn", "BHYT cards about to expire"},
	"outreach.kind.lapsed":    {"Người dừng đóng BHXH tự nguyện", "Voluntary BHXH participants who stopped paying"},
	"outreach.kind.students":  {"Học sinh, sinh viên chưa có thẻ BHYT", "Students without a BHYT card"},
	"outreach.listed":         {"Trong danh sách", "Listed"},
	"outreach.excluded":       {"Đã loại (chuyển đi, đã mất)", "Excluded (moved, deceased)"},
	"outreach.awaiting":       {"Đã đăng ký, chờ thẻ", "Enrolled, awaiting the card"},
	"outreach.masked":         {"Số định danh được che theo vai trò của bạn.", "Identifiers are masked for your role."},
	"outreach.queue":          {"Chỉ hiện địa bàn được giao cho bạn.", "Only the areas assigned to you are shown."},
	"outreach.none":           {"Không có ai trong danh sách.", "Nobody on this list."},
	"outreach.download":       {"Tải về", "Download"},
	"outreach.national_id":    {"Số định danh", "National ID"},
	"outreach.full_name":      {"Họ và tên", "Full name"},
	"outreach.birth_date":     {"Ngày sinh", "Date of birth"},
	"outreach.village_code":   {"Thôn/tổ", "Village"},
	"outreach.household":      {"Mã hộ", "Household"},
	"outreach.filed":          {"hồ sơ ghi", "records name"},
	"outreach.to_confirm":     {"cần xác minh nơi ở (đơn vị cũ đã chia)", "residence to confirm (the old unit was split)"},
	"outreach.card_no":        {"Số thẻ", "Card number"},
	"outreach.valid_to":       {"Hạn thẻ", "Valid to"},
	"outreach.paid_to":        {"Đóng đến", "Paid to"},
	"outreach.outcome":        {"Kết quả liên hệ", "Contact outcome"},
	"outreach.note":           {"Ghi chú", "Note"},
	"outreach.record":         {"Ghi kết quả", "Record"},
	"outreach.contacted_on":   {"Ngày liên hệ", "Contacted on"},
	"outcome.enrolled":        {"Đã đăng ký tham gia", "Enrolled"},
	"outcome.refused":         {"Từ chối", "Refused"},
	"outcome.moved":           {"Đã chuyển đi", "Moved away"},
	"outcome.deceased":        {"Đã mất", "Deceased"},
	"outcome.unreachable":     {"Không liên hệ được", "Unreachable"},
}

// OT translates an outreach label, falling back to T.
func OT(l Lang, key string) string {
	m, ok := outreachMessages[key]
	if !ok {
		return T(l, key)
	}
	if l == EN && m[1] != "" {
		return m[1]
	}
	return m[0]
}

// OutreachPage is /outreach: the choice of list, and the list with its outcomes.
type OutreachPage struct {
	Base
	Kinds     []outreach.Kind
	Outcomes  []outreach.Outcome
	Kind      string
	Unit      string
	Village   string
	Date      civil.Date
	Days      int
	List      *outreach.List // nil until a unit is chosen
	Query     string         // the list's query string, for downloads and the way back
	CanRecord bool
	Today     civil.Date
}

// L is a label of the page in its language.
func (p OutreachPage) L(key string) string { return OT(p.Lang, key) }

// OutcomeLabel names an outcome ("" reads as nothing).
func (p OutreachPage) OutcomeLabel(o outreach.Outcome) string {
	if o == "" {
		return ""
	}
	return OT(p.Lang, "outcome."+string(o))
}

func (w *Web) outreach(rw http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d, err := httpx.Date(r, "date")
	if err != nil {
		return err
	}
	b := w.base(r, OT(langOf(r), "outreach.title"))
	p := OutreachPage{Base: b, Kinds: outreach.Kinds, Outcomes: outreach.Outcomes, Kind: q.Get("kind"), Unit: q.Get("unit"),
		Village: q.Get("village"), Date: d, Today: civil.Today()}
	if p.Kind == "" {
		p.Kind = string(outreach.Uncovered)
	}
	if s := q.Get("days"); s != "" {
		if p.Days, err = strconv.Atoi(s); err != nil {
			return fault.New(fault.Invalid, "days phải là số nguyên", "days must be a whole number")
		}
	}
	sc := httpx.Scope(r)
	if p.Unit == "" {
		p.Unit = w.ownCommune(r, sc, d)
	}
	if p.Unit == "" {
		return w.render(rw, http.StatusOK, "outreach.html", p)
	}
	l, err := w.App.Outreach(r.Context(), sc, p.Kind, p.Unit, d, p.Days, p.Village)
	if err != nil {
		return err
	}
	if f := q.Get("format"); f != "" {
		return w.download(rw, r, l, f)
	}
	p.List, p.Days = l, l.Days
	p.Query = listQuery(l)
	p.CanRecord = !l.Masked && sc.Can(auth.OutreachWork, unitOf(w, r, l))
	return w.render(rw, http.StatusOK, "outreach.html", p)
}

// ownCommune is the caller's first granted commune, the page's default.
func (w *Web) ownCommune(r *http.Request, sc *auth.Scope, d civil.Date) string {
	atlas, err := w.App.Atlas(r.Context())
	if err != nil {
		return ""
	}
	for _, perm := range []auth.Permission{auth.OutreachWork, auth.FiguresRead} {
		for _, id := range sc.Roots(perm) {
			if u := atlas.Unit(id); u != nil && u.Level == geo.Commune && u.ValidOn(d) {
				return u.Code
			}
		}
	}
	return ""
}

// unitOf is the ID of the list's village, or commune.
func unitOf(w *Web, r *http.Request, l *outreach.List) int64 {
	atlas, err := w.App.Atlas(r.Context())
	if err != nil {
		return -1
	}
	c, err := atlas.Find(l.UnitCode, l.Date)
	if err != nil {
		return -1
	}
	if l.VillageCode == "" {
		return c.ID
	}
	v, err := atlas.FindVillage(c.ID, l.VillageCode, l.Date)
	if err != nil {
		return -1
	}
	return v.ID
}

func listQuery(l *outreach.List) string {
	v := url.Values{"kind": {string(l.Kind)}, "unit": {l.UnitCode}, "date": {l.Date.String()}}
	if l.VillageCode != "" {
		v.Set("village", l.VillageCode)
	}
	if l.Days != 0 {
		v.Set("days", strconv.Itoa(l.Days))
	}
	return v.Encode()
}

// download sends the list as CSV or XLSX; the app audits the export.
func (w *Web) download(rw http.ResponseWriter, r *http.Request, l *outreach.List, format string) error {
	var buf bytes.Buffer
	if err := w.App.ExportOutreach(r.Context(), httpx.Scope(r), l, format, &buf); err != nil {
		return err
	}
	name := "outreach-" + string(l.Kind) + "-" + l.UnitCode + "-" + l.Date.String() + "." + format
	ctype := map[string]string{"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8",
		"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
	rw.Header().Set("Content-Type", ctype)
	rw.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	rw.Header().Set("Cache-Control", "no-store")
	_, err := rw.Write(buf.Bytes())
	return err
}

// outreachContact records an outcome from the page's form and goes back to the list.
func (w *Web) outreachContact(rw http.ResponseWriter, r *http.Request) error {
	d := civil.Today()
	if s := r.PostFormValue("date"); s != "" {
		var err error
		if d, err = civil.Parse(s); err != nil {
			return fault.New(fault.Invalid, "date: "+err.Error(), "date: "+err.Error())
		}
	}
	if _, err := w.App.RecordContact(r.Context(), httpx.Scope(r), r.PostFormValue("person_key"), r.PostFormValue("outcome"), r.PostFormValue("note"), d); err != nil {
		return err
	}
	// Back to the same list: only its query string is taken, so the redirect stays here.
	back, _ := url.ParseQuery(r.PostFormValue("back"))
	http.Redirect(rw, r, "/outreach?"+back.Encode(), http.StatusSeeOther)
	return nil
}
