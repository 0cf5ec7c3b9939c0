package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/store"
)

// SessionTTL is how long a browser session lasts.
const SessionTTL = 12 * time.Hour

// ScopeOf resolves a user's grants against the current geography; the result is
// cached until the grants or the geography change.
func (a *App) ScopeOf(ctx context.Context, userID int64) (*auth.Scope, error) {
	u, err := a.Store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	grants, err := a.Store.Grants(ctx, userID)
	if err != nil {
		return nil, err
	}
	atlas, err := a.Atlas(ctx)
	if err != nil {
		return nil, err
	}
	key := scopeKey{userID, atlas, fmt.Sprint(grants)}
	a.mu.Lock()
	defer a.mu.Unlock()
	if sc, ok := a.scopes[key]; ok {
		return sc, nil
	}
	if len(a.scopes) > 10000 {
		a.scopes = map[scopeKey]*auth.Scope{}
	}
	sc := auth.NewScope(u.ID, u.Username, grants, atlas)
	a.scopes[key] = sc
	return sc, nil
}

// Login checks a password (throttled) and opens a session; it returns the session ID
// for the cookie and the session's CSRF token.
func (a *App) Login(ctx context.Context, username, password string) (sid, csrf string, err error) {
	ip := ClientIP(ctx)
	if err := a.Throttle.Allow(username, ip); err != nil {
		return "", "", err
	}
	u, err := a.Store.UserByName(ctx, username)
	if err != nil || u.Disabled || !auth.CheckPassword(u.PasswordHash, password) {
		a.Throttle.Failed(username, ip)
		a.audit(ctx, &auth.Scope{Username: username}, "login.failed", username, "")
		return "", "", auth.ErrBadLogin
	}
	a.Throttle.Succeeded(username)
	sid, csrf = auth.NewSecret(), auth.NewSecret()
	err = a.Store.CreateSession(ctx, auth.HashToken(sid), store.Session{UserID: u.ID, CSRF: csrf, ExpiresAt: time.Now().Add(SessionTTL)})
	if err == nil {
		a.audit(ctx, &auth.Scope{UserID: u.ID, Username: u.Username}, "login", username, "")
	}
	return sid, csrf, err
}

// Session resolves a session cookie to the caller's scope and CSRF token.
func (a *App) Session(ctx context.Context, sid string) (*auth.Scope, string, error) {
	sess, err := a.Store.SessionByHash(ctx, auth.HashToken(sid))
	if err != nil {
		return nil, "", err
	}
	sc, err := a.ScopeOf(ctx, sess.UserID)
	return sc, sess.CSRF, err
}

// Logout ends a session.
func (a *App) Logout(ctx context.Context, sid string) error {
	return a.Store.DeleteSession(ctx, auth.HashToken(sid))
}

// TokenScope resolves an API bearer token.
func (a *App) TokenScope(ctx context.Context, token string) (*auth.Scope, error) {
	if !strings.HasPrefix(token, auth.TokenPrefix) {
		return nil, fault.New(fault.Unauthenticated, "mã truy cập API không hợp lệ", "invalid API token")
	}
	uid, err := a.Store.TokenUser(ctx, auth.HashToken(token))
	if err != nil {
		return nil, err
	}
	return a.ScopeOf(ctx, uid)
}

func requireManage(sc *auth.Scope) error {
	if !sc.CanNational(auth.UsersManage) {
		return fault.ErrForbidden
	}
	return nil
}

// AddUser creates an account. An empty password generates one, which is returned.
func (a *App) AddUser(ctx context.Context, sc *auth.Scope, username, display, password string) (string, error) {
	if err := requireManage(sc); err != nil {
		return "", err
	}
	username = strings.TrimSpace(username)
	if username == "" || strings.ContainsAny(username, " \t/") || len(username) > 64 {
		return "", fault.New(fault.Invalid, "tên đăng nhập không hợp lệ (không khoảng trắng, tối đa 64 ký tự)", "invalid username (no spaces, at most 64 characters)")
	}
	if password == "" {
		password = auth.NewSecret()[:16]
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return "", err
	}
	if err := a.Store.CreateUser(ctx, &store.User{Username: username, DisplayName: display, PasswordHash: hash}); err != nil {
		return "", err
	}
	a.audit(ctx, sc, "user.add", username, display)
	return password, nil
}

// Grant gives a user a role on the unit with code valid on date ("" = national).
func (a *App) Grant(ctx context.Context, sc *auth.Scope, username string, role auth.Role, unitCode string, date civil.Date) error {
	if err := requireManage(sc); err != nil {
		return err
	}
	if _, ok := auth.ParseRole(string(role)); !ok {
		return fault.Newf(fault.Invalid, "vai trò không có: %s", "unknown role: %s", role)
	}
	u, err := a.Store.UserByName(ctx, username)
	if err != nil {
		return err
	}
	g := auth.Grant{Role: role}
	if unitCode != "" {
		atlas, err := a.Atlas(ctx)
		if err != nil {
			return err
		}
		unit, err := atlas.Find(unitCode, date)
		if err != nil {
			return err
		}
		if unit.Level == geo.District {
			return fault.New(fault.Invalid, "không cấp quyền trên cấp huyện đã giải thể", "no grants on districts, which no longer exist")
		}
		g.UnitID = unit.ID
	} else if role != auth.Admin && role != auth.BHXHOfficer {
		return fault.New(fault.Invalid, "vai trò này cần một đơn vị (--unit)", "this role needs a unit (--unit)")
	}
	if err := a.Store.AddGrant(ctx, u.ID, g); err != nil {
		return err
	}
	a.audit(ctx, sc, "user.grant", username, fmt.Sprintf("%s %s", role, unitCode))
	return nil
}

// CreateToken issues an API token for a user; the secret is shown once.
func (a *App) CreateToken(ctx context.Context, sc *auth.Scope, username, name string, ttl time.Duration) (string, error) {
	if err := requireManage(sc); err != nil && sc.Username != username {
		return "", err
	}
	u, err := a.Store.UserByName(ctx, username)
	if err != nil {
		return "", err
	}
	tok := auth.TokenPrefix + auth.NewSecret()
	var exp *time.Time
	if ttl > 0 {
		t := time.Now().Add(ttl).UTC()
		exp = &t
	}
	if err := a.Store.CreateToken(ctx, u.ID, name, auth.HashToken(tok), exp); err != nil {
		return "", err
	}
	a.audit(ctx, sc, "token.create", username, name)
	return tok, nil
}

// AuditLog lists the audit trail (admins only).
func (a *App) AuditLog(ctx context.Context, sc *auth.Scope, action string, limit int) ([]store.AuditEntry, error) {
	if !sc.CanNational(auth.AuditRead) {
		return nil, fault.ErrForbidden
	}
	return a.Store.AuditLog(ctx, action, limit)
}
