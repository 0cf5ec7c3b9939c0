package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/fault"
)

// User is an account.
type User struct {
	ID           int64     `json:"id"`
	Username     string    `json:"username"`
	DisplayName  string    `json:"display_name"`
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
}

// CreateUser adds an account; the username must be new.
func (s *Store) CreateUser(ctx context.Context, u *User) error {
	u.CreatedAt = time.Now().UTC()
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO users (username, display_name, password_hash, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`), u.Username, u.DisplayName, u.PasswordHash, u.CreatedAt).Scan(&u.ID)
	if IsUnique(err) {
		return fault.Newf(fault.Conflict, "tên đăng nhập %s đã có", "username %s exists already", u.Username)
	}
	return err
}

// SetPassword replaces a user's password hash.
func (s *Store) SetPassword(ctx context.Context, userID int64, hash string) error {
	_, err := s.db.ExecContext(ctx, s.q("UPDATE users SET password_hash = ? WHERE id = ?"), hash, userID)
	return err
}

// UserByName finds an account by username.
func (s *Store) UserByName(ctx context.Context, name string) (*User, error) {
	return s.userWhere(ctx, "username = ?", name)
}

// UserByID finds an account by ID.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	return s.userWhere(ctx, "id = ?", id)
}

func (s *Store) userWhere(ctx context.Context, where string, arg any) (*User, error) {
	u := &User{}
	var disabled int
	err := s.rd.QueryRowContext(ctx, s.q("SELECT id, username, display_name, password_hash, disabled, created_at FROM users WHERE "+where), arg).
		Scan(&u.ID, &u.Username, &u.DisplayName, &u.PasswordHash, &disabled, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.New(fault.NotFound, "không có người dùng này", "no such user")
	}
	u.Disabled = disabled != 0
	return u, err
}

// Users lists all accounts by username.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	var out []User
	err := s.each(ctx, s.rd, "SELECT id, username, display_name, disabled, created_at FROM users ORDER BY username", func(r *sql.Rows) error {
		var u User
		var disabled int
		if err := r.Scan(&u.ID, &u.Username, &u.DisplayName, &disabled, &u.CreatedAt); err != nil {
			return err
		}
		u.Disabled = disabled != 0
		out = append(out, u)
		return nil
	})
	return out, err
}

// AddGrant gives a user a role on a unit (0 = national); granting twice is a no-op.
func (s *Store) AddGrant(ctx context.Context, userID int64, g auth.Grant) error {
	var unit any
	if g.UnitID != 0 {
		unit = g.UnitID
	}
	_, err := s.db.ExecContext(ctx, s.q(`INSERT INTO grants (user_id, role, unit_id, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`), userID, string(g.Role), unit, time.Now().UTC())
	return err
}

// Grants are a user's grants.
func (s *Store) Grants(ctx context.Context, userID int64) ([]auth.Grant, error) {
	var out []auth.Grant
	err := s.each(ctx, s.rd, `SELECT g.role, COALESCE(g.unit_id, 0), COALESCE(u.code, '') FROM grants g
		LEFT JOIN units u ON u.id = g.unit_id WHERE g.user_id = ? ORDER BY g.id`, func(r *sql.Rows) error {
		var g auth.Grant
		var role string
		if err := r.Scan(&role, &g.UnitID, &g.Unit); err != nil {
			return err
		}
		g.Role = auth.Role(role)
		out = append(out, g)
		return nil
	}, userID)
	return out, err
}

// Session is a logged-in browser.
type Session struct {
	UserID    int64
	CSRF      string
	ExpiresAt time.Time
}

// CreateSession stores a session under the hash of its ID.
func (s *Store) CreateSession(ctx context.Context, idHash string, sess Session) error {
	_, err := s.db.ExecContext(ctx, s.q("INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)"),
		idHash, sess.UserID, sess.CSRF, time.Now().UTC(), sess.ExpiresAt.UTC())
	return err
}

// SessionByHash finds a live session.
func (s *Store) SessionByHash(ctx context.Context, idHash string) (*Session, error) {
	sess := &Session{}
	err := s.rd.QueryRowContext(ctx, s.q(`SELECT s.user_id, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = 0`), idHash, time.Now().UTC()).Scan(&sess.UserID, &sess.CSRF, &sess.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fault.New(fault.Unauthenticated, "phiên đã hết hạn", "the session has expired")
	}
	return sess, err
}

// DeleteSession ends a session (log-out), and removes expired ones.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.db.ExecContext(ctx, s.q("DELETE FROM sessions WHERE id_hash = ? OR expires_at < ?"), idHash, time.Now().UTC())
	return err
}

// CreateToken stores an API token by the hash of its secret.
func (s *Store) CreateToken(ctx context.Context, userID int64, name, hash string, expires *time.Time) error {
	_, err := s.db.ExecContext(ctx, s.q("INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)"),
		userID, name, hash, time.Now().UTC(), expires)
	return err
}

// TokenUser is the user of a live API token, and marks it used.
func (s *Store) TokenUser(ctx context.Context, hash string) (int64, error) {
	var id int64
	now := time.Now().UTC()
	err := s.rd.QueryRowContext(ctx, s.q(`SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = ? AND (t.expires_at IS NULL OR t.expires_at > ?) AND u.disabled = 0`), hash, now).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fault.New(fault.Unauthenticated, "mã truy cập API không hợp lệ", "invalid API token")
	}
	if err == nil {
		_, err = s.db.ExecContext(ctx, s.q("UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?"), now, hash)
	}
	return id, err
}

// AuditEntry is one line of the audit log: every write and every export of personal data.
type AuditEntry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	UserID   int64     `json:"user_id,omitempty"`
	Username string    `json:"username"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	Detail   string    `json:"detail"`
	IP       string    `json:"ip"`
}

// Audit appends to the audit log.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	var uid any
	if e.UserID != 0 {
		uid = e.UserID
	}
	_, err := s.db.ExecContext(ctx, s.q("INSERT INTO audit_log (at, user_id, username, action, object, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?)"),
		time.Now().UTC(), uid, e.Username, e.Action, e.Object, e.Detail, e.IP)
	return err
}

// AuditLog is the newest entries first, optionally of one action.
func (s *Store) AuditLog(ctx context.Context, action string, limit int) ([]AuditEntry, error) {
	var out []AuditEntry
	err := s.each(ctx, s.rd, `SELECT id, at, COALESCE(user_id, 0), username, action, object, detail, ip FROM audit_log
		WHERE (? = '' OR action = ?) ORDER BY id DESC LIMIT ?`, func(r *sql.Rows) error {
		var e AuditEntry
		if err := r.Scan(&e.ID, &e.At, &e.UserID, &e.Username, &e.Action, &e.Object, &e.Detail, &e.IP); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	}, action, action, limit)
	return out, err
}

// IsUnique reports whether err is a database's refusal of a key that is stored
// already.
func IsUnique(err error) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	return strings.Contains(msg, "UNIQUE constraint") || strings.Contains(msg, "SQLSTATE 23505")
}
