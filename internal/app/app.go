// Package app is the service layer every shell (CLI, web, API) calls: it resolves the
// caller's scope, checks it, calls the domain and the store, and writes the audit log.
package app

import (
	"context"
	"log/slog"
	"sync"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/policy"
	"github.com/phusong/phusong/internal/store"
)

// App is one running Phủ Sóng over one store.
type App struct {
	Store    *store.Store
	Log      *slog.Logger
	Throttle *auth.Throttle
	// KeepIndex makes every registry import bring the coverage index up to date
	// (building it first if need be), as a server wants; a one-shot command leaves
	// it to the next query.
	KeepIndex bool
	// PendingMax is how many rows an import keeps for bringing the index up to date
	// (about 40 bytes each); an import of more drops them and the index is rebuilt
	// from the store after its commit, a bucket at a time (rebuild.go). 0: 16 million.
	PendingMax int

	mu      sync.Mutex
	scopes  map[scopeKey]*auth.Scope // resolved scopes per user and atlas
	book    *policy.Book             // policy tables in force, for bookVer
	bookVer string

	engMu sync.Mutex
	eng   *engine // the coverage index
}

type scopeKey struct {
	user  int64
	atlas *geo.Atlas
	sig   string
}

// New wraps a store.
func New(st *store.Store, log *slog.Logger) *App {
	if log == nil {
		log = slog.Default()
	}
	return &App{Store: st, Log: log, Throttle: auth.NewThrottle(), scopes: map[scopeKey]*auth.Scope{}}
}

// System is the scope of the operator at the command line, who holds the database
// itself: national, all permissions.
var System = &auth.Scope{UserID: -1, Username: "system", Grants: []auth.Grant{{Role: auth.Admin}}}

func init() {
	// A national admin grant needs no atlas to resolve.
	*System = *auth.NewScope(-1, "system", []auth.Grant{{Role: auth.Admin}}, nil)
}

// Atlas is the current geography.
func (a *App) Atlas(ctx context.Context) (*geo.Atlas, error) { return a.Store.Atlas(ctx) }

// audit writes one audit line; a failure to audit is logged, never hidden.
func (a *App) audit(ctx context.Context, sc *auth.Scope, action, object, detail string) {
	e := store.AuditEntry{Username: sc.Username, Action: action, Object: object, Detail: detail, IP: ClientIP(ctx)}
	if sc.UserID > 0 {
		e.UserID = sc.UserID
	}
	if err := a.Store.Audit(ctx, e); err != nil {
		a.Log.Error("audit write failed", "action", action, "err", err)
	}
}

type ipKey struct{}

// WithClientIP records the caller's address for the audit log.
func WithClientIP(ctx context.Context, ip string) context.Context {
	return context.WithValue(ctx, ipKey{}, ip)
}

// ClientIP is the caller's address, "cli" at the command line.
func ClientIP(ctx context.Context) string {
	if ip, ok := ctx.Value(ipKey{}).(string); ok {
		return ip
	}
	return "cli"
}
