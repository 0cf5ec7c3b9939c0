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
	// Provinces, when set, are the only provinces under which the persons holding the
	// area's BHXH codes, and the cards and periods filed under those codes, are stored
	// ("00" included for rows filed before their holder was known). PostgreSQL then
	// looks those codes up in these provinces' partitions only, not in all 35. The
	// caller knows them from the coverage index (app.listProvinces); nil: everywhere.
	// The rows filed under a national ID are found as before (byNationalID).
	Provinces []string
}

// narrowed reports whether the lookups by BHXH code are narrowed to the area's
// provinces: on PostgreSQL, when the caller gave them.
func (s *Store) narrowed(area OutreachArea) bool {
	return area.Provinces != nil && s.Partitioned()
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

// filedRows is how a list finds a table's rows of a person: cards or periods.
type filedRows struct {
	table, alias string
	cols         string // selected after the person's key
	codeCol      string // the BHXH code the rows are filed under
	and          string // further conditions on the rows
	// The rows filed under person p's national ID: idCol = idOf, and idPartial, the
	// condition of PostgreSQL's partial index of them (0012_national_partial).
	idCol, idOf, idPartial string
}

var (
	cardRows = filedRows{table: "bhyt_cards", alias: "c", cols: "c.card_no, c.valid_from, c.valid_to", codeCol: "c.bhxh_code",
		idCol: "c.national_id", idOf: "p.national_id", idPartial: "c.national_id <> ''"}
	periodRows = filedRows{table: "periods", alias: "v", cols: "v.scheme, v.valid_from, v.valid_to", codeCol: "v.holder",
		and:   " AND v.scheme IN ('bhxh_voluntary', 'bhxh_compulsory')",
		idCol: "v.holder", idOf: "'id:' || p.national_id", idPartial: "v.holder LIKE 'id:%'"}
)

// personRows is the CTE owners, then a CTE name of the rows (cards: pc, BHXH
// periods: pp) of the area's persons, as (person_key, f.cols…): those filed under a
// BHXH code go to the code's owner, those under a national ID to its person.
func (s *Store) personRows(name string, area OutreachArea, f filedRows, ids idFiled) (string, []any) {
	owners, oa := s.codeOwners(area)
	byID, ia := s.byNationalID(area, f, ids)
	// Without the national-ID branch, DISTINCT does what its UNION did: besides
	// dropping repeats, it keeps the plan the lists were tuned on. Without it, and
	// without statistics, PostgreSQL compared each student of a 10M commune with
	// every card of the commune (6.7 s, against 1.5 s with it).
	return owners + `,
	` + name + ` AS (
		` + s.filedUnderCodes(area, f, byID == "") + byID + `)`, append(oa, ia...)
}

// idFiled are the partitions that hold any card naming a national ID, and any period
// filed under one, by table; nil where the tables are not partitioned (SQLite), and
// the lists read the whole tables.
type idFiled map[string][]string

// idFiledIn reads which partitions hold rows filed under a national ID: one probe of
// each partition's partial index (0012_national_partial.postgres.sql).
func (s *Store) idFiledIn(ctx context.Context, q querier) (idFiled, error) {
	var parts []string
	for name := range s.partitions {
		for _, f := range []filedRows{cardRows, periodRows} {
			if strings.HasPrefix(name, f.table+"_p") {
				// min, not EXISTS: without statistics (just after a load) the planner
				// answered EXISTS with a scan of the whole partition, expecting a row at
				// once; the smallest value is read from the first entry of the index.
				parts = append(parts, "SELECT '"+name+"' WHERE (SELECT min("+f.idCol+") FROM "+name+" "+f.alias+" WHERE "+f.idPartial+") IS NOT NULL")
			}
		}
	}
	f := idFiled{}
	slices.Sort(parts)
	err := s.each(ctx, q, strings.Join(parts, " UNION ALL "), func(r *sql.Rows) error {
		var name string
		if err := r.Scan(&name); err != nil {
			return err
		}
		table := name[:strings.LastIndex(name, "_p")]
		f[table] = append(f[table], name)
		return nil
	})
	return f, err
}

// byNationalID is the UNION branch of the rows filed under the area's persons'
// national IDs (cards naming one, periods under 'id:' + ID), with the person's key
// first. With partitions, only those known to hold such rows are read, each person's
// ID one index probe in each (a lateral join); none, and the branch is left out.
// Else the whole table is joined, its index probed with the area's IDs.
func (s *Store) byNationalID(area OutreachArea, f filedRows, ids idFiled) (string, []any) {
	w, a := area.where()
	if ids != nil {
		parts := ids[f.table]
		if len(parts) == 0 {
			return "", nil
		}
		return `
		UNION
		SELECT p.person_key, f.* FROM persons p CROSS JOIN LATERAL ` + unionOf(parts, f.alias, f.cols, f.idCol+" = "+f.idOf+" AND "+f.idPartial+f.and) + ` f
		WHERE ` + w + ` AND p.national_id <> ''`, a
	}
	return `
		UNION
		SELECT p.person_key, ` + f.cols + ` FROM persons p JOIN ` + f.table + ` ` + f.alias + ` ON ` + f.idCol + ` = ` + f.idOf + `
		WHERE ` + w + ` AND p.national_id <> '' AND ` + f.idPartial + ` AND ` + s.inKeys(f.idCol, "SELECT "+f.idOf+" FROM persons p WHERE "+w+" AND p.national_id <> ''") + f.and, slices.Concat(a, a)
}

// loadPartitions reads the names of the partitions in the store's schema.
func (s *Store) loadPartitions(ctx context.Context) error {
	s.partitions = map[string]bool{}
	return s.each(ctx, s.db, "SELECT relname FROM pg_class WHERE relispartition AND relkind = 'r' AND relnamespace = current_schema()::regnamespace", func(r *sql.Rows) error {
		var name string
		if err := r.Scan(&name); err != nil {
			return err
		}
		s.partitions[name] = true
		return nil
	})
}

// partitionOf names the partition of a large table that holds a province's rows:
// TABLE_pCODE (0005_partitions.postgres.sql), or TABLE_pdefault for a code without
// one ("00", or a province before 2025).
func (s *Store) partitionOf(table, province string) string {
	if name := table + "_p" + province; s.partitions[name] {
		return name
	}
	return table + "_pdefault"
}

// inPartitions is a lateral subquery of the rows of a table filed under the code
// o.bhxh_code in the area's provinces: one index probe in each of their partitions,
// named, so that no condition on the province is left for the planner to use an
// index for (without statistics, just after a load, it ANDed the primary key's
// province column into every probe and a list took seconds).
func (s *Store) inPartitions(area OutreachArea, table, alias, codeCol, cols, and string) string {
	var parts []string
	for _, p := range area.Provinces {
		if name := s.partitionOf(table, p); !slices.Contains(parts, name) {
			parts = append(parts, name)
		}
	}
	return unionOf(parts, alias, cols, codeCol+" = o.bhxh_code"+and)
}

// unionOf is the subquery of some columns of the rows of each of some tables (or
// partitions) that meet a condition, in parentheses.
func unionOf(tables []string, alias, cols, where string) string {
	subs := make([]string, len(tables))
	for i, name := range tables {
		subs[i] = "SELECT " + cols + " FROM " + name + " " + alias + " WHERE " + where
	}
	return "(" + strings.Join(subs, " UNION ALL ") + ")"
}

// filedUnderCodes selects the rows of a table (cards or periods) filed under the
// owners' codes, with the owner's person key first. Narrowed, each code is looked
// up in its own index probe of the area's provinces' partitions (a lateral join, so
// that the plan does not hang on an estimate of how many codes there are).
func (s *Store) filedUnderCodes(area OutreachArea, f filedRows, distinct bool) string {
	sel := "SELECT "
	if distinct {
		sel = "SELECT DISTINCT "
	}
	if s.narrowed(area) {
		return sel + `o.person_key, f.* FROM owners o CROSS JOIN LATERAL ` + s.inPartitions(area, f.table, f.alias, f.codeCol, f.cols, f.and) + ` f`
	}
	return sel + `o.person_key, ` + f.cols + ` FROM owners o JOIN ` + f.table + ` ` + f.alias + ` ON ` + f.codeCol + ` = o.bhxh_code
		WHERE ` + s.inKeys(f.codeCol, "SELECT bhxh_code FROM owners") + f.and
}

// codeOwners is a CTE of the BHXH codes of the area's persons, each with the person
// its cards and periods count for: of the persons under the code (anywhere), the one
// with the smallest key, as the coverage index counts them (app/engine.go).
//
// Narrowed to the area's provinces, each code is looked up in their partitions only:
// the person with the smallest key under the code is stored in one of them, so the
// smallest key found there is the same.
func (s *Store) codeOwners(area OutreachArea) (string, []any) {
	w, a := area.where()
	codes := "SELECT p.bhxh_code FROM persons p WHERE " + w + " AND p.bhxh_code <> ''"
	if s.narrowed(area) {
		return `owners AS (
		SELECT o.bhxh_code, MIN(m.person_key) AS person_key FROM (SELECT DISTINCT bhxh_code FROM (` + codes + `) c) o CROSS JOIN LATERAL ` +
			s.inPartitions(area, "persons", "h", "h.bhxh_code", "h.person_key", "") + ` m
		GROUP BY o.bhxh_code)`, a
	}
	return `owners AS (
		SELECT o.bhxh_code, MIN(o.person_key) AS person_key FROM persons o
		WHERE ` + s.inKeys("o.bhxh_code", codes) + `
		GROUP BY o.bhxh_code)`, a
}

// AreaCodes are the BHXH codes of the persons an outreach list draws from.
func (s *Store) AreaCodes(ctx context.Context, area OutreachArea) ([]string, error) {
	w, args := area.where()
	var out []string
	err := s.each(ctx, s.rd, "SELECT DISTINCT p.bhxh_code FROM persons p WHERE "+w+" AND p.bhxh_code <> ''", func(r *sql.Rows) error {
		var c string
		if err := r.Scan(&c); err != nil {
			return err
		}
		out = append(out, c)
		return nil
	}, args...)
	return out, err
}

// Partitioned reports whether the large tables are partitioned by province
// (PostgreSQL, 0005_partitions.postgres.sql), so that a lookup narrowed to some
// provinces reads less.
func (s *Store) Partitioned() bool {
	return s.partitions["persons_pdefault"] && s.partitions["bhyt_cards_pdefault"] && s.partitions["periods_pdefault"]
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
	if _, err := outreach.ParseKind(string(q.Kind)); err != nil {
		return nil, err
	}
	var rd querier = s.rd
	var ids idFiled
	if s.Partitioned() {
		// Which partitions hold rows under a national ID is read in the list's own
		// snapshot.
		tx, err := s.rd.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
		if err != nil {
			return nil, err
		}
		defer tx.Rollback()
		if ids, err = s.idFiledIn(ctx, tx); err != nil {
			return nil, err
		}
		rd = tx
	}
	var query string
	var args []any
	switch q.Kind {
	case outreach.Uncovered, outreach.Students:
		query, args = s.uncoveredQuery(q, ids)
	case outreach.Expiring:
		query, args = s.expiringQuery(q, ids)
	case outreach.Lapsed:
		query, args = s.lapsedQuery(q, ids)
	}
	var out []outreach.Row
	seen := map[string]bool{}
	err := s.each(ctx, rd, query, func(r *sql.Rows) error {
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
func (s *Store) uncoveredQuery(q OutreachQuery, ids idFiled) (string, []any) {
	cte, args := s.personRows("pc", q.Area, cardRows, ids)
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
func (s *Store) expiringQuery(q OutreachQuery, ids idFiled) (string, []any) {
	cte, args := s.personRows("pc", q.Area, cardRows, ids)
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
func (s *Store) lapsedQuery(q OutreachQuery, ids idFiled) (string, []any) {
	cte, args := s.personRows("pp", q.Area, periodRows, ids)
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
