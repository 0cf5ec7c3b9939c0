// Package outreach is M6: the lists a commune works through to bring people into
// BHYT and BHXH — residents without a card, cards about to expire, voluntary BHXH
// participants who stopped paying, students without a card — their assignment to
// collectors (người thu, cộng tác viên), and the outcome of each contact.
//
// The lists, on a date D, for a commune or one of its villages (a person belongs to
// the commune and village of their registry record, persons.commune_id/village_id):
//
//   - uncovered: residents (in the population register, persons.resident = 1) with
//     no BHYT card valid on D. A card is valid on both its first and last day
//     (PRODUCT.md §5) and belongs to a person by BHXH code, or by national ID when
//     the card carries one.
//   - expiring: persons (residents or in a BHXH list) whose card valid on D ends
//     within N days (D ≤ valid_to ≤ D+N, default N = 30) and who hold no card valid
//     on the day after it ends — no renewal yet. The row carries that card's
//     card_no and valid_to.
//   - lapsed: persons with a voluntary BHXH period (scheme bhxh_voluntary) that
//     ended in the LapseMonths (default 12) before D (D − 12 months ≤ valid_to < D)
//     and no voluntary or compulsory BHXH period covering D: they stopped paying and
//     did not move to an employer. valid_to is the end of their latest such period.
//   - students: residents of school and university age — 6 to 22 years old on D
//     inclusive, from the first grade of primary school (Education Law 2019 Art 28:
//     entry at 6) to the usual end of a 4-year university course — with no BHYT card
//     valid on D. Learners' BHYT is compulsory (Law on Health Insurance Art 12.4.a,
//     group HS).
//
// Outcomes feed back into the lists and their figures. The latest outcome recorded
// for a person on or before D is shown on each row. A person whose latest outcome is
// moved or deceased is left out of every list on that date and later, and counted in
// the list's Excluded figure; they come back only if a later contact records another
// outcome. enrolled keeps the person on the list, flagged AwaitingCard, until the
// card (or period) appears in the registry and the person drops off by the list's own
// definition. refused and unreachable are shown and counted only.
package outreach

import (
	"fmt"
	"sort"
	"strings"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/geo"
)

// Kind is one of the four lists.
type Kind string

const (
	Uncovered Kind = "uncovered"
	Expiring  Kind = "expiring"
	Lapsed    Kind = "lapsed"
	Students  Kind = "students"
)

// Kinds are the lists in the order the CLI and the page show them.
var Kinds = []Kind{Uncovered, Expiring, Lapsed, Students}

// DefaultDays is the expiring list's horizon when none is given.
const DefaultDays = 30

// LapseMonths is how far back the lapsed list looks for a voluntary period that ended.
const LapseMonths = 12

// Student age band, in whole years on the list date, both ends included.
const (
	StudentMinAge = 6
	StudentMaxAge = 22
)

// ParseKind accepts a list name.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fault.Newf(fault.Invalid, "danh sách không có %q; có: uncovered, expiring, lapsed, students",
		"unknown list %q; lists: uncovered, expiring, lapsed, students", s)
}

// Title is the list's Vietnamese name, for the page and the XLSX title row.
func (k Kind) Title() string {
	switch k {
	case Uncovered:
		return "Người dân chưa có thẻ BHYT"
	case Expiring:
		return "Thẻ BHYT sắp hết hạn"
	case Lapsed:
		return "Người dừng đóng BHXH tự nguyện"
	case Students:
		return "Học sinh, sinh viên chưa có thẻ BHYT"
	}
	return string(k)
}

// StudentBirths is the range of birth dates (after, onOrBefore] of persons aged
// StudentMinAge to StudentMaxAge on d.
func StudentBirths(d civil.Date) (after, onOrBefore civil.Date) {
	return d.AddMonths(-12 * (StudentMaxAge + 1)), d.AddMonths(-12 * StudentMinAge)
}

// Outcome is what came of contacting a person.
type Outcome string

const (
	Enrolled    Outcome = "enrolled"    // agreed to join; awaiting the card
	Refused     Outcome = "refused"     // declined
	Moved       Outcome = "moved"       // no longer lives here: off the lists
	Deceased    Outcome = "deceased"    // off the lists
	Unreachable Outcome = "unreachable" // not found at home, no answer
)

// Outcomes are the recordable outcomes.
var Outcomes = []Outcome{Enrolled, Refused, Moved, Deceased, Unreachable}

// ParseOutcome accepts an outcome name.
func ParseOutcome(s string) (Outcome, error) {
	for _, o := range Outcomes {
		if string(o) == s {
			return o, nil
		}
	}
	return "", fault.Newf(fault.Invalid, "kết quả liên hệ không có %q; có: enrolled, refused, moved, deceased, unreachable",
		"unknown outcome %q; outcomes: enrolled, refused, moved, deceased, unreachable", s)
}

// Excludes reports whether the outcome takes a person off the lists.
func (o Outcome) Excludes() bool { return o == Moved || o == Deceased }

// Label is the Vietnamese name of an outcome.
func (o Outcome) Label() string {
	switch o {
	case Enrolled:
		return "Đã đăng ký tham gia"
	case Refused:
		return "Từ chối"
	case Moved:
		return "Đã chuyển đi"
	case Deceased:
		return "Đã mất"
	case Unreachable:
		return "Không liên hệ được"
	}
	return string(o)
}

// Row is one person on a list: the `outreach` JSON object of PRODUCT.md §5.
type Row struct {
	PersonKey   string      `json:"person_key"`
	NationalID  string      `json:"national_id"`
	BHXHCode    string      `json:"bhxh_code"`
	FullName    string      `json:"full_name"`
	BirthDate   civil.Date  `json:"birth_date"`
	Sex         string      `json:"sex"`
	CommuneCode string      `json:"commune_code"`
	VillageCode string      `json:"village_code"`
	HouseholdID string      `json:"household_id"`
	CardNo      string      `json:"card_no,omitempty"`  // expiring: the card that ends
	ValidTo     *civil.Date `json:"valid_to,omitempty"` // expiring: its last day; lapsed: the voluntary period's
	Outcome     Outcome     `json:"outcome"`            // latest on or before the list date; "" when never contacted
	OutcomeDate *civil.Date `json:"outcome_date"`
	OutcomeNote string      `json:"outcome_note"`
	// AwaitingCard: the latest outcome is enrolled and the person is still listed.
	AwaitingCard bool `json:"awaiting_card"`
	// FiledUnder is the unit the person's records name when it is not in force on
	// the list date (a commune code, or COMMUNE/VILLAGE): lineage placed them here.
	FiledUnder string `json:"filed_under,omitempty"`
	// ToConfirm: that unit was split since, so the person lives here or in another
	// of its successors, and is listed in each; their residence is to confirm.
	ToConfirm bool `json:"residence_to_confirm,omitempty"`

	CommuneID int64 `json:"-"`
	VillageID int64 `json:"-"`
}

// Contact is one recorded outcome.
type Contact struct {
	ID           int64      `json:"id"`
	AssignmentID int64      `json:"assignment_id,omitempty"`
	PersonKey    string     `json:"person_key"`
	Outcome      Outcome    `json:"outcome"`
	Note         string     `json:"note"`
	ContactedOn  civil.Date `json:"contacted_on"`
	RecordedBy   int64      `json:"recorded_by,omitempty"`
}

// Assignment hands a list (kind, commune or village, date) to a collector.
type Assignment struct {
	ID          int64      `json:"id"`
	Kind        Kind       `json:"kind"`
	UnitID      int64      `json:"-"`
	VillageID   int64      `json:"-"`
	UnitCode    string     `json:"unit_code"`
	VillageCode string     `json:"village_code,omitempty"`
	Date        civil.Date `json:"date"`
	Days        int        `json:"days,omitempty"`
	CollectorID int64      `json:"-"`
	Collector   string     `json:"collector"`
	AssignedBy  int64      `json:"-"`
}

// List is a list on a date with its figures.
type List struct {
	Kind        Kind       `json:"kind"`
	Title       string     `json:"title"`
	UnitCode    string     `json:"unit_code"`
	UnitName    string     `json:"unit_name"`
	VillageCode string     `json:"village_code,omitempty"`
	VillageName string     `json:"village_name,omitempty"`
	Date        civil.Date `json:"date"`
	Days        int        `json:"days,omitempty"`
	Masked      bool       `json:"masked"`    // identifiers hidden for the caller's role
	OwnQueue    bool       `json:"own_queue"` // a collector's view: only the assigned areas
	Listed      int        `json:"listed"`
	Excluded    int        `json:"excluded"` // left out: latest outcome moved or deceased
	// Outcomes counts the latest outcome of each listed or excluded person.
	Outcomes     map[Outcome]int `json:"outcomes"`
	AwaitingCard int             `json:"awaiting_card"`
	Rows         []Row           `json:"rows"`
}

// ApplyContacts attaches the latest contacts (by person key) to rows, drops the
// persons who moved or died, and fills the figures.
func (l *List) ApplyContacts(rows []Row, latest map[string]Contact) {
	l.Outcomes = map[Outcome]int{}
	l.Rows = rows[:0:0]
	for _, r := range rows {
		c, ok := latest[r.PersonKey]
		if ok {
			l.Outcomes[c.Outcome]++
			if c.Outcome.Excludes() {
				l.Excluded++
				continue
			}
			d := c.ContactedOn
			r.Outcome, r.OutcomeDate, r.OutcomeNote = c.Outcome, &d, c.Note
			r.AwaitingCard = c.Outcome == Enrolled
		}
		if r.AwaitingCard {
			l.AwaitingCard++
		}
		l.Rows = append(l.Rows, r)
	}
	l.Listed = len(l.Rows)
}

// Mask hides the personal identifiers of every row (auth.Mask), for callers without
// auth.PersonalRead on the unit. The person key is a national ID or a BHXH code, so
// it is masked too.
func (l *List) Mask() {
	l.Masked = true
	for i := range l.Rows {
		r := &l.Rows[i]
		r.NationalID, r.BHXHCode = auth.Mask(r.NationalID), auth.Mask(r.BHXHCode)
		r.PersonKey = auth.Mask(r.PersonKey)
	}
}

// Sort orders rows by village, then name in Vietnamese order, then key.
func Sort(rows []Row) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.VillageCode != b.VillageCode {
			return a.VillageCode < b.VillageCode
		}
		if c := geo.CompareVI(a.FullName, b.FullName); c != 0 {
			return c < 0
		}
		return a.PersonKey < b.PersonKey
	})
}

// Heading is the title line of an export: list, unit, village and date.
func (l *List) Heading() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s (%s)", l.Kind.Title(), l.UnitName, l.UnitCode)
	if l.VillageCode != "" {
		fmt.Fprintf(&b, ", %s (%s)", l.VillageName, l.VillageCode)
	}
	fmt.Fprintf(&b, " — ngày %s", l.Date.VN())
	if l.Kind == Expiring {
		fmt.Fprintf(&b, ", hết hạn trong %d ngày", l.Days)
	}
	return b.String()
}
