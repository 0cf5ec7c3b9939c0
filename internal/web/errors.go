package web

import (
	"net/http"
	"net/url"

	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/httpx"
)

// ErrorPage shows what went wrong, in the reader's language.
type ErrorPage struct {
	Base
	Status  int
	Message string
}

// renderError maps an error to a status and a page; a caller who is not logged in
// is sent to the login page instead.
func (w *Web) renderError(rw http.ResponseWriter, r *http.Request, err error) {
	status := httpx.Status(err)
	if status == http.StatusUnauthorized && r.Method == http.MethodGet {
		http.Redirect(rw, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	b := w.base(r, T(langOf(r), "error.title"))
	vi, en := fault.Messages(err)
	msg := vi
	if b.Lang == EN {
		msg = en
	}
	if status == http.StatusInternalServerError {
		w.srv.Log.Error("internal error", "path", r.URL.Path, "err", err)
		msg = T(b.Lang, "error.title")
	}
	if rerr := w.render(rw, status, "error.html", ErrorPage{Base: b, Status: status, Message: msg}); rerr != nil {
		http.Error(rw, msg, status)
	}
}
