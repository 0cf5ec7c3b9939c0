package main

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"runtime"
	"strings"
	"time"

	_ "github.com/marcboeker/go-duckdb" // registers the "duckdb" driver
)

// duckdbPhase reads persons.csv and bhyt_cards.csv with read_csv into tables of an
// in-memory DuckDB and asks the same question.
func duckdbPhase(ctx context.Context, c config) (*result, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	res := &result{}
	quote := func(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
	load := []string{
		fmt.Sprintf(`CREATE TABLE persons AS SELECT * FROM read_csv(%s, header=true, columns={
  'national_id':'VARCHAR','bhxh_code':'VARCHAR','full_name':'VARCHAR','birth_date':'DATE','sex':'VARCHAR',
  'commune_code':'VARCHAR','village_code':'VARCHAR','household_id':'VARCHAR'})`, quote(dataFile(c, "persons.csv"))),
		fmt.Sprintf(`CREATE TABLE bhyt_cards AS SELECT * FROM read_csv(%s, header=true, columns={
  'card_no':'VARCHAR','bhxh_code':'VARCHAR','group_code':'VARCHAR','benefit_level':'INTEGER','valid_from':'DATE',
  'valid_to':'DATE','issuing_province':'VARCHAR','payer_group':'VARCHAR'})`, quote(dataFile(c, "bhyt_cards.csv"))),
	}
	var version string
	if err := db.QueryRowContext(ctx, "SELECT version()").Scan(&version); err != nil {
		return nil, err
	}
	log.Printf("  duckdb %s, %d threads", version, runtime.NumCPU())
	t0 := time.Now()
	for _, s := range load {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return nil, err
		}
	}
	res.LoadS = time.Since(t0).Seconds()
	q := fmt.Sprintf(coveredSQL, c.Date)
	log.Printf("  duckdb: load %.1f s", res.LoadS)
	return res, ask(c, res, "duckdb", func() (map[string]int64, error) { return sqlCounts(ctx, db, q) })
}
