package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/phusong/phusong/internal/civil"
)

// nullDate is NULL for an open end, else the date.
func nullDate(d civil.Date) any {
	if d.IsOpen() {
		return nil
	}
	return d
}

// copyThreshold is the batch size from which PostgreSQL batches go through COPY into
// a temporary table and one INSERT … SELECT … ON CONFLICT, rather than a multi-row
// INSERT: the parse of a statement with thousands of parameters is the cost COPY saves.
const copyThreshold = 200

// upsert writes a batch: on PostgreSQL through COPY into a staging table and one
// INSERT … SELECT … ON CONFLICT when it is large, else with a prepared multi-row
// INSERT … ON CONFLICT. A large batch of a table loaded from empty whose keys are
// new to the import is COPYed straight into the table.
func (t *RegistryTx) upsert(table string, cols []string, conflict, update string, rows [][]any) error {
	if t.s.dialect == SQLite {
		return t.upsertEach(table, cols, conflict, update, rows)
	}
	key := keyColumns(cols, conflict)
	fresh := t.loading(table).fresh(rows, key)
	if !fresh {
		// One statement may not update a row twice on PostgreSQL: of rows with the
		// same key in a batch (a D03-TS naming a person under Tăng and Giảm), the
		// last is written, as separate batches would.
		rows = lastPerKey(rows, key)
	}
	if !t.bulk(rows) {
		return t.s.upsertMany(t.ctx, t.stmts, table, cols, conflict, update, rows)
	}
	if fresh {
		return t.copyRows(table, cols, rows)
	}
	tmp := "import_" + table
	if !t.staged[tmp] {
		// The staging table lives as long as the transaction.
		if _, err := t.tx.ExecContext(t.ctx, fmt.Sprintf("CREATE TEMP TABLE %s (LIKE %s INCLUDING DEFAULTS) ON COMMIT DROP", tmp, table)); err != nil {
			return err
		}
		if t.staged == nil {
			t.staged = map[string]bool{}
		}
		t.staged[tmp] = true
	} else if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM "+tmp); err != nil { // cheaper than TRUNCATE for one batch
		return err
	}
	if err := t.copyRows(tmp, cols, rows); err != nil {
		return err
	}
	list := strings.Join(cols, ", ")
	_, err := t.tx.ExecContext(t.ctx, fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM %s", table, list, list, tmp)+onConflict(table, conflict, update))
	if err != nil {
		return fmt.Errorf("upsert %s: %w", table, err)
	}
	return nil
}

// bulk reports whether a batch goes through COPY.
func (t *RegistryTx) bulk(rows [][]any) bool {
	return t.s.dialect == Postgres && len(rows) >= copyThreshold
}

// copyRows streams rows into a table with COPY on the transaction's connection.
func (t *RegistryTx) copyRows(table string, cols []string, rows [][]any) error {
	for _, r := range rows {
		for i, v := range r {
			switch x := v.(type) {
			case civil.Date:
				r[i] = x.Time()
			case driver.Valuer:
				if r[i], _ = x.Value(); r[i] == nil {
					r[i] = nil
				}
			}
		}
	}
	return copyInto(t.ctx, t.conn, table, cols, rows)
}

// copyInto streams rows into a table with COPY on a connection (inside whatever
// transaction that connection has open).
func copyInto(ctx context.Context, conn *sql.Conn, table string, cols []string, rows [][]any) error {
	return conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("copy: not a pgx connection")
		}
		_, err := c.Conn().CopyFrom(context.WithoutCancel(ctx), pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
}

// upsertEach writes a batch on SQLite one row at a time through one prepared
// statement. A single-row statement needs no statement journal, which a multi-row
// INSERT inside a transaction keeps for every page it touches: for imports that
// touch pages all over the indexes, that journal costs more than the calls saved.
func (t *RegistryTx) upsertEach(table string, cols []string, conflict, update string, rows [][]any) error {
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(cols, ", "), placeholders(len(cols))) + onConflict(table, conflict, update)
	for _, r := range rows {
		if _, err := t.stmts.ExecContext(t.ctx, q, r...); err != nil {
			return fmt.Errorf("upsert %s: %w", table, err)
		}
	}
	return nil
}

// onConflict is the upsert clause: update the row whose key exists already, unless
// the file says nothing new of it. A row written again unchanged is left alone (its
// source stays the file that last changed it), so a re-import dirties no page and, on
// PostgreSQL, leaves no dead row version behind.
func onConflict(table, conflict, update string) string {
	var differs []string
	for _, set := range strings.Split(update, ",") {
		col, val, ok := strings.Cut(set, "=")
		col, val = strings.TrimSpace(col), strings.TrimSpace(val)
		if !ok || col == "source" || col == "set_by" {
			continue
		}
		differs = append(differs, table+"."+col+" IS DISTINCT FROM "+val)
	}
	q := " ON CONFLICT (" + conflict + ") DO UPDATE SET " + update
	if len(differs) > 0 {
		q += " WHERE " + strings.Join(differs, " OR ")
	}
	return q
}

// lastPerKey keeps, of rows with equal values in the key columns, the last one, in
// the order of those last ones. A batch without repeats comes back as it is.
func lastPerKey(rows [][]any, key []int) [][]any {
	last := make(map[string]int, len(rows))
	keys := make([]string, len(rows))
	var buf []byte
	for i, r := range rows {
		buf = appendKey(buf[:0], r, key)
		keys[i] = string(buf)
		last[keys[i]] = i
	}
	if len(last) == len(rows) {
		return rows
	}
	out := make([][]any, 0, len(last))
	for i, r := range rows {
		if last[keys[i]] == i {
			out = append(out, r)
		}
	}
	return out
}
