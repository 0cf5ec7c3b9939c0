package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver Phủ Sóng itself uses
)

// sqliteIndexes are pgIndexes in SQLite's words (an index needs a name).
const sqliteIndexes = `
CREATE INDEX cards_holder ON bhyt_cards (bhxh_code, valid_from, valid_to);
CREATE INDEX persons_holder ON persons (bhxh_code);
ANALYZE;`

// sqliteSQLPhase is the floor of the embedded store: persons.csv and bhyt_cards.csv
// inserted as they are — no checks, no geography — into plain tables of a fresh
// SQLite file with the driver and settings Phủ Sóng uses (one transaction, a
// prepared INSERT per row), then indexed, then the question in SQL.
func sqliteSQLPhase(ctx context.Context, c config) (*result, error) {
	path := filepath.Join(c.Out, fmt.Sprintf("sqlite-sql-%d.db", c.Persons))
	for _, suf := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(path + suf); err != nil && !os.IsNotExist(err) {
			return nil, err
		}
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-262144)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	res := &result{}
	t0 := time.Now()
	for _, s := range strings.Split(pgTables, ";") {
		if strings.TrimSpace(s) == "" {
			continue
		}
		if _, err := db.ExecContext(ctx, s); err != nil {
			return nil, err
		}
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	for _, t := range []string{"persons", "bhyt_cards"} {
		cols, err := header(dataFile(c, t+".csv"))
		if err != nil {
			return nil, err
		}
		st, err := tx.PrepareContext(ctx, fmt.Sprintf("INSERT INTO %s VALUES (%s)", t, strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")))
		if err != nil {
			return nil, err
		}
		args := make([]any, len(cols))
		_, err = eachRow(dataFile(c, t+".csv"), func(f [][]byte, _ []byte) error {
			for i := range args {
				if len(f[i]) == 0 {
					args[i] = nil // an open end, as COPY reads an empty field
				} else {
					args[i] = string(f[i])
				}
			}
			_, err := st.ExecContext(ctx, args...)
			return err
		})
		st.Close()
		if err != nil {
			return nil, fmt.Errorf("insert %s: %w", t, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	res.LoadS = time.Since(t0).Seconds()
	t0 = time.Now()
	if _, err := db.ExecContext(ctx, sqliteIndexes); err != nil {
		return nil, err
	}
	res.IndexS = time.Since(t0).Seconds()
	log.Printf("  sqlite-sql: insert %.1f s, index+analyze %.1f s", res.LoadS, res.IndexS)
	// SQLite has no DATE type: dates are ISO text, which compares in date order.
	q := strings.NewReplacer("DATE '", "'").Replace(fmt.Sprintf(coveredSQL, c.Date))
	return res, ask(c, res, "sqlite-sql", func() (map[string]int64, error) { return sqlCounts(ctx, db, q) })
}

// sqlCounts runs the question on a database/sql database.
func sqlCounts(ctx context.Context, db *sql.DB, q string) (map[string]int64, error) {
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return countsOf(rows)
}

// countsOf reads (commune code, count) rows.
func countsOf(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
}) (map[string]int64, error) {
	out := map[string]int64{}
	for rows.Next() {
		var code string
		var n int64
		if err := rows.Scan(&code, &n); err != nil {
			return nil, err
		}
		out[code] = n
	}
	return out, rows.Err()
}
