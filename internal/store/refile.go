package store

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/phusong/phusong/internal/civil"
)

// A person's row, cards and periods are filed under the province they live in, so
// that PostgreSQL keeps them in that province's partition. A card or period whose
// holder is not yet in the registry is filed under "00". Two things keep one row per card and period through moves and late
// arrivals:
//
//   - a person who moves to another province takes their cards and periods along,
//     and keeps what the moving file does not say: the BHXH code and insured flag
//     when the population register moves them, the resident flag when a BHXH list
//     does;
//   - a card or period written under its holder's province removes the row it may
//     have been filed under "00" before the holder was known.

// movedPerson is what a person's row held in the province they left.
type movedPerson struct {
	bhxh, precision   string
	resident, insured int64
	commune, village  int64 // where they lived (village 0: not known)
}

const movedReturning = " RETURNING person_key, bhxh_code, birth_precision, resident, insured, commune_id, COALESCE(village_id, 0)"

// moveOut deletes the rows of a batch's persons filed under another province than
// the batch gives them, and returns what they held, by person key. A table being
// loaded has no index on person_key alone: there the province of every key is read
// once per import and followed in memory.
func (t *RegistryTx) moveOut(vals [][]any) (map[string]movedPerson, error) {
	moved := map[string]movedPerson{}
	scan := func(r *sql.Rows) error {
		var key string
		var m movedPerson
		if err := r.Scan(&key, &m.bhxh, &m.precision, &m.resident, &m.insured, &m.commune, &m.village); err != nil {
			return err
		}
		moved[key] = m
		return nil
	}
	if !t.bulk(vals) && t.loading("persons") == nil {
		keys, withProv := make([]any, len(vals)), make([]any, len(vals))
		for i, v := range vals {
			keys[i], withProv[i] = v[1], v[1].(string)+"|"+v[0].(string)
		}
		in := placeholders(len(keys))
		q := "DELETE FROM persons WHERE person_key IN (" + in + ") AND (person_key || '|' || province_code) NOT IN (" + in + ")" + movedReturning
		return moved, t.s.each(t.ctx, t.tx, q, scan, append(keys, withProv...)...)
	}
	if t.keyMap == nil {
		t.keyMap = newProvinceMap()
		err := t.s.each(t.ctx, t.tx, "SELECT person_key, province_code FROM persons", func(r *sql.Rows) error {
			var k, p string
			if err := r.Scan(&k, &p); err != nil {
				return err
			}
			t.keyMap.set(k, p)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for _, v := range vals {
		prov, key := v[0].(string), v[1].(string)
		if old, ok := t.keyMap.get(key); ok && old != prov {
			// Only the few who moved are deleted, each in its own partition.
			if err := t.s.each(t.ctx, t.tx, "DELETE FROM persons WHERE province_code = ? AND person_key = ?"+movedReturning, scan, old, key); err != nil {
				return nil, err
			}
		}
		t.keyMap.set(key, prov)
	}
	return moved, nil
}

// carryOver gives the rows of persons who moved what their old row held and the
// file does not say, and files their cards and periods under the new province.
func (t *RegistryTx) carryOver(vals [][]any, moved map[string]movedPerson, residents bool) error {
	for _, v := range vals {
		m, ok := moved[v[1].(string)]
		if !ok {
			continue
		}
		if residents {
			v[3], v[6], v[12] = m.bhxh, m.precision, m.insured
		} else {
			v[11] = m.resident
		}
		prov := v[0].(string)
		for _, code := range []string{m.bhxh, v[3].(string)} {
			if err := t.refile(code, prov); err != nil {
				return err
			}
		}
		if err := t.recordMove(v[1].(string), m.commune, m.village); err != nil {
			return err
		}
	}
	return nil
}

// recordMove records the move of a person who lived in a commune (and village) to
// where this import places them, on its date (record_move in 0008_residences.sql).
// Moves within a province are recorded by recordMoves.
func (t *RegistryTx) recordMove(key string, commune, village int64) error {
	since := t.since()
	if since == nil {
		return nil
	}
	q := "INSERT INTO record_move VALUES (?, ?, ?, ?)"
	if t.s.dialect == Postgres {
		q = "SELECT record_move(?, ?, ?, ?)"
	}
	_, err := t.stmts.ExecContext(t.ctx, t.s.q(q), key, since, commune, nullID(village))
	return err
}

// refile moves the cards and periods of a BHXH code to a province.
func (t *RegistryTx) refile(code, prov string) error {
	if code == "" || t.moved[code] == prov {
		return nil
	}
	t.filedUnder(code, prov)
	for _, q := range []struct{ table, holder string }{{"bhyt_cards", "bhxh_code"}, {"periods", "holder"}} {
		// Found by holder: a table being loaded gets its indexes back first.
		if err := t.endLoad(q.table); err != nil {
			return err
		}
		if _, err := t.stmts.ExecContext(t.ctx, t.s.q("UPDATE "+q.table+" SET province_code = ? WHERE "+q.holder+" = ? AND province_code <> ?"), prov, code, prov); err != nil {
			return err
		}
	}
	return nil
}

// unplacedKeys are the keys (by appendKey) of a table's rows filed under "00",
// read once per import and kept up to date by it: normally few or none.
func (t *RegistryTx) unplacedKeys(table string, cols []string) (map[string]bool, error) {
	if m, ok := t.unplaced[table]; ok {
		return m, nil
	}
	if t.unplaced == nil {
		t.unplaced = map[string]map[string]bool{}
	}
	m := map[string]bool{}
	key := keyAll[:len(cols)]
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + table + " WHERE province_code = ?"
	if table == "periods" {
		q += " AND holder NOT LIKE 'id:%'" // filed under a national ID: never placed
	}
	err := t.s.each(t.ctx, t.tx, q, func(r *sql.Rows) error {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			if cols[i] == "valid_from" {
				ptrs[i] = new(civil.Date)
			} else {
				ptrs[i] = new(string)
			}
		}
		if err := r.Scan(ptrs...); err != nil {
			return err
		}
		for i, p := range ptrs {
			switch x := p.(type) {
			case *civil.Date:
				vals[i] = *x
			case *string:
				vals[i] = *x
			}
		}
		m[string(appendKey(nil, vals, key))] = true
		return nil
	}, UnknownProvince)
	t.unplaced[table] = m
	return m, err
}

// placed sorts the rows of a batch filed under a known province whose key is also
// filed under "00" (written before their holder was known) into stale, and notes the
// rows filed under "00".
func (t *RegistryTx) placed(table string, cols []string, prov string, key []any, stale *[][]any) error {
	m, err := t.unplacedKeys(table, cols)
	if err != nil || (len(m) == 0 && prov != UnknownProvince) {
		return err // nothing filed under "00" (the usual case): no key to build
	}
	k := string(appendKey(nil, key, keyAll[:len(key)]))
	switch {
	case prov == UnknownProvince:
		m[k] = true
	case m[k]:
		delete(m, k)
		*stale = append(*stale, key)
	}
	return nil
}

// keyAll picks every column of a key, for appendKey.
var keyAll = []int{0, 1, 2, 3, 4, 5, 6, 7}

// deleteStale deletes the rows of a table filed under "00" with the given keys.
func (t *RegistryTx) deleteStale(table string, cols []string, keys [][]any) error {
	if len(keys) == 0 {
		return nil
	}
	if t.s.dialect == SQLite {
		q := "DELETE FROM " + table + " WHERE province_code = ? AND " + strings.Join(cols, " = ? AND ") + " = ?"
		for _, k := range keys {
			if _, err := t.stmts.ExecContext(t.ctx, q, append([]any{UnknownProvince}, k...)...); err != nil {
				return err
			}
		}
		return nil
	}
	// PostgreSQL: one statement, the keys as arrays, in the "00" partition only.
	arrays := make([]any, len(cols))
	un := make([]string, len(cols))
	for i := range cols {
		col := make([]string, len(keys))
		for j, k := range keys {
			switch x := k[i].(type) {
			case string:
				col[j], un[i] = x, "?::text[]"
			case civil.Date:
				col[j], un[i] = x.String(), "?::date[]"
			default:
				return errors.New("deleteStale: key of another type")
			}
		}
		arrays[i] = col
	}
	q := "DELETE FROM " + table + " WHERE province_code = ? AND (" + strings.Join(cols, ", ") + ") IN (SELECT * FROM unnest(" + strings.Join(un, ", ") + "))"
	_, err := t.tx.ExecContext(t.ctx, t.s.q(q), append([]any{UnknownProvince}, arrays...)...)
	return err
}

// provinceMap maps person keys and BHXH codes to the province they are filed under,
// read once per large import. The keys are digits ("bhxh:" + digits for a person
// without a national ID) and the provinces two digits, so they are kept as numbers:
// about 23 bytes an entry at 1M, where a map of strings took about 50 and kept alive
// the line of the file each key was cut from. A key or province of another shape is
// kept as is.
type provinceMap struct {
	num   map[uint64]uint8
	other map[string]string
}

func newProvinceMap() *provinceMap {
	return &provinceMap{num: map[uint64]uint8{}, other: map[string]string{}}
}

// packDigits packs up to 15 digits, with "bhxh:" before them or not, into a number
// that also tells the length and the prefix.
func packDigits(k string) (uint64, bool) {
	var tag uint64
	if strings.HasPrefix(k, "bhxh:") {
		k, tag = k[5:], 1<<55
	}
	if len(k) > 15 {
		return 0, false
	}
	v, ok := Digits(k)
	return v | tag | uint64(len(k))<<56, ok
}

// Digits is a string of 1 to 19 decimal digits as a number; false for anything else.
func Digits(s string) (uint64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return 0, false
		}
		v = v*10 + uint64(c)
	}
	return v, true
}

// provinceNumber is a two-digit province code as a number.
func provinceNumber(p string) (uint8, bool) {
	if len(p) == 2 && p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' {
		return (p[0]-'0')*10 + p[1] - '0', true
	}
	return 0, false
}

func (m *provinceMap) get(k string) (string, bool) {
	if n, ok := packDigits(k); ok {
		if p, found := m.num[n]; found {
			return provinceCodes[p], true
		}
	}
	p, ok := m.other[k]
	return p, ok
}

func (m *provinceMap) set(k, prov string) {
	n, okKey := packDigits(k)
	p, okProv := provinceNumber(prov)
	if okKey && okProv {
		m.num[n] = p
		delete(m.other, k)
		return
	}
	if okKey {
		delete(m.num, n)
	}
	m.other[strings.Clone(k)] = prov
}

// recordMoves records, before a batch of persons is written, the moves of those it
// places in another commune of the province they are filed under, or in another
// village of their commune (a village where none was known, or none named, is no
// move): one statement per batch, reading the rows as they are. Persons who left the
// province were moved out (moveOut) and are recorded by carryOver. A table being
// loaded from empty holds no one to move.
func (t *RegistryTx) recordMoves(vals [][]any) error {
	since := t.since()
	if since == nil || t.loading("persons") != nil {
		return nil
	}
	if t.MaybeMoved != nil {
		var may [][]any
		for _, v := range vals {
			if t.MaybeMoved(v[1].(string), v[8].(int64), village(v[9])) {
				may = append(may, v)
			}
		}
		vals = may
	}
	if len(vals) == 0 {
		return nil
	}
	const moved = "p.commune_id <> n.c OR (p.village_id IS NOT NULL AND n.v <> 0 AND p.village_id <> n.v)"
	if t.s.dialect == Postgres {
		keys, provs := make([]string, len(vals)), make([]string, len(vals))
		communes, villages := make([]int64, len(vals)), make([]int64, len(vals))
		for i, v := range vals {
			provs[i], keys[i], communes[i], villages[i] = v[0].(string), v[1].(string), v[8].(int64), village(v[9])
		}
		_, err := t.tx.ExecContext(t.ctx, `SELECT record_move(p.person_key, $1::date, p.commune_id, p.village_id)
			FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS n(prov, k, c, v)
			JOIN persons p ON p.province_code = n.prov AND p.person_key = n.k WHERE `+moved, since, provs, keys, communes, villages)
		return err
	}
	args := make([]any, 0, 4*len(vals)+1)
	rows := make([]string, len(vals))
	for i, v := range vals {
		rows[i] = "(?, ?, ?, ?)"
		args = append(args, v[0], v[1], v[8], village(v[9]))
	}
	args = append(args, since)
	_, err := t.tx.ExecContext(t.ctx, `WITH n(prov, k, c, v) AS (VALUES `+strings.Join(rows, ", ")+`)
		INSERT INTO record_move SELECT p.person_key, ?, p.commune_id, p.village_id
		FROM n JOIN persons p ON p.province_code = n.prov AND p.person_key = n.k WHERE `+moved, args...)
	return err
}

// village is a village_id value of a person row: the ID, or 0 for none.
func village(v any) int64 {
	if id, ok := v.(int64); ok {
		return id
	}
	return 0
}
