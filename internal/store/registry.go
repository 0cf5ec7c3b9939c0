package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/registry"
)

const registryVersionKey = "registry_version"

// RegistryVersion changes whenever the registry does; the coverage engine reloads
// or applies changes when it moves.
func (s *Store) RegistryVersion(ctx context.Context) (string, error) {
	return s.Meta(ctx, registryVersionKey)
}

// RegistryTx writes one import in one transaction: rows are buffered and upserted in
// batches; Commit makes all of them visible, Rollback none.
type RegistryTx struct {
	s      *Store
	conn   *sql.Conn
	tx     *sql.Tx
	stmts  *stmtCache
	staged map[string]bool  // PostgreSQL staging tables created in this transaction
	loads  map[string]*load // tables this import loads from empty (nil: not, or no longer)

	// ProvinceOf, when set, gives the residence province of a BHXH code from memory
	// (the coverage index knows it), sparing the database a look-up across every
	// province partition.
	ProvinceOf func(bhxhCode string) (string, bool)
	// MaybeMoved, when set, tells from memory (the coverage index) whether a person
	// may live elsewhere than a file places them (village 0: the file names none);
	// persons it says no for are not looked up for a move.
	MaybeMoved func(key string, commune, village int64) bool
	// AsOf is the date the file describes: a person it places elsewhere than the
	// registry has them moved on that day (0008_residences.sql). Unset, a new
	// residence replaces the current one without a move.
	AsOf civil.Date
	// DeferCards, set for a file of BHYT cards alone, commits the cards to the log
	// (cardlog.go) when the registry has cards already.
	DeferCards bool
	// KeysUnique says that no primary key repeats among the import's rows (the plain
	// layouts refuse a repeat: registry.Read), so that a load COPYs every batch
	// without remembering the keys it wrote (about 10 bytes a row, 3 GB for 300
	// million cards).
	KeysUnique bool
	logged     bool                       // cards went to the log
	holderMap  *provinceMap               // BHXH code → province, read once for large imports
	keyMap     *provinceMap               // person key → province, read once for large imports
	moved      map[string]string          // BHXH code → province, of holders this import moved or linked
	unplaced   map[string]map[string]bool // table → keys of its rows filed under "00"
	ctx        context.Context
	source     string
	version    string // the registry version the commit wrote
	buf        map[string][]registry.Row
	counts     map[string]int
}

// BeginRegistry starts an import transaction; source names the file for the record.
// It holds one connection for the whole import, so that on PostgreSQL large batches
// go in with COPY inside the same transaction.
func (s *Store) BeginRegistry(ctx context.Context, source string) (*RegistryTx, error) {
	// An import reads and writes bhyt_cards as merged: what another process left in
	// the log too.
	if err := s.SettleCards(ctx); err != nil {
		return nil, err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return &RegistryTx{s: s, conn: conn, tx: tx, stmts: &stmtCache{Tx: tx, m: map[string]*sql.Stmt{}}, ctx: ctx, source: source,
		buf: map[string][]registry.Row{}, counts: map[string]int{}}, nil
}

// Batch sizes: SQLite binds every value as a parameter (at most 32,766 a
// statement); PostgreSQL takes large batches through COPY. (Variables so that tests
// can spread a few rows over several batches.)
var (
	registryBatch   = 1000
	registryBatchPG = 20000
)

// Add buffers a row and writes a batch when it is full.
func (t *RegistryTx) Add(r registry.Row) error {
	k := RowKind(r)
	t.buf[k] = append(t.buf[k], r)
	t.counts[k]++
	batch := registryBatch
	if t.s.dialect == Postgres {
		batch = registryBatchPG
	}
	if len(t.buf[k]) >= batch {
		return t.flush(k)
	}
	return nil
}

// Counts is how many rows of each kind were written.
func (t *RegistryTx) Counts() map[string]int { return t.counts }

// RowKind names the table a registry row goes to.
func RowKind(r registry.Row) string {
	switch r.(type) {
	case registry.Person:
		return "persons"
	case registry.Resident:
		return "residents"
	case registry.Card:
		return "bhyt_cards"
	case registry.Period:
		return "periods"
	case registry.Stop:
		return "stops"
	case registry.Denominator:
		return "denominators"
	case registry.Target:
		return "targets"
	}
	return fmt.Sprintf("%T", r)
}

// Commit writes what is buffered, bumps the registry version and commits. On an
// error it rolls back and releases the connection.
func (t *RegistryTx) Commit() error {
	defer t.conn.Close()
	if err := t.finish(); err != nil {
		t.stmts.close()
		_ = t.tx.Rollback()
		return err
	}
	if err := t.tx.Commit(); err != nil {
		return err
	}
	t.s.wrote()
	if t.logged {
		t.s.cards.pending.Store(true) // reads from now on wait for a merge
	}
	return nil
}

// finish writes the rest of the import and everything it needs before the commit.
func (t *RegistryTx) finish() error {
	// Persons first: cards and periods take the province of their holder.
	for _, k := range []string{"persons", "residents", "bhyt_cards", "periods", "stops", "denominators", "targets"} {
		if err := t.flush(k); err != nil {
			return err
		}
	}
	// The indexes of the tables loaded from empty are built once, on all their rows.
	for _, table := range []string{"persons", "bhyt_cards", "periods"} {
		if err := t.endLoad(table); err != nil {
			return err
		}
	}
	t.stmts.close()
	if err := t.s.bumpVersion(t.ctx, t.tx, registryVersionKey); err != nil {
		return err
	}
	var err error
	t.version, err = t.s.metaTx(t.ctx, t.tx, registryVersionKey)
	return err
}

// Version is the registry version this import committed.
func (t *RegistryTx) Version() string { return t.version }

// Rollback discards the import.
func (t *RegistryTx) Rollback() error {
	t.stmts.close()
	defer t.conn.Close()
	return t.tx.Rollback()
}

// stmtCache prepares each distinct statement of a transaction once: the batches of
// an import repeat the same multi-row statement, which the database then parses once.
type stmtCache struct {
	*sql.Tx
	m map[string]*sql.Stmt
}

func (c *stmtCache) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, ok := c.m[query]
	if !ok {
		var err error
		if st, err = c.Tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		c.m[query] = st
	}
	return st.ExecContext(ctx, args...)
}

func (c *stmtCache) close() {
	for _, st := range c.m {
		st.Close()
	}
	c.m = map[string]*sql.Stmt{}
}

func (t *RegistryTx) flush(kind string) error {
	rows := t.buf[kind]
	if len(rows) == 0 {
		return nil
	}
	t.buf[kind] = rows[:0]
	if err := t.beginLoad(tableOf(kind)); err != nil {
		return err
	}
	switch kind {
	case "persons", "residents":
		return t.writePersons(rows, kind == "residents")
	case "bhyt_cards", "periods":
		// Their province is their holder's: persons still buffered go first.
		for _, k := range []string{"persons", "residents"} {
			if err := t.flush(k); err != nil {
				return err
			}
		}
		if kind == "bhyt_cards" {
			return t.writeCards(rows)
		}
		return t.writePeriods(rows)
	case "stops":
		return t.writeStops(rows)
	case "denominators":
		return t.writeDenominators(rows)
	case "targets":
		return t.writeTargets(rows)
	}
	return fmt.Errorf("registry: cannot store %s", kind)
}

// PersonKey identifies a person: the national ID, or the BHXH code when no national
// ID is known.
func PersonKey(nationalID, bhxhCode string) string {
	if nationalID != "" {
		return nationalID
	}
	return "bhxh:" + bhxhCode
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func (t *RegistryTx) writePersons(rows []registry.Row, residents bool) error {
	if t.logged {
		// A person moved to another province takes their cards along (carryOver),
		// which reads bhyt_cards: it would miss the cards in the log.
		return fmt.Errorf("registry: persons written after cards sent to the log")
	}
	var vals [][]any
	for _, r := range rows {
		var v []any
		if residents {
			p := r.(registry.Resident)
			v = []any{p.ProvinceCode, p.NationalID, p.NationalID, "", p.FullName, p.BirthDate, "", string(p.Sex), p.CommuneID, nullID(p.VillageID), p.HouseholdID, 1, 0, t.source}
		} else {
			p := r.(registry.Person)
			v = []any{p.ProvinceCode, PersonKey(p.NationalID, p.BHXHCode), p.NationalID, p.BHXHCode, p.FullName, p.BirthDate, string(p.BirthPrecision), string(p.Sex), p.CommuneID, nullID(p.VillageID), p.HouseholdID, 0, 1, t.source}
		}
		vals = append(vals, v)
	}
	// A person who moved province leaves the old province's partition, taking along
	// what this file does not say of them, and their cards and periods.
	moved, err := t.moveOut(vals)
	if err != nil {
		return err
	}
	if err := t.carryOver(vals, moved, residents); err != nil {
		return err
	}
	if err := t.recordMoves(vals); err != nil {
		return err
	}
	if t.holderMap != nil {
		// Later batches of cards and periods in this import find these holders too.
		for _, v := range vals {
			if code := v[3].(string); code != "" {
				t.holderMap.set(code, v[0].(string))
			}
		}
	}
	cols := []string{"province_code", "person_key", "national_id", "bhxh_code", "full_name", "birth_date", "birth_precision", "sex", "commune_id", "village_id", "household_id", "resident", "insured", "source"}
	// A file that names no village for a person in the same commune keeps the
	// village known; a new residence is a move (recordMoves kept the old one) unless
	// it only fills in a village not known before.
	update := "full_name = excluded.full_name, birth_date = excluded.birth_date, sex = excluded.sex, commune_id = excluded.commune_id, " +
		"village_id = CASE WHEN excluded.village_id IS NULL AND excluded.commune_id = persons.commune_id THEN persons.village_id ELSE excluded.village_id END, " +
		"household_id = excluded.household_id, source = excluded.source"
	if residents {
		update += ", resident = 1"
	} else {
		// national_id is not updated: a person key is the national ID when there is one.
		update += ", bhxh_code = excluded.bhxh_code, birth_precision = excluded.birth_precision, insured = 1"
	}
	return t.upsert("persons", cols, "province_code, person_key", update, vals)
}

// since is the date of the moves this import records: its date, or nil for none.
func (t *RegistryTx) since() any {
	if t.AsOf == 0 {
		return nil
	}
	return t.AsOf
}

// loadHolderMap reads the province of every registered BHXH code (in this
// transaction, so persons imported earlier in it count).
func (t *RegistryTx) loadHolderMap() error {
	t.holderMap = newProvinceMap()
	return t.s.each(t.ctx, t.tx, "SELECT bhxh_code, province_code FROM persons WHERE bhxh_code <> ''", func(r *sql.Rows) error {
		var c, p string
		if err := r.Scan(&c, &p); err != nil {
			return err
		}
		t.holderMap.set(c, p)
		return nil
	})
}

// holderProvinces finds the residence province of the holders of some BHXH codes.
func (t *RegistryTx) holderProvinces(codes []string) (map[string]string, error) {
	out := map[string]string{}
	if len(codes) == 0 {
		return out, nil
	}
	args := make([]any, len(codes))
	for i, c := range codes {
		args[i] = c
	}
	err := t.s.each(t.ctx, t.tx, "SELECT bhxh_code, province_code FROM persons WHERE bhxh_code IN ("+placeholders(len(codes))+")", func(r *sql.Rows) error {
		var c, p string
		if err := r.Scan(&c, &p); err != nil {
			return err
		}
		out[c] = p
		return nil
	}, args...)
	return out, err
}

// The keys of cards and periods after their province.
var (
	cardKey   = []string{"card_no", "valid_from"}
	periodKey = []string{"scheme", "holder", "employer_code", "valid_from"}
)

func (t *RegistryTx) writeCards(rows []registry.Row) error {
	prov, err := t.holderProvincesOf(rows, func(r registry.Row) string { return r.(registry.Card).BHXHCode })
	if err != nil {
		return err
	}
	if err := t.linkCodes(rows, prov); err != nil {
		return err
	}
	var vals [][]any
	var stale [][]any
	for _, r := range rows {
		c := r.(registry.Card)
		p := orUnknown(prov[c.BHXHCode])
		if err := t.placed("bhyt_cards", cardKey, p, []any{c.CardNo, c.ValidFrom}, &stale); err != nil {
			return err
		}
		vals = append(vals, []any{p, c.CardNo, c.BHXHCode, c.NationalID, c.GroupCode, string(c.PayerGroup), c.BenefitLevel, c.ValidFrom, nullDate(c.ValidTo), c.IssuingProvince, c.InitialFacility, t.source})
	}
	if err := t.deleteStale("bhyt_cards", cardKey, stale); err != nil {
		return err
	}
	if t.DeferCards && t.loading("bhyt_cards") == nil {
		return t.logCards(vals)
	}
	return t.upsert("bhyt_cards", cardCols, cardConflict, cardUpdate, vals)
}

// linkCodes gives the BHXH code of a card to its holder when the registry knows the
// holder only by national ID: a card listed with the ĐDCN in its BHXH code column
// (CV 1804/BHXH-QLT) tells both identifiers of one person, and the card then counts
// for them. A person who has another BHXH code keeps it, and the card stays without
// a holder, as the duplicates report shows. prov gets the linked holders' provinces.
func (t *RegistryTx) linkCodes(rows []registry.Row, prov map[string]string) error {
	for _, r := range rows {
		c := r.(registry.Card)
		if c.NationalID == "" || c.BHXHCode == "" || prov[c.BHXHCode] != "" {
			continue
		}
		if err := t.endLoad("persons"); err != nil { // found by national ID
			return err
		}
		var p string
		err := t.tx.QueryRowContext(t.ctx, t.s.q("UPDATE persons SET bhxh_code = ? WHERE national_id = ? AND bhxh_code = '' RETURNING province_code"), c.BHXHCode, c.NationalID).Scan(&p)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return err
		}
		prov[c.BHXHCode] = p
		t.filedUnder(c.BHXHCode, p)
	}
	return nil
}

// filedUnder records the province this import gave a BHXH code's holder, which later
// batches follow whatever the coverage index or the holder map says.
func (t *RegistryTx) filedUnder(code, prov string) {
	if t.moved == nil {
		t.moved = map[string]string{}
	}
	t.moved[code] = prov
	if t.holderMap != nil {
		t.holderMap.set(code, prov)
	}
}

// holderProvincesOf finds the residence province of each holder of a batch: from
// the warm coverage index when the caller gave ProvinceOf, then, for the others, from
// one read of every holder once a batch is large (on PostgreSQL a look-up per batch
// would probe every province partition; on SQLite one scan costs less than a
// thousand look-ups per batch over millions of rows), or by an indexed look-up.
func (t *RegistryTx) holderProvincesOf(rows []registry.Row, code func(registry.Row) string) (map[string]string, error) {
	out := map[string]string{}
	var missing []string
	for _, r := range rows {
		c := code(r)
		if p, ok := t.moved[c]; ok {
			out[c] = p
			continue
		}
		if t.ProvinceOf != nil {
			if p, ok := t.ProvinceOf(c); ok {
				out[c] = p
				continue
			}
		}
		missing = append(missing, c)
	}
	if len(missing) == 0 {
		return out, nil
	}
	if len(missing) >= copyThreshold {
		if t.holderMap == nil {
			if err := t.loadHolderMap(); err != nil {
				return nil, err
			}
		}
		for _, c := range missing {
			if p, ok := t.holderMap.get(c); ok {
				out[c] = p
			}
		}
		return out, nil
	}
	found, err := t.holderProvinces(missing)
	for c, p := range found {
		out[c] = p
	}
	return out, err
}

func (t *RegistryTx) writePeriods(rows []registry.Row) error {
	prov, err := t.holderProvincesOf(rows, func(r registry.Row) string { return r.(registry.Period).BHXHCode })
	if err != nil {
		return err
	}
	var vals [][]any
	var stale [][]any
	for _, r := range rows {
		p := r.(registry.Period)
		holder, prov := Holder(p.BHXHCode, p.NationalID), orUnknown(prov[p.BHXHCode])
		if p.BHXHCode != "" { // a period under "id:" + national ID stays under "00"
			if err := t.placed("periods", periodKey, prov, []any{string(p.Scheme), holder, p.EmployerCode, p.ValidFrom}, &stale); err != nil {
				return err
			}
		}
		vals = append(vals, []any{prov, string(p.Scheme), holder, p.EmployerCode, p.ValidFrom, nullDate(p.ValidTo), p.Salary, t.source})
	}
	if err := t.deleteStale("periods", periodKey, stale); err != nil {
		return err
	}
	cols := []string{"province_code", "scheme", "holder", "employer_code", "valid_from", "valid_to", "salary", "source"}
	return t.upsert("periods", cols, "province_code, scheme, holder, employer_code, valid_from",
		"valid_to = excluded.valid_to, salary = excluded.salary, source = excluded.source", vals)
}

// writeStops ends the open periods a decrease list names, the day before its date.
func (t *RegistryTx) writeStops(rows []registry.Row) error {
	// The update finds the periods by holder: a table being loaded gets its indexes
	// back first.
	if err := t.endLoad("periods"); err != nil {
		return err
	}
	for _, r := range rows {
		st := r.(registry.Stop)
		_, err := t.tx.ExecContext(t.ctx, t.s.q(`UPDATE periods SET valid_to = ? WHERE scheme = ? AND holder = ? AND (? = '' OR employer_code = ?)
			AND valid_from < ? AND (valid_to IS NULL OR valid_to >= ?)`),
			st.From.AddDays(-1), string(st.Scheme), Holder(st.BHXHCode, st.NationalID), st.EmployerCode, st.EmployerCode, st.From, st.From)
		if err != nil {
			return err
		}
	}
	return nil
}

func (t *RegistryTx) writeDenominators(rows []registry.Row) error {
	var vals [][]any
	for _, r := range rows {
		d := r.(registry.Denominator)
		vals = append(vals, []any{d.UnitID, d.Year, d.Population, d.LabourForce, t.source})
	}
	return t.upsert("denominators", []string{"unit_id", "year", "population", "labour_force", "source"}, "unit_id, year",
		"population = excluded.population, labour_force = excluded.labour_force, source = excluded.source", vals)
}

func (t *RegistryTx) writeTargets(rows []registry.Row) error {
	var vals [][]any
	for _, r := range rows {
		x := r.(registry.Target)
		vals = append(vals, []any{x.UnitID, string(x.Indicator), x.Deadline, x.Value, x.Document, t.source})
	}
	return t.upsert("targets", []string{"unit_id", "indicator", "deadline", "value", "document", "set_by"}, "unit_id, indicator, deadline",
		"value = excluded.value, document = excluded.document, set_by = excluded.set_by", vals)
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// upsertMany inserts rows, updating those whose conflict key exists already.
func (s *Store) upsertMany(ctx context.Context, q querier, table string, cols []string, conflict, update string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	ph := "(" + placeholders(len(cols)) + ")"
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
	args := make([]any, 0, len(rows)*len(cols))
	for i, r := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(ph)
		args = append(args, r...)
	}
	b.WriteString(onConflict(table, conflict, update))
	_, err := q.ExecContext(ctx, s.q(b.String()), args...)
	if err != nil {
		return fmt.Errorf("upsert %s: %w", table, err)
	}
	return nil
}

// UnknownProvince files rows whose province is not known: cards and periods stored
// before their holder was.
const UnknownProvince = "00"

func orUnknown(p string) string {
	if p == "" {
		return UnknownProvince
	}
	return p
}

// Holder is how a period names its person: the BHXH code, or the national ID.
func Holder(bhxhCode, nationalID string) string {
	if bhxhCode != "" {
		return bhxhCode
	}
	return "id:" + nationalID
}
