package web

import (
	"net/http"
	"strings"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/httpx"
)

// LoginPage is the log-in form. Before a session exists, CSRF is a double-submit
// token: a cookie and a hidden field that must match.
type LoginPage struct {
	Base
	Next     string
	Username string
	Error    string
	FormCSRF string
}

const loginCSRFCookie = "phusong_login_csrf"

func (w *Web) home(rw http.ResponseWriter, r *http.Request) error {
	http.Redirect(rw, r, "/units", http.StatusSeeOther)
	return nil
}

func (w *Web) loginForm(rw http.ResponseWriter, r *http.Request) error {
	return w.showLogin(rw, r, http.StatusOK, "", "")
}

func (w *Web) showLogin(rw http.ResponseWriter, r *http.Request, status int, username, msg string) error {
	tok := auth.NewSecret()
	http.SetCookie(rw, &http.Cookie{Name: loginCSRFCookie, Value: tok, Path: "/login", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: w.srv.SecureCookie || r.TLS != nil})
	p := LoginPage{Base: w.base(r, T(langOf(r), "login.title")), Next: safeNext(r.FormValue("next")), Username: username, Error: msg, FormCSRF: tok}
	return w.render(rw, status, "login.html", p)
}

// safeNext keeps redirects on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/units"
	}
	return next
}

func (w *Web) login(rw http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(loginCSRFCookie)
	if err != nil || !auth.SameSecret(c.Value, r.PostFormValue("csrf")) {
		return fault.New(fault.Forbidden, "mã chống giả mạo (CSRF) không đúng; hãy tải lại trang", "bad CSRF token; reload the page")
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	sid, _, err := w.App.Login(r.Context(), username, r.PostFormValue("password"))
	if err != nil {
		if fault.KindOf(err) != fault.Unauthenticated {
			return err
		}
		vi, en := fault.Messages(err)
		msg := vi
		if langOf(r) == EN {
			msg = en
		}
		return w.showLogin(rw, r, http.StatusUnauthorized, username, msg)
	}
	w.srv.SetSession(rw, r, sid)
	http.Redirect(rw, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

func (w *Web) logout(rw http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(httpx.SessionCookie); err == nil {
		if err := w.App.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	w.srv.SetSession(rw, r, "")
	http.Redirect(rw, r, "/login", http.StatusSeeOther)
	return nil
}

func (w *Web) setLang(rw http.ResponseWriter, r *http.Request) error {
	l := r.PathValue("lang")
	if l != "en" {
		l = "vi"
	}
	http.SetCookie(rw, &http.Cookie{Name: LangCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
	http.Redirect(rw, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
	return nil
}
