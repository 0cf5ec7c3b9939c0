package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
)

// The two tables the question needs, with the generated files' columns.
const pgTables = `
CREATE TABLE persons (national_id text, bhxh_code text, full_name text, birth_date date, sex text,
  commune_code text, village_code text, household_id text);
CREATE TABLE bhyt_cards (card_no text, bhxh_code text, group_code text, benefit_level int,
  valid_from date, valid_to date, issuing_province text, payer_group text);`

const pgIndexes = `
CREATE INDEX ON bhyt_cards (bhxh_code, valid_from, valid_to);
CREATE INDEX ON persons (bhxh_code);
ANALYZE persons;
ANALYZE bhyt_cards;`

// coveredSQL counts, per commune, the distinct persons with a card valid on the
// date (an empty valid_to is open-ended).
const coveredSQL = `
SELECT p.commune_code, count(DISTINCT p.bhxh_code)
FROM persons p JOIN bhyt_cards c ON c.bhxh_code = p.bhxh_code
WHERE c.valid_from <= DATE '%[1]s' AND (c.valid_to IS NULL OR c.valid_to >= DATE '%[1]s')
GROUP BY p.commune_code`

// postgresSQLPhase loads persons.csv and bhyt_cards.csv with COPY into plain tables
// of a fresh schema, indexes them and asks the question in SQL.
func postgresSQLPhase(ctx context.Context, c config) (*result, error) {
	url, err := freshSchema(ctx, c.PG, "coveragebench_sql")
	if err != nil {
		return nil, err
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, err
	}
	defer conn.Close(ctx)
	res := &result{}
	t0 := time.Now()
	if _, err := conn.Exec(ctx, pgTables); err != nil {
		return nil, err
	}
	for _, t := range []string{"persons", "bhyt_cards"} {
		f, err := os.Open(dataFile(c, t+".csv"))
		if err != nil {
			return nil, err
		}
		_, err = conn.PgConn().CopyFrom(ctx, f, "COPY "+t+" FROM STDIN WITH (FORMAT csv, HEADER true)")
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("COPY %s: %w", t, err)
		}
	}
	res.LoadS = time.Since(t0).Seconds()
	t0 = time.Now()
	if _, err := conn.Exec(ctx, pgIndexes); err != nil {
		return nil, err
	}
	res.IndexS = time.Since(t0).Seconds()
	log.Printf("  postgres-sql: COPY %.1f s, index+analyze %.1f s", res.LoadS, res.IndexS)
	q := fmt.Sprintf(coveredSQL, c.Date)
	return res, ask(c, res, "postgres-sql", func() (map[string]int64, error) {
		rows, err := conn.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		return countsOf(rows)
	})
}

// ask times the question (timeQuery) into res and sums its answer.
func ask(c config, res *result, name string, q func() (map[string]int64, error)) error {
	var err error
	res.FirstQueryS, res.QueryMeanS, res.PerCommune, err = timeQuery(c, q)
	if err != nil {
		return err
	}
	for _, v := range res.PerCommune {
		res.Covered += v
	}
	log.Printf("  %s: first query %.2f s, later mean %.2f s, %d covered", name, res.FirstQueryS, res.QueryMeanS, res.Covered)
	return nil
}

// timeQuery runs a query c.SQLRepeat times; it returns the first run's time, the
// mean of the others (or the first when there is one run) and the first answer.
func timeQuery(c config, q func() (map[string]int64, error)) (first, later float64, ans map[string]int64, err error) {
	var rest []time.Duration
	for i := range max(1, c.SQLRepeat) {
		t := time.Now()
		a, err := q()
		if err != nil {
			return 0, 0, nil, err
		}
		d := time.Since(t)
		if i == 0 {
			first, ans = d.Seconds(), a
		} else {
			rest = append(rest, d)
		}
	}
	later = first
	if len(rest) > 0 {
		later = mean(rest).Seconds()
	}
	return first, later, ans, nil
}
