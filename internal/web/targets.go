package web

import (
	"net/http"
	"net/url"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/httpx"
	"github.com/phusong/phusong/internal/targets"
)

// splitTargets hands a unit's target down to its child units (POST from the unit
// page, with CSRF), then shows the unit again with a message on the check.
func (w *Web) splitTargets(rw http.ResponseWriter, r *http.Request) error {
	code := r.PathValue("code")
	d, err := civil.Parse(r.PostFormValue("date"))
	if err != nil {
		return fault.New(fault.Invalid, "ngày không hợp lệ", "invalid date")
	}
	deadline, err := civil.Parse(r.PostFormValue("deadline"))
	if err != nil {
		return fault.New(fault.Invalid, "hạn chỉ tiêu không hợp lệ", "invalid target deadline")
	}
	ind, err := targets.ParseIndicator(r.PostFormValue("indicator"))
	if err != nil {
		return err
	}
	method, err := targets.ParseMethod(r.PostFormValue("method"))
	if err != nil {
		return err
	}
	res, err := w.App.SplitTargets(r.Context(), httpx.Scope(r), code, ind, deadline, d, method, nil, false)
	if err != nil {
		return err
	}
	msg := res.Check.VI
	if langOf(r) == EN {
		msg = res.Check.EN
	}
	http.Redirect(rw, r, "/units/"+url.PathEscape(code)+"?"+url.Values{"date": {d.String()}, "split": {msg}}.Encode(), http.StatusSeeOther)
	return nil
}

// canSetTargets reports whether the caller may hand targets down from a unit.
func canSetTargets(r *http.Request, unitID int64) bool {
	return httpx.Scope(r).Can(auth.TargetsWrite, unitID)
}
