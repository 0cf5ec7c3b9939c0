// Package httpx is what the web pages and the JSON API share: who the caller is
// (session cookie or bearer token), the route table with the permission each route
// needs, CSRF checks, error kinds mapped to status codes, language, logs and metrics.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
)

// SessionCookie holds the session ID; the database keeps only its hash.
const SessionCookie = "phusong_session"

type ctxKey int

const (
	scopeKey ctxKey = iota
	csrfKey
)

// Scope is the caller's scope (auth.Anonymous when not logged in).
func Scope(r *http.Request) *auth.Scope {
	if sc, ok := r.Context().Value(scopeKey).(*auth.Scope); ok {
		return sc
	}
	return auth.Anonymous
}

// CSRF is the session's CSRF token, to put in forms.
func CSRF(r *http.Request) string {
	s, _ := r.Context().Value(csrfKey).(string)
	return s
}

// Handler is an HTTP handler that returns its error; the route wrapper renders it.
type Handler func(w http.ResponseWriter, r *http.Request) error

// Route is one entry of a route table: its pattern, the permission it needs (""
// for public routes), whether a login is needed at all, and its handler.
type Route struct {
	Pattern string // Go ServeMux pattern, e.g. "GET /api/v1/units/{code}"
	Perm    auth.Permission
	Public  bool
	Handle  Handler
}

// Server holds what every route needs.
type Server struct {
	App          *app.App
	Log          *slog.Logger
	SecureCookie bool // always mark cookies Secure (behind TLS)
	OnError      func(w http.ResponseWriter, r *http.Request, err error)
	metrics      *metrics
}

// NewServer prepares the shared middleware; reg receives the HTTP metrics.
func NewServer(a *app.App, log *slog.Logger, reg prometheus.Registerer) *Server {
	return &Server{App: a, Log: log, metrics: newMetrics(reg)}
}

// Mount adds routes to mux, each wrapped with caller resolution, permission and
// CSRF checks, error rendering, logging and metrics.
func (s *Server) Mount(mux *http.ServeMux, routes []Route, onError func(http.ResponseWriter, *http.Request, error)) {
	for _, rt := range routes {
		mux.Handle(rt.Pattern, s.wrap(rt, onError))
	}
}

func (s *Server) wrap(rt Route, onError func(http.ResponseWriter, *http.Request, error)) http.Handler {
	label := rt.Pattern
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		r = r.WithContext(app.WithClientIP(r.Context(), clientIP(r)))
		r, fromCookie, err := s.identify(r)
		if err == nil {
			err = s.serveSafely(rec, r, rt, fromCookie)
		}
		if err != nil {
			onError(rec, r, err)
		}
		s.metrics.observe(label, rec.status, time.Since(start))
		lvl := slog.LevelInfo
		if rec.status >= 500 {
			lvl = slog.LevelError
		}
		s.Log.Log(r.Context(), lvl, "http", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"ms", time.Since(start).Milliseconds(), "user", Scope(r).Username, "err", errText(err))
	})
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// serveSafely turns a panic in a handler into an internal error (logged with its
// stack by the caller), so one bad request never takes the process down.
func (s *Server) serveSafely(w http.ResponseWriter, r *http.Request, rt Route, fromCookie bool) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return s.serve(w, r, rt, fromCookie)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt Route, fromCookie bool) error {
	sc := Scope(r)
	if !rt.Public && !sc.LoggedIn() {
		return fault.New(fault.Unauthenticated, "cần đăng nhập", "login required")
	}
	if rt.Perm != "" && !sc.Can(rt.Perm, 0) {
		return fault.ErrForbidden
	}
	if fromCookie && unsafeMethod(r.Method) && !auth.SameSecret(requestCSRF(r), CSRF(r)) {
		return fault.New(fault.Forbidden, "mã chống giả mạo (CSRF) không đúng; hãy tải lại trang", "bad CSRF token; reload the page")
	}
	return rt.Handle(w, r)
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

func requestCSRF(r *http.Request) string {
	if h := r.Header.Get("X-CSRF-Token"); h != "" {
		return h
	}
	return r.PostFormValue("csrf")
}

// identify resolves a bearer token or a session cookie into the request's scope.
func (s *Server) identify(r *http.Request) (*http.Request, bool, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return r, false, fault.New(fault.Unauthenticated, "cần tiêu đề Authorization: Bearer", "want Authorization: Bearer")
		}
		sc, err := s.App.TokenScope(ctx, strings.TrimSpace(tok))
		if err != nil {
			return r, false, err
		}
		return r.WithContext(context.WithValue(ctx, scopeKey, sc)), false, nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return r, false, nil
	}
	sc, csrf, err := s.App.Session(ctx, c.Value)
	if err != nil {
		return r, false, nil // an expired session is an anonymous caller
	}
	ctx = context.WithValue(context.WithValue(ctx, scopeKey, sc), csrfKey, csrf)
	return r.WithContext(ctx), true, nil
}

// SetSession sets (or with an empty sid, clears) the session cookie.
func (s *Server) SetSession(w http.ResponseWriter, r *http.Request, sid string) {
	c := &http.Cookie{Name: SessionCookie, Value: sid, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.SecureCookie || r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"}
	if sid == "" {
		c.MaxAge = -1
	} else {
		c.Expires = time.Now().Add(app.SessionTTL)
	}
	http.SetCookie(w, c)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// Status maps an error kind to an HTTP status.
func Status(err error) int {
	switch fault.KindOf(err) {
	case fault.Invalid:
		return http.StatusBadRequest
	case fault.NotFound:
		return http.StatusNotFound
	case fault.Forbidden:
		return http.StatusForbidden
	case fault.Unauthenticated:
		return http.StatusUnauthorized
	case fault.Conflict:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// WriteJSON writes v as JSON with a status.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// JSONError renders an error as {"error": {...}} with the mapped status. Internal
// errors are logged and shown without detail.
func JSONError(log *slog.Logger) func(http.ResponseWriter, *http.Request, error) {
	return func(w http.ResponseWriter, r *http.Request, err error) {
		status := Status(err)
		vi, en := fault.Messages(err)
		if status == http.StatusInternalServerError {
			log.Error("internal error", "path", r.URL.Path, "err", err)
			vi, en = "lỗi hệ thống", "internal error"
		}
		body := map[string]any{"status": status, "message_vi": vi, "message_en": en}
		var ps interface{ FaultKind() fault.Kind }
		if errors.As(err, &ps) {
			body["problems"] = err
		}
		_ = WriteJSON(w, status, map[string]any{"error": body})
	}
}

// Date reads a date query parameter, default today.
func Date(r *http.Request, name string) (civil.Date, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return civil.Today(), nil
	}
	d, err := civil.Parse(v)
	if err != nil {
		return 0, fault.New(fault.Invalid, name+": "+err.Error(), name+": "+err.Error())
	}
	return d, nil
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
