// Package store is Phủ Sóng's database access. One schema serves SQLite (the embedded
// default, pure Go) and PostgreSQL (production) with small per-dialect substitutions;
// migrations are embedded and run on open. The store keeps data; it never decides
// policy.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"           // SQLite driver "sqlite", pure Go

	"github.com/phusong/phusong/internal/geo"
)

// Dialect is the SQL flavour of the database behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultURL is the database used when none is named (PRODUCT.md §5).
const DefaultURL = "./phusong.db"

// Store is an open database with its schema up to date.
type Store struct {
	db      *sql.DB
	rd      *sql.DB // reads: on a SQLite file, a pool of read-only connections beside the one writer
	ckpt    *checkpointer
	dialect Dialect
	url     string

	cards cardLog // card rows committed but not yet merged (cardlog.go)

	atlasMu  sync.Mutex
	atlas    *geo.Atlas
	atlasVer string

	partitions map[string]bool // PostgreSQL: the names of the province partitions (partitionOf)
}

// Open connects to url — "sqlite:PATH", a bare PATH, or "postgres://…" — runs the
// migrations, and loads the reference data (official units, policy tables) into a
// new database.
func Open(ctx context.Context, url string) (*Store, error) {
	if url == "" {
		url = DefaultURL
	}
	s := &Store{url: url}
	var err error
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		s.dialect = Postgres
		s.db, err = openPostgres(url)
	default:
		s.dialect = SQLite
		path := strings.TrimPrefix(url, "sqlite:")
		dsn := sqliteDSN(path)
		if onDisk(path) {
			// The log is copied back by a connection of its own (checkpointer), not in
			// the writer's commits.
			dsn += "&_pragma=wal_autocheckpoint(0)"
		}
		s.db, err = sql.Open("sqlite", dsn)
		s.db.SetMaxOpenConns(1) // one writer; SQLite serialises anyway and this avoids SQLITE_BUSY
	}
	s.rd = s.db
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", redact(url), err)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("connect %s: %w", redact(url), err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	if err := s.seedReference(ctx); err != nil {
		s.db.Close()
		return nil, err
	}
	if s.dialect == SQLite {
		if err := s.openReaders(strings.TrimPrefix(url, "sqlite:")); err != nil {
			s.Close()
			return nil, err
		}
	} else if err := s.loadPartitions(ctx); err != nil {
		s.Close()
		return nil, err
	}
	// Rows a process left in the log before its merge.
	if err := s.SettleCards(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func sqliteDSN(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return "file:" + path + sep + "_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-262144)"
}

// redact hides a password in a URL for logs and errors.
func redact(url string) string {
	at := strings.LastIndex(url, "@")
	scheme := strings.Index(url, "://")
	if at < 0 || scheme < 0 {
		return url
	}
	userinfo := url[scheme+3 : at]
	if i := strings.Index(userinfo, ":"); i >= 0 {
		return url[:scheme+3] + userinfo[:i] + ":***" + url[at:]
	}
	return url
}

// Close closes the database.
func (s *Store) Close() error {
	s.cards.running.Wait() // a merge after an import's commit
	var mergeErr error
	if s.cards.pending.Load() { // an import whose merge was not started, or failed
		mergeErr = s.mergeCards(context.Background(), false)
	}
	if s.ckpt != nil {
		close(s.ckpt.stop)
		<-s.ckpt.done
		s.ckpt.db.Close()
	}
	if s.rd != s.db {
		s.rd.Close()
	}
	return errors.Join(mergeErr, s.db.Close())
}

// onDisk reports whether a SQLite path is a file (not a database in memory, which
// is one connection's own).
func onDisk(path string) bool {
	return !strings.Contains(path, ":memory:") && !strings.Contains(path, "mode=memory")
}

// readerMmap is how much of a SQLite file the readers map into memory (SQLite's
// limit in this build). A read of a mapped page is a memory access instead of a
// system call and a copy into the connection's cache: an import's read of the
// stored cards of 97,545 holders (bench/README.md, session 6, before the index kept
// them) cost about a second less. The mapped pages are the operating system's page cache: they count
// in the process's resident memory once read, and are given back under pressure.
const readerMmap = 2147418112

// openReaders gives a SQLite file a pool of read-only connections: in WAL mode they
// read the last commit while the one writer works, so the dashboard, sign-in and
// lists keep answering during an import instead of waiting for its connection. A
// database in memory keeps reading through the writer.
func (s *Store) openReaders(path string) error {
	if !onDisk(path) {
		return nil
	}
	rd, err := sql.Open("sqlite", sqliteDSN(path)+"&_pragma=query_only(1)&_pragma=cache_size(-65536)&_pragma=mmap_size("+strconv.Itoa(readerMmap)+")")
	if err != nil {
		return err
	}
	rd.SetMaxOpenConns(4)
	s.rd = rd
	cdb, err := sql.Open("sqlite", sqliteDSN(path)+"&_pragma=cache_size(-2048)")
	if err != nil {
		return err
	}
	cdb.SetMaxOpenConns(1)
	s.ckpt = &checkpointer{db: cdb, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go s.ckpt.run()
	return nil
}

// openPostgres opens a pool whose sessions do not compile queries (jit), unless the
// URL sets jit itself. The store's queries are lists of one commune and look-ups by
// key over province partitions, whose plans cost enough to be compiled: at 1M persons
// the compilation took 9–19 s of an outreach list that runs in under one without it
// (bench/README.md, session 8). It is set once a session has begun, not in the
// startup message, which a connection pooler such as PgBouncer may refuse.
func openPostgres(url string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	if _, set := cfg.RuntimeParams["jit"]; set {
		return stdlib.OpenDB(*cfg), nil
	}
	return stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(func(ctx context.Context, c *pgx.Conn) error {
		_, err := c.Exec(ctx, "SET jit = off")
		return err
	})), nil
}

// checkpointer copies the write-ahead log of a SQLite file back into the database
// on its own connection: after each import, and every checkpointEvery. In a commit
// (SQLite's default, once the log passes 1,000 pages) the copy of a large import
// would hold the writer, and the import would be visible only after it. A PASSIVE
// checkpoint waits for no one; the log starts again from the top at the first
// write after a checkpoint that copied all of it.
type checkpointer struct {
	db               *sql.DB
	kick, stop, done chan struct{}
	runs             atomic.Int64 // checkpoints done
}

const checkpointEvery = 30 * time.Second

func (c *checkpointer) run() {
	defer close(c.done)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-c.kick:
		case <-tick.C:
		}
		if _, _, err := c.checkpoint(context.Background()); err == nil { // a failed one is tried again later
			c.runs.Add(1)
		}
	}
}

// checkpoint runs one PASSIVE checkpoint: the frames in the log and those copied.
func (c *checkpointer) checkpoint(ctx context.Context) (logFrames, copied int, err error) {
	var busy int
	err = c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &logFrames, &copied)
	return logFrames, copied, err
}

// wrote asks for a checkpoint after a write (an import's commit).
func (s *Store) wrote() {
	if s.ckpt == nil {
		return
	}
	select {
	case s.ckpt.kick <- struct{}{}:
	default: // one is already asked for
	}
}

// Dialect tells which database is behind the store.
func (s *Store) Dialect() Dialect { return s.dialect }

// DB is the underlying handle, for health checks and tests.
func (s *Store) DB() *sql.DB { return s.db }

// q rewrites a query written with ? placeholders for the dialect.
func (s *Store) q(query string) string {
	if s.dialect != Postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for _, r := range query {
		if r == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// inTx runs fn in one transaction: all of it is written or none.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// insertMany writes rows with multi-row INSERTs in batches; it is portable and, on
// PostgreSQL, within a small factor of COPY for the sizes written here.
func (s *Store) insertMany(ctx context.Context, q querier, table string, cols []string, rows [][]any) error {
	batch := 30000 / len(cols)
	if batch > 1000 {
		batch = 1000
	}
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, (end-start)*len(cols))
		ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString(ph)
			args = append(args, rows[i]...)
		}
		if _, err := q.ExecContext(ctx, s.q(b.String()), args...); err != nil {
			return fmt.Errorf("insert into %s: %w", table, err)
		}
	}
	return nil
}

// Meta reads a value from the meta table ("" when absent).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.rd.QueryRowContext(ctx, s.q("SELECT value FROM meta WHERE key = ?"), key).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, err
}
