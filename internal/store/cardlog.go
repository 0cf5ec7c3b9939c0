package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// A BHYT card file imported into a registry that already has cards (with DeferCards:
// the application sets it for card files, app/registry.go says why) commits its rows
// to card_log (0009_card_log.sql) instead of upserting them into bhyt_cards; the
// merge into bhyt_cards follows once the coverage index has taken the import from
// the rows it wrote (MergeCardsLater), in a transaction of its own on a goroutine.
// On a 1M-person registry the upsert of a daily file of 100,000 changed cards
// dirties a page of the table and of its key for nearly every row, seconds of work
// the committee need not wait for.
//
// Every read of bhyt_cards in this package (SettleCards) and every import
// (BeginRegistry) waits until the log is merged, so no one ever reads bhyt_cards
// without the rows of a committed import. A store opened on a database with rows
// left in the log (a process stopped before its merge) merges them first.
//
// The log is merged by the process that wrote it (MergeCardsLater). A read in
// another process finds the rows in the log and merges them itself, waiting for the
// writing process's merge if it has begun.

// cardLog is the store's side of the log.
type cardLog struct {
	mu      sync.Mutex     // held by a merge
	pending atomic.Bool    // rows may be in card_log
	running sync.WaitGroup // merges started after a commit, for Close
	merges  atomic.Int64   // merges that found rows
	last    atomic.Int64   // nanoseconds the last of those took
}

// The columns of a card row as an import writes it, and what an upsert of a row whose
// key is stored already changes. bhxh_code is not updated: it is the end of the card
// number, part of the key.
var (
	cardCols     = []string{"province_code", "card_no", "bhxh_code", "national_id", "group_code", "payer_group", "benefit_level", "valid_from", "valid_to", "issuing_province", "initial_facility", "source"}
	cardConflict = "province_code, card_no, valid_from"
	cardUpdate   = "group_code = excluded.group_code, payer_group = excluded.payer_group, benefit_level = excluded.benefit_level, valid_to = excluded.valid_to, issuing_province = excluded.issuing_province, initial_facility = excluded.initial_facility, source = excluded.source"
)

// SettleCards returns once no committed card row waits in the log: after the merge
// running, or one it runs itself. Rows another process (a command-line import beside
// the server, or another server on the same PostgreSQL database) committed to the
// log are found by a look at the table, and merged here if that process has not yet
// done so.
func (s *Store) SettleCards(ctx context.Context) error {
	if s.cards.pending.Load() {
		return s.mergeCards(ctx, false)
	}
	var logged bool
	if err := s.rd.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM card_log)").Scan(&logged); err != nil {
		return err
	}
	if !logged {
		return nil
	}
	return s.mergeCards(ctx, true)
}

// CardMerges is how many merges of the log found rows, and how long the last took.
func (s *Store) CardMerges() (int64, time.Duration) {
	return s.cards.merges.Load(), time.Duration(s.cards.last.Load())
}

// MergeCardsLater merges the log on a goroutine when an import committed rows to
// it. The application calls it once the coverage index has taken the import, so
// that the merge does not compete with that for the processor; reads before then
// merge themselves (SettleCards), and so does the next import or Close.
func (s *Store) MergeCardsLater() {
	if !s.cards.pending.Load() {
		return
	}
	s.cards.running.Add(1)
	go func() {
		defer s.cards.running.Done()
		// A failure leaves pending set: the next read or import tries again and
		// reports it.
		_ = s.mergeCards(context.Background(), false)
	}()
}

// mergeCards moves the rows of card_log into bhyt_cards in one transaction. always
// merges even when this process wrote nothing to the log (SettleCards found rows).
func (s *Store) mergeCards(ctx context.Context, always bool) error {
	s.cards.mu.Lock()
	defer s.cards.mu.Unlock()
	if !always && !s.cards.pending.Load() {
		return nil // merged while this one waited
	}
	start := time.Now()
	n, err := s.mergeCardLog(ctx)
	if err != nil {
		return fmt.Errorf("gộp thẻ BHYT chờ ghi / merge logged BHYT cards: %w", err)
	}
	s.cards.pending.Store(false)
	if n > 0 {
		s.cards.merges.Add(1)
		s.cards.last.Store(int64(time.Since(start)))
		s.wrote()
	}
	return nil
}

// mergeBatch is how many log rows SQLite reads at a time while merging.
const mergeBatch = 5000

// mergeCardLog upserts the log's rows in the order they were written, so that of two
// rows with one key the later wins as in an import, and empties the log; it returns
// the rows merged.
func (s *Store) mergeCardLog(ctx context.Context) (int, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	list := strings.Join(cardCols, ", ")
	var n int
	if s.dialect == Postgres {
		// Imports of other processes wait until the merge commits (they insert with
		// ROW EXCLUSIVE); one statement may update a row once, hence the last row
		// of each key.
		if _, err := tx.ExecContext(ctx, "LOCK TABLE card_log IN EXCLUSIVE MODE"); err != nil {
			return 0, err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO bhyt_cards ("+list+") SELECT DISTINCT ON ("+cardConflict+") "+list+
			" FROM card_log ORDER BY "+cardConflict+", seq DESC"+onConflict("bhyt_cards", cardConflict, cardUpdate)); err != nil {
			return 0, err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM card_log")
		if err != nil {
			return 0, err
		}
		m, err := res.RowsAffected()
		if err != nil {
			return 0, err
		}
		n = int(m)
	} else {
		// SQLite: one row a statement, as upsertEach (a multi-row statement would
		// keep a statement journal of every page it touches).
		up, err := tx.PrepareContext(ctx, fmt.Sprintf("INSERT INTO bhyt_cards (%s) VALUES (%s)", list, placeholders(len(cardCols)))+onConflict("bhyt_cards", cardConflict, cardUpdate))
		if err != nil {
			return 0, err
		}
		defer up.Close()
		var after int64
		for {
			rows, last, err := readLogBatch(ctx, tx, list, after)
			if err != nil {
				return 0, err
			}
			if len(rows) == 0 {
				break
			}
			for _, r := range rows {
				if _, err := up.ExecContext(ctx, r...); err != nil {
					return 0, err
				}
			}
			n += len(rows)
			after = last
		}
		if n > 0 {
			if _, err := tx.ExecContext(ctx, "DELETE FROM card_log"); err != nil {
				return 0, err
			}
		}
	}
	return n, tx.Commit()
}

// readLogBatch reads up to mergeBatch log rows after seq after, and the last seq.
func readLogBatch(ctx context.Context, tx *sql.Tx, list string, after int64) ([][]any, int64, error) {
	rs, err := tx.QueryContext(ctx, "SELECT seq, "+list+" FROM card_log WHERE seq > ? ORDER BY seq LIMIT ?", after, mergeBatch)
	if err != nil {
		return nil, 0, err
	}
	defer rs.Close()
	var out [][]any
	last := after
	for rs.Next() {
		vals := make([]any, len(cardCols))
		dest := make([]any, 1+len(cardCols))
		dest[0] = &last
		for i := range vals {
			dest[i+1] = &vals[i]
		}
		if err := rs.Scan(dest...); err != nil {
			return nil, 0, err
		}
		out = append(out, vals)
	}
	return out, last, rs.Err()
}

// logCards commits an import's card rows to the log, in file order.
func (t *RegistryTx) logCards(vals [][]any) error {
	t.logged = true // reads wait for a merge once the import commits
	if t.s.dialect == Postgres {
		if t.bulk(vals) {
			return t.copyRows("card_log", cardCols, vals)
		}
		return t.s.insertMany(t.ctx, t.tx, "card_log", cardCols, vals)
	}
	// Rows go cardLogRows to a statement (the rest one by one): 100,000 rows took
	// 0.32 s this way and 0.51 s one to a statement (the driver's cost per statement).
	args := make([]any, 0, cardLogRows*len(cardCols))
	for len(vals) > 0 {
		n := min(len(vals), cardLogRows)
		if n < cardLogRows {
			n = 1
		}
		args = args[:0]
		for _, r := range vals[:n] {
			args = append(args, r...)
		}
		if _, err := t.stmts.ExecContext(t.ctx, cardLogInsert[n], args...); err != nil {
			return fmt.Errorf("card_log: %w", err)
		}
		vals = vals[n:]
	}
	return nil
}

// cardLogRows is how many card rows one insert into the log carries on SQLite.
const cardLogRows = 64

// cardLogInsert is the insert of one row into the log, and of cardLogRows.
var cardLogInsert = func() map[int]string {
	q := fmt.Sprintf("INSERT INTO card_log (%s) VALUES ", strings.Join(cardCols, ", "))
	row := "(" + placeholders(len(cardCols)) + ")"
	return map[int]string{1: q + row, cardLogRows: q + strings.TrimSuffix(strings.Repeat(row+", ", cardLogRows), ", ")}
}()
