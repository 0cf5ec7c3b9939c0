package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/outreach"
)

// OutreachArea is where a list is drawn: a commune, or one village of it. Persons
// are filed under the commune and village their records named; after a
// reorganisation, those filed under units that lineage carries onto the area are
// drawn too (Communes, Villages), and the caller places each row on its date.
type OutreachArea struct {
	CommuneID int64
	VillageID int64 // 0: the whole commune
	// Communes (for a commune) and Villages are the other filings to draw from.
	Communes, Villages []int64
}

// where is the area's condition on persons p, with its arguments.
func (a OutreachArea) where() (string, []any) {
	if a.VillageID != 0 {
		return inIDs("p.village_id", append([]int64{a.VillageID}, a.Villages...))
	}
	w, args := inIDs("p.commune_id", append([]int64{a.CommuneID}, a.Communes...))
	if len(a.Villages) > 0 {
		v, more := inIDs("p.village_id", a.Villages)
		w, args = "("+w+" OR "+v+")", append(args, more...)
	}
	return w, args
}

// inIDs is col = id, or col IN (ids…).
func inIDs(col string, ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	if len(ids) == 1 {
		return col + " = ?", args
	}
	return col + " IN (" + placeholders(len(ids)) + ")", args
}

// OutreachQuery is a list to compute (see package outreach for the definitions).
type OutreachQuery struct {
	Kind        outreach.Kind
	Area        OutreachArea
	Date        civil.Date
	Days        int // expiring: horizon in days
	LapseMonths int // lapsed: how far back a voluntary period may have ended
}

const outreachPersonCols = "p.person_key, p.national_id, p.bhxh_code, p.full_name, p.birth_date, p.sex, p.commune_id, COALESCE(p.village_id, 0), p.household_id"

// personCards is a CTE of the cards of the area's persons, as (person_key, card_no,
// valid_from, valid_to): those filed under a BHXH code go to the code's owner
// (owners), those naming a national ID to its person.
func (s *Store) personCards(area OutreachArea) (string, []any) {
	w, a := area.where()
	q := s.codeOwners(area) + `,
	pc AS (
		SELECT o.person_key, c.card_no, c.valid_from, c.valid_to FROM owners o JOIN bhyt_cards c ON c.bhxh_code = o.bhxh_code
		WHERE ` + s.inKeys("c.bhxh_code", "SELECT bhxh_code FROM owners") + `
		UNION
		SELECT p.person_key, c.card_no, c.valid_from, c.valid_to FROM persons p JOIN bhyt_cards c ON c.national_id = p.national_id
		WHERE ` + w + ` AND p.national_id <> '' AND ` + s.inKeys("c.national_id", "SELECT p.national_id FROM persons p WHERE "+w+" AND p.national_id <> ''") + `)`
	return q, slices.Concat(a, a, a)
}

// personPeriods is a CTE of the BHXH periods (voluntary and compulsory) of the
// area's persons, by holder: the BHXH code (for its owner), or 'id:' + national ID.
func (s *Store) personPeriods(area OutreachArea) (string, []any) {
	w, a := area.where()
	schemes := "v.scheme IN ('bhxh_voluntary', 'bhxh_compulsory')"
	q := s.codeOwners(area) + `,
	pp AS (
		SELECT o.person_key, v.scheme, v.valid_from, v.valid_to FROM owners o JOIN periods v ON v.holder = o.bhxh_code
		WHERE ` + s.inKeys("v.holder", "SELECT bhxh_code FROM owners") + ` AND ` + schemes + `
		UNION
		SELECT p.person_key, v.scheme, v.valid_from, v.valid_to FROM persons p JOIN periods v ON v.holder = 'id:' || p.national_id
		WHERE ` + w + ` AND p.national_id <> '' AND ` + s.inKeys("v.holder", "SELECT 'id:' || p.national_id FROM persons p WHERE "+w+" AND p.national_id <> ''") + ` AND ` + schemes + `)`
	return q, slices.Concat(a, a, a)
}

// codeOwners is a CTE of the BHXH codes of the area's persons, each with the person
// its cards and periods count for: of the persons under the code (anywhere), the one
// with the smallest key, as the coverage index counts them (app/engine.go).
func (s *Store) codeOwners(area OutreachArea) string {
	w, _ := area.where()
	return `owners AS (
		SELECT o.bhxh_code, MIN(o.person_key) AS person_key FROM persons o
		WHERE ` + s.inKeys("o.bhxh_code", "SELECT p.bhxh_code FROM persons p WHERE "+w+" AND p.bhxh_code <> ''") + `
		GROUP BY o.bhxh_code)`
}

// inKeys is the condition that col is one of the values sub selects. PostgreSQL
// gets them as an array computed first, and looks each province partition's index
// up with it: asked as a join or IN, it hashed the cards of the whole country, and
// one commune's list took 17–24 s at 1M persons (bench/README.md, session 8).
func (s *Store) inKeys(col, sub string) string {
	if s.dialect == Postgres {
		return col + " = ANY(ARRAY(" + sub + "))"
	}
	return col + " IN (" + sub + ")"
}

// dayAfter is the SQL for the day after a date column.
func (s *Store) dayAfter(col string) string {
	if s.dialect == Postgres {
		return "(" + col + " + 1)"
	}
	return "date(" + col + ", '+1 day')"
}

// OutreachRows computes a list: one row per person, without codes (CommuneID and
// VillageID are set) and without outcomes. One query per list, no per-row queries.
func (s *Store) OutreachRows(ctx context.Context, q OutreachQuery) ([]outreach.Row, error) {
	if err := s.SettleCards(ctx); err != nil {
		return nil, err
	}
	var query string
	var args []any
	switch q.Kind {
	case outreach.Uncovered, outreach.Students:
		query, args = s.uncoveredQuery(q)
	case outreach.Expiring:
		query, args = s.expiringQuery(q)
	case outreach.Lapsed:
		query, args = s.lapsedQuery(q)
	default:
		_, err := outreach.ParseKind(string(q.Kind))
		return nil, err
	}
	var out []outreach.Row
	seen := map[string]bool{}
	err := s.each(ctx, s.rd, query, func(r *sql.Rows) error {
		var x outreach.Row
		dest := []any{&x.PersonKey, &x.NationalID, &x.BHXHCode, &x.FullName, &x.BirthDate, &x.Sex, &x.CommuneID, &x.VillageID, &x.HouseholdID}
		var to civil.NullDate
		switch q.Kind {
		case outreach.Expiring:
			dest = append(dest, &x.CardNo, &to)
		case outreach.Lapsed:
			dest = append(dest, &to)
		}
		if err := r.Scan(dest...); err != nil {
			return err
		}
		if q.Kind == outreach.Expiring || q.Kind == outreach.Lapsed {
			x.ValidTo = &to.Date
		}
		if !seen[x.PersonKey] { // two cards ending the same day: one row
			seen[x.PersonKey] = true
			out = append(out, x)
		}
		return nil
	}, args...)
	return out, err
}

// uncoveredQuery: residents with no card valid on the date (students: of school age).
func (s *Store) uncoveredQuery(q OutreachQuery) (string, []any) {
	cte, args := s.personCards(q.Area)
	w, a := q.Area.where()
	query := "WITH " + cte + " SELECT " + outreachPersonCols + " FROM persons p WHERE " + w + " AND p.resident = 1"
	args = append(args, a...)
	if q.Kind == outreach.Students {
		after, by := outreach.StudentBirths(q.Date)
		query += " AND p.birth_date > ? AND p.birth_date <= ?"
		args = append(args, after, by)
	}
	query += " AND NOT EXISTS (SELECT 1 FROM pc WHERE pc.person_key = p.person_key AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)) ORDER BY p.person_key"
	return query, append(args, q.Date, q.Date)
}

// expiringQuery: the card valid on the date that ends within the horizon, with no
// card valid on the day after it ends.
func (s *Store) expiringQuery(q OutreachQuery) (string, []any) {
	cte, args := s.personCards(q.Area)
	w, a := q.Area.where()
	query := "WITH " + cte + " SELECT " + outreachPersonCols + `, pc.card_no, pc.valid_to
		FROM persons p JOIN pc ON pc.person_key = p.person_key
		WHERE ` + w + ` AND pc.valid_from <= ? AND pc.valid_to >= ? AND pc.valid_to <= ?
		AND NOT EXISTS (SELECT 1 FROM pc n WHERE n.person_key = pc.person_key
			AND n.valid_from <= ` + s.dayAfter("pc.valid_to") + ` AND (n.valid_to IS NULL OR n.valid_to > pc.valid_to))
		ORDER BY p.person_key, pc.valid_to DESC, pc.card_no`
	args = append(args, a...)
	return query, append(args, q.Date, q.Date, q.Date.AddDays(q.Days))
}

// lapsedQuery: a voluntary period that ended in the months before the date, and no
// voluntary or compulsory period covering the date.
func (s *Store) lapsedQuery(q OutreachQuery) (string, []any) {
	cte, args := s.personPeriods(q.Area)
	w, a := q.Area.where()
	query := "WITH " + cte + " SELECT " + outreachPersonCols + `, MAX(pp.valid_to)
		FROM persons p JOIN pp ON pp.person_key = p.person_key
		WHERE ` + w + ` AND pp.scheme = 'bhxh_voluntary' AND pp.valid_to >= ? AND pp.valid_to < ?
		AND NOT EXISTS (SELECT 1 FROM pp c WHERE c.person_key = p.person_key AND c.valid_from <= ? AND (c.valid_to IS NULL OR c.valid_to >= ?))
		GROUP BY ` + outreachPersonCols + ` ORDER BY p.person_key`
	args = append(args, a...)
	months := q.LapseMonths
	if months <= 0 {
		months = outreach.LapseMonths
	}
	return query, append(args, q.Date.AddMonths(-months), q.Date, q.Date, q.Date)
}

// LatestContacts is the latest contact on or before a date of each person of an
// area who has one, by person key.
func (s *Store) LatestContacts(ctx context.Context, area OutreachArea, d civil.Date) (map[string]outreach.Contact, error) {
	w, args := area.where()
	out := map[string]outreach.Contact{}
	err := s.each(ctx, s.rd, `SELECT k.id, COALESCE(k.assignment_id, 0), k.person_key, k.outcome, k.note, k.contacted_on, COALESCE(k.recorded_by, 0)
		FROM outreach_contacts k JOIN persons p ON p.person_key = k.person_key
		WHERE `+w+` AND k.contacted_on <= ? ORDER BY k.contacted_on, k.id`, func(r *sql.Rows) error {
		c, err := scanContact(r)
		if err == nil {
			out[c.PersonKey] = c // later contacts overwrite earlier ones
		}
		return err
	}, append(args, d)...)
	return out, err
}

func scanContact(r *sql.Rows) (outreach.Contact, error) {
	var c outreach.Contact
	var o string
	err := r.Scan(&c.ID, &c.AssignmentID, &c.PersonKey, &o, &c.Note, &c.ContactedOn, &c.RecordedBy)
	c.Outcome = outreach.Outcome(o)
	return c, err
}

// Contacts are every contact recorded for a person, oldest first.
func (s *Store) Contacts(ctx context.Context, personKey string) ([]outreach.Contact, error) {
	var out []outreach.Contact
	err := s.each(ctx, s.rd, `SELECT k.id, COALESCE(k.assignment_id, 0), k.person_key, k.outcome, k.note, k.contacted_on, COALESCE(k.recorded_by, 0)
		FROM outreach_contacts k WHERE k.person_key = ? ORDER BY k.contacted_on, k.id`, func(r *sql.Rows) error {
		c, err := scanContact(r)
		out = append(out, c)
		return err
	}, personKey)
	return out, err
}

// AddContact records an outcome; c.ID is set.
func (s *Store) AddContact(ctx context.Context, c *outreach.Contact) error {
	return s.db.QueryRowContext(ctx, s.q(`INSERT INTO outreach_contacts (assignment_id, person_key, outcome, note, contacted_on, recorded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		nullID(c.AssignmentID), c.PersonKey, string(c.Outcome), c.Note, c.ContactedOn, nullUser(c.RecordedBy), time.Now().UTC()).Scan(&c.ID)
}

// nullUser stores the operator (no user, ID ≤ 0) as NULL.
func nullUser(id int64) any {
	if id <= 0 {
		return nil
	}
	return id
}

// AddAssignment hands a list to a collector; a.ID is set.
func (s *Store) AddAssignment(ctx context.Context, a *outreach.Assignment) error {
	return s.db.QueryRowContext(ctx, s.q(`INSERT INTO outreach_assignments (kind, unit_id, village_id, list_date, days, collector_id, assigned_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		string(a.Kind), a.UnitID, nullID(a.VillageID), a.Date, a.Days, a.CollectorID, nullUser(a.AssignedBy), time.Now().UTC()).Scan(&a.ID)
}

// Assignments are a collector's assignments, of one kind or all ("").
func (s *Store) Assignments(ctx context.Context, collectorID int64, kind outreach.Kind) ([]outreach.Assignment, error) {
	var out []outreach.Assignment
	err := s.each(ctx, s.rd, `SELECT a.id, a.kind, a.unit_id, COALESCE(a.village_id, 0), a.list_date, a.days, a.collector_id, COALESCE(a.assigned_by, 0), u.username
		FROM outreach_assignments a JOIN users u ON u.id = a.collector_id
		WHERE a.collector_id = ? AND (? = '' OR a.kind = ?) ORDER BY a.id`, func(r *sql.Rows) error {
		var a outreach.Assignment
		var k string
		if err := r.Scan(&a.ID, &k, &a.UnitID, &a.VillageID, &a.Date, &a.Days, &a.CollectorID, &a.AssignedBy, &a.Collector); err != nil {
			return err
		}
		a.Kind = outreach.Kind(k)
		out = append(out, a)
		return nil
	}, collectorID, string(kind), string(kind))
	return out, err
}

// PersonPlace is where the registry puts a person: their commune and village.
func (s *Store) PersonPlace(ctx context.Context, personKey string) (OutreachArea, error) {
	var a OutreachArea
	err := s.rd.QueryRowContext(ctx, s.q("SELECT commune_id, COALESCE(village_id, 0) FROM persons WHERE person_key = ?"), personKey).Scan(&a.CommuneID, &a.VillageID)
	if errors.Is(err, sql.ErrNoRows) {
		return a, fault.Newf(fault.NotFound, "không có người mã %s trong sổ", "no person %s in the registry", strings.TrimSpace(personKey))
	}
	return a, err
}

// Filed keeps, of the communes and villages given, those some person is filed under
// (one index probe each). A list draws from the units lineage carries onto its area
// (OutreachArea); where none of them holds a person, as after the 2025 reorganisation
// when the records name the new communes, its query keeps the plan of one unit: on
// PostgreSQL at 10M persons, a commune's list took 2.5 s with one commune and 4–6 s
// with its predecessors named beside it.
func (s *Store) Filed(ctx context.Context, communes, villages []int64) (filedCommunes, filedVillages []int64, err error) {
	keep := func(col string, ids []int64) ([]int64, error) {
		var out []int64
		for _, id := range ids {
			var some bool
			if err := s.rd.QueryRowContext(ctx, s.q("SELECT EXISTS (SELECT 1 FROM persons WHERE "+col+" = ?)"), id).Scan(&some); err != nil {
				return nil, err
			}
			if some {
				out = append(out, id)
			}
		}
		return out, nil
	}
	if filedCommunes, err = keep("commune_id", communes); err != nil {
		return nil, nil, err
	}
	filedVillages, err = keep("village_id", villages)
	return filedCommunes, filedVillages, err
}
