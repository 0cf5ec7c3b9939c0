package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/phusong/phusong/internal/civil"
)

// An import that finds one of the large registry tables empty loads it: it drops the
// table's secondary indexes and builds them again just before it commits, since a
// B-tree built once from sorted keys costs a fraction of millions of random inserts
// into it. On PostgreSQL it also COPYs its batches straight into the table, rather
// than through a staging table and INSERT … ON CONFLICT, for as long as no primary key
// repeats in the import: the plain layouts refuse a key twice in a file, but a BHXH
// list (D03-TS with a person under both Tăng and Giảm) may repeat one, and then the
// rest goes through the upsert, which lets the last row win. DDL is transactional on
// both databases: a rollback leaves the table empty with its indexes.

// loadTables are the tables an import may load from empty.
var loadTables = map[string]bool{"persons": true, "bhyt_cards": true, "periods": true}

// load is an import's initial load of one table.
type load struct {
	indexes []tableIndex        // the secondary indexes dropped until commit, in creation order
	direct  bool                // batches go straight in with COPY
	keys    map[uint64]struct{} // hashes of the primary keys written while direct
	seed    maphash.Seed
}

// tableIndex is an index as the database itself gives it, so that it is built again
// exactly as the migrations made it.
type tableIndex struct{ name, def string }

// tableOf names the table a kind of registry row is written to.
func tableOf(kind string) string {
	if kind == "residents" {
		return "persons"
	}
	return kind
}

// loading is the initial load of a table in this import, or nil.
func (t *RegistryTx) loading(table string) *load { return t.loads[table] }

// beginLoad decides, the first time the import writes to a table, whether it loads
// the table from empty, and if so drops its secondary indexes.
func (t *RegistryTx) beginLoad(table string) error {
	if _, decided := t.loads[table]; decided || !loadTables[table] {
		return nil
	}
	if t.loads == nil {
		t.loads = map[string]*load{}
	}
	t.loads[table] = nil
	empty, err := t.claimEmpty(table)
	if err != nil || !empty {
		return err
	}
	idx, err := t.s.secondaryIndexes(t.ctx, t.tx, table)
	if err != nil {
		return err
	}
	for _, ix := range idx {
		if _, err := t.tx.ExecContext(t.ctx, "DROP INDEX "+ix.name); err != nil {
			return fmt.Errorf("load %s: %w", table, err)
		}
	}
	l := &load{indexes: idx}
	if t.s.dialect == Postgres {
		l.direct = true
		if !t.KeysUnique {
			l.keys, l.seed = map[uint64]struct{}{}, maphash.MakeSeed()
		}
	}
	t.loads[table] = l
	return nil
}

// endLoad builds again the indexes of a table the import loaded; later batches go
// through the ordinary upsert.
func (t *RegistryTx) endLoad(table string) error {
	l := t.loads[table]
	if l == nil {
		return nil
	}
	t.loads[table] = nil
	for _, ix := range l.indexes {
		if _, err := t.tx.ExecContext(t.ctx, ix.def); err != nil {
			return fmt.Errorf("load %s: index %s: %w", table, ix.name, err)
		}
	}
	return nil
}

// claimEmpty reports whether a table is empty. On PostgreSQL it first takes the lock
// dropping indexes needs (readers of the table then wait for the import), without
// waiting for it: a table another transaction is using is not loaded, and a table
// found not empty is released at once.
func (t *RegistryTx) claimEmpty(table string) (bool, error) {
	if t.s.dialect == SQLite {
		return t.isEmpty(table)
	}
	if _, err := t.tx.ExecContext(t.ctx, "SAVEPOINT registry_load"); err != nil {
		return false, err
	}
	empty := false
	_, err := t.tx.ExecContext(t.ctx, "LOCK TABLE "+table+" IN ACCESS EXCLUSIVE MODE NOWAIT")
	if err == nil {
		empty, err = t.isEmpty(table)
	}
	var pgErr *pgconn.PgError
	if err != nil && !(errors.As(err, &pgErr) && pgErr.Code == "55P03") { // lock_not_available
		return false, err
	}
	end := "ROLLBACK TO SAVEPOINT registry_load" // releases the lock
	if empty {
		end = "RELEASE SAVEPOINT registry_load"
	}
	_, err = t.tx.ExecContext(t.ctx, end)
	return empty, err
}

func (t *RegistryTx) isEmpty(table string) (bool, error) {
	var rows bool
	err := t.tx.QueryRowContext(t.ctx, "SELECT EXISTS (SELECT 1 FROM "+table+")").Scan(&rows)
	return !rows, err
}

// secondaryIndexes lists the indexes of a table other than its primary key and
// unique constraints, with the statement that creates each.
func (s *Store) secondaryIndexes(ctx context.Context, q querier, table string) ([]tableIndex, error) {
	query := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?
		AND name IN (SELECT name FROM pragma_index_list(?) WHERE origin = 'c' AND "unique" = 0) ORDER BY rowid`
	args := []any{table, table}
	if s.dialect == Postgres {
		// The name as a regclass is qualified when the search path alone would not find it.
		query = `SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
			WHERE i.indrelid = $1::regclass AND NOT i.indisunique ORDER BY i.indexrelid`
		args = args[:1]
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("indexes of %s: %w", table, err)
	}
	defer rows.Close()
	var out []tableIndex
	for rows.Next() {
		var ix tableIndex
		if err := rows.Scan(&ix.name, &ix.def); err != nil {
			return nil, err
		}
		// PostgreSQL gives the index of a partitioned table ON ONLY the parent; built
		// on the parent itself it is built on every partition again.
		ix.def = strings.Replace(ix.def, " ON ONLY ", " ON ", 1)
		out = append(out, ix)
	}
	return out, rows.Err()
}

// fresh reports whether a batch may be COPYed straight into a table being loaded: the
// import's keys are unique, or no primary key of the batch was met before in the
// import. Keys are kept as 64-bit hashes; a collision only sends the rest of the
// import through the upsert, which is always right, only slower.
func (l *load) fresh(rows [][]any, key []int) bool {
	if l == nil || !l.direct {
		return false
	}
	if l.keys == nil {
		return true // the import's keys never repeat (RegistryTx.KeysUnique)
	}
	var buf []byte
	for _, r := range rows {
		buf = appendKey(buf[:0], r, key)
		k := maphash.Bytes(l.seed, buf)
		if _, met := l.keys[k]; met {
			l.direct, l.keys = false, nil
			return false
		}
		l.keys[k] = struct{}{}
	}
	return true
}

// appendKey appends the key columns of a row, each value ended by a 0 byte: equal
// keys give equal bytes. Strings and dates, the key columns of the registry, are
// written without formatting.
func appendKey(b []byte, r []any, key []int) []byte {
	for _, i := range key {
		switch x := r[i].(type) {
		case string:
			b = append(b, x...)
		case civil.Date:
			b = binary.LittleEndian.AppendUint32(b, uint32(x))
		default:
			b = fmt.Append(b, x)
		}
		b = append(b, 0)
	}
	return b
}

// keyColumns gives the positions in cols of the columns of a conflict target.
func keyColumns(cols []string, conflict string) []int {
	var out []int
	for _, k := range strings.Split(conflict, ",") {
		for i, c := range cols {
			if c == strings.TrimSpace(k) {
				out = append(out, i)
			}
		}
	}
	return out
}
