package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/registry"
)

// PersonRow is what the coverage engine needs of a person.
type PersonRow struct {
	Key        string
	NationalID string
	BHXHCode   string
	CommuneID  int64
	VillageID  int64
	Sex        string
	Birth      civil.Date
	Resident   bool   // in the population register
	Province   string // the province the row is stored under, as its cards and periods are
}

// IntervalRow is a card or a period as the coverage engine reads it. Holder is the
// BHXH code (cards) or the period's holder (BHXH code or "id:" + national ID).
type IntervalRow struct {
	Holder     string
	Scheme     string // bhyt, bhxh_compulsory, bhxh_voluntary, bhtn, bhyt_compulsory
	From, To   civil.Date
	Issuing    string
	PayerGroup string
	Key        string // with IntervalsOf.Keys: the card number, or the period's employer
	Province   string // the province the row is filed under
}

// IntervalsOf says what EachIntervalOf reads.
type IntervalsOf struct {
	Cards, Periods bool
	Keys           bool // each row's key within its holder (IntervalRow.Key)
	// Provinces, when given, holds the province each holder's person is stored
	// under (Provinces[i] for holders[i]), and the rows are read from that province
	// and from "00" only (a card or period stored before its holder was known). On
	// PostgreSQL each province's holders are then looked up in its partition alone;
	// without it, every partition is probed for every holder. The caller must know
	// that none of the holder's rows is filed elsewhere.
	Provinces []string
	// InImport reads from inside an import (its prefetch of the rows it changes):
	// the card log then holds no committed row but the import's own, which the
	// caller has, and the read does not wait for a merge (SettleCards).
	InImport bool
}

// EachPerson streams the registry's persons; holders, if not nil, limits it to the
// persons with those BHXH codes or person keys (two indexed look-ups, not one
// scan).
func (s *Store) EachPerson(ctx context.Context, holders []string, fn func(PersonRow) error) error {
	cols := "SELECT person_key, national_id, bhxh_code, commune_id, COALESCE(village_id, 0), sex, birth_date, resident, province_code FROM persons"
	scan := func(r *sql.Rows) error {
		var p PersonRow
		var resident int
		if err := r.Scan(&p.Key, &p.NationalID, &p.BHXHCode, &p.CommuneID, &p.VillageID, &p.Sex, &p.Birth, &resident, &p.Province); err != nil {
			return err
		}
		p.Resident = resident != 0
		return fn(p)
	}
	if holders == nil {
		return s.each(ctx, s.rd, cols, scan)
	}
	if len(holders) == 0 {
		return nil
	}
	args := make([]any, len(holders))
	for i, h := range holders {
		args[i] = h
	}
	in := placeholders(len(holders))
	return s.each(ctx, s.rd, cols+" WHERE bhxh_code IN ("+in+") UNION "+cols+" WHERE person_key IN ("+in+")", scan, append(args, args...)...)
}

// PastResidence is where a person lived until the day before MovedOut (from the
// previous one's MovedOut, or always for the first).
type PastResidence struct {
	Key       string // person key
	MovedOut  civil.Date
	CommuneID int64
	VillageID int64 // 0: not known
}

// EachPastResidence streams the past residences of the persons with the given keys
// (nil: of everyone), each person's in the order they lived there.
func (s *Store) EachPastResidence(ctx context.Context, keys []string, fn func(PastResidence) error) error {
	q := "SELECT person_key, moved_out, commune_id, COALESCE(village_id, 0) FROM past_residences"
	scan := func(r *sql.Rows) error {
		var x PastResidence
		if err := r.Scan(&x.Key, &x.MovedOut, &x.CommuneID, &x.VillageID); err != nil {
			return err
		}
		return fn(x)
	}
	if keys == nil {
		return s.each(ctx, s.rd, q+" ORDER BY person_key, moved_out", scan)
	}
	for start := 0; start < len(keys); start += holderBatch {
		part := keys[start:min(start+holderBatch, len(keys))]
		args := make([]any, len(part))
		for i, k := range part {
			args[i] = k
		}
		if err := s.each(ctx, s.rd, q+" WHERE person_key IN ("+placeholders(len(part))+") ORDER BY person_key, moved_out", scan, args...); err != nil {
			return err
		}
	}
	return nil
}

// EachInterval streams every card and period, or those of some holders. A long list
// of holders goes, on PostgreSQL, into a temporary table joined once (a list of
// values would probe every province partition for every holder); elsewhere, in
// batches of IN lists.
func (s *Store) EachInterval(ctx context.Context, holders []string, fn func(IntervalRow) error) error {
	return s.EachIntervalOf(ctx, holders, IntervalsOf{Cards: true, Periods: true}, fn)
}

// EachIntervalOf is EachInterval of the cards, the periods or both.
func (s *Store) EachIntervalOf(ctx context.Context, holders []string, what IntervalsOf, fn func(IntervalRow) error) error {
	if what.Cards && !what.InImport {
		if err := s.SettleCards(ctx); err != nil {
			return err
		}
	}
	cardKey, periodKey := "''", "''"
	if what.Keys {
		cardKey, periodKey = "card_no", "employer_code"
	}
	cards := "SELECT bhxh_code, 'bhyt', valid_from, valid_to, issuing_province, payer_group, " + cardKey + ", province_code FROM bhyt_cards"
	periods := "SELECT holder, scheme, valid_from, valid_to, '', '', " + periodKey + ", province_code FROM periods"
	if !what.Cards {
		cards = ""
	}
	if !what.Periods {
		periods = ""
	}
	var prov sql.RawBytes
	scan := func(r *sql.Rows) error {
		var x IntervalRow
		var to civil.NullDate
		if err := r.Scan(&x.Holder, &x.Scheme, &x.From, &to, &x.Issuing, &x.PayerGroup, &x.Key, &prov); err != nil {
			return err
		}
		x.To, x.Province = to.Date, provinceCode(prov)
		return fn(x)
	}
	switch {
	case holders == nil:
		for _, q := range []string{cards, periods} {
			if q == "" {
				continue
			}
			if err := s.each(ctx, s.rd, q, scan); err != nil {
				return err
			}
		}
		return nil
	case s.dialect == Postgres && what.Provinces != nil:
		return s.intervalsByProvince(ctx, holders, what.Provinces, cards, periods, scan)
	case s.dialect == Postgres && len(holders) > holderJoinFrom:
		if cards != "" {
			cards += " c JOIN refresh_holders r ON r.h = c.bhxh_code"
		}
		if periods != "" {
			periods += " p JOIN refresh_holders r ON r.h = p.holder"
		}
		return s.intervalsByJoin(ctx, holders, cards, periods, scan)
	}
	for start := 0; start < len(holders); start += holderBatch {
		part := holders[start:min(start+holderBatch, len(holders))]
		args := make([]any, len(part))
		for i, h := range part {
			args[i] = h
		}
		in := placeholders(len(part))
		for _, q := range []string{cards, periods} {
			if q == "" {
				continue
			}
			if q == cards {
				q += " WHERE bhxh_code IN (" + in + ")"
			} else {
				q += " WHERE holder IN (" + in + ")"
			}
			if err := s.each(ctx, s.rd, q, scan, args...); err != nil {
				return err
			}
		}
	}
	return nil
}

// holderBatch bounds an IN list (SQLite allows 32,766 parameters a statement);
// from holderJoinFrom holders on, PostgreSQL joins a temporary table instead.
const (
	holderBatch    = 5000
	holderJoinFrom = 2000
)

// intervalsByProvince reads the rows of holders from their provinces and from "00",
// one query per province and table.
func (s *Store) intervalsByProvince(ctx context.Context, holders, provinces []string, cards, periods string, scan func(*sql.Rows) error) error {
	byProvince := map[string][]string{UnknownProvince: holders}
	for i, h := range holders {
		if p := provinces[i]; p != UnknownProvince {
			byProvince[p] = append(byProvince[p], h)
		}
	}
	for _, q := range []struct{ query, holder string }{{cards, "bhxh_code"}, {periods, "holder"}} {
		if q.query == "" {
			continue
		}
		for p, hs := range byProvince {
			if err := s.each(ctx, s.rd, q.query+" WHERE province_code = $1 AND "+q.holder+" = ANY($2)", scan, p, hs); err != nil {
				return err
			}
		}
	}
	return nil
}

// provinceCodes are the codes "00" to "99", so that a row's province is no string of
// its own.
var provinceCodes = func() (out [100]string) {
	for i := range out {
		out[i] = fmt.Sprintf("%02d", i)
	}
	return out
}()

// provinceCode is a province column's value as a shared string.
func provinceCode(b []byte) string {
	if len(b) == 2 && b[0] >= '0' && b[0] <= '9' && b[1] >= '0' && b[1] <= '9' {
		return provinceCodes[int(b[0]-'0')*10+int(b[1]-'0')]
	}
	return string(b)
}

// intervalsByJoin copies the holders into a temporary table on one connection and
// runs the two joins there.
func (s *Store) intervalsByJoin(ctx context.Context, holders []string, cards, periods string, scan func(*sql.Rows) error) error {
	conn, err := s.rd.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: false})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, "CREATE TEMP TABLE refresh_holders (h TEXT PRIMARY KEY) ON COMMIT DROP"); err != nil {
		return err
	}
	rows := make([][]any, 0, len(holders))
	seen := make(map[string]bool, len(holders))
	for _, h := range holders {
		if !seen[h] {
			seen[h] = true
			rows = append(rows, []any{h})
		}
	}
	if err := copyInto(ctx, conn, "refresh_holders", []string{"h"}, rows); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "ANALYZE refresh_holders"); err != nil {
		return err
	}
	for _, q := range []string{cards, periods} {
		if q == "" {
			continue
		}
		if err := s.each(ctx, tx, q, scan); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Denominator is a unit's population and labour force in a year.
type Denominator struct {
	Year        int
	Population  int64
	LabourForce int64
	Source      string
}

// Denominators are the imported denominators of some units, latest year ≤ year.
func (s *Store) Denominators(ctx context.Context, unitIDs []int64, year int) (map[int64]Denominator, error) {
	out := map[int64]Denominator{}
	if len(unitIDs) == 0 {
		return out, nil
	}
	args := []any{year}
	for _, id := range unitIDs {
		args = append(args, id)
	}
	err := s.each(ctx, s.rd, "SELECT unit_id, year, population, labour_force, source FROM denominators WHERE year <= ? AND unit_id IN ("+placeholders(len(unitIDs))+") ORDER BY year", func(r *sql.Rows) error {
		var id int64
		var d Denominator
		if err := r.Scan(&id, &d.Year, &d.Population, &d.LabourForce, &d.Source); err != nil {
			return err
		}
		out[id] = d // later years overwrite earlier ones
		return nil
	}, args...)
	return out, err
}

// EachRegistryPerson streams the persons below a unit (through the closure of the
// tree) with what duplicate detection compares; CommuneCode is left to the caller.
func (s *Store) EachRegistryPerson(ctx context.Context, unitID int64, fn func(registry.Person) error) error {
	return s.each(ctx, s.rd, `SELECT p.national_id, p.bhxh_code, p.full_name, p.birth_date, p.sex, p.commune_id, p.source
		FROM persons p JOIN unit_closure c ON c.descendant_id = p.commune_id WHERE c.ancestor_id = ?`, func(r *sql.Rows) error {
		var p registry.Person
		var sex, src string
		if err := r.Scan(&p.NationalID, &p.BHXHCode, &p.FullName, &p.BirthDate, &sex, &p.CommuneID, &src); err != nil {
			return err
		}
		p.Sex, p.CommuneCode = registry.Sex(sex), src
		return fn(p)
	}, unitID)
}

// EachRegistryCard streams the cards of the persons below a unit.
func (s *Store) EachRegistryCard(ctx context.Context, unitID int64, fn func(registry.Card) error) error {
	if err := s.SettleCards(ctx); err != nil {
		return err
	}
	return s.each(ctx, s.rd, `SELECT k.card_no, k.bhxh_code, k.valid_from, k.valid_to, k.source FROM bhyt_cards k
		WHERE k.bhxh_code IN (SELECT p.bhxh_code FROM persons p JOIN unit_closure c ON c.descendant_id = p.commune_id WHERE c.ancestor_id = ? AND p.bhxh_code <> '')`, func(r *sql.Rows) error {
		var k registry.Card
		var to civil.NullDate
		var src string
		if err := r.Scan(&k.CardNo, &k.BHXHCode, &k.ValidFrom, &to, &src); err != nil {
			return err
		}
		k.ValidTo, k.InitialFacility = to.Date, src
		return fn(k)
	}, unitID)
}
