package api

import (
	"net/http"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/httpx"
)

func (a *API) unitsList(w http.ResponseWriter, r *http.Request) error {
	d, err := httpx.Date(r, "date")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	lvl, ok := geo.ParseLevel(q.Get("level"))
	if q.Get("level") != "" && !ok {
		return fault.New(fault.Invalid, "level phải là province, district, commune hoặc village", "level must be province, district, commune or village")
	}
	us, err := a.App.Units(r.Context(), httpx.Scope(r), d, lvl, q.Get("parent"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, 200, us)
}

func (a *API) unitShow(w http.ResponseWriter, r *http.Request) error {
	d, err := httpx.Date(r, "date")
	if err != nil {
		return err
	}
	det, err := a.App.UnitShow(r.Context(), httpx.Scope(r), r.PathValue("code"), d)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, 200, det)
}

func (a *API) unitLinks(forward bool) httpx.Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := httpx.Date(r, "date")
		if err != nil {
			return err
		}
		get := a.App.Predecessors
		if forward {
			get = a.App.Successors
		}
		ls, err := get(r.Context(), httpx.Scope(r), r.PathValue("code"), d)
		if err != nil {
			return err
		}
		return httpx.WriteJSON(w, 200, ls)
	}
}

// rebase takes the CSV file as the request body: POST
// /api/v1/units/rebase?from_date=2024-12-31&to_date=2026-01-01.
func (a *API) rebase(w http.ResponseWriter, r *http.Request) error {
	from, err := requiredDate(r, "from_date")
	if err != nil {
		return err
	}
	to, err := httpx.Date(r, "to_date")
	if err != nil {
		return err
	}
	res, err := a.App.Rebase(r.Context(), httpx.Scope(r), from, to, "request body", http.MaxBytesReader(w, r.Body, 64<<20))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, 200, res)
}

func requiredDate(r *http.Request, name string) (civil.Date, error) {
	if r.URL.Query().Get(name) == "" {
		return 0, fault.Newf(fault.Invalid, "thiếu tham số %s", "missing parameter %s", name)
	}
	return httpx.Date(r, name)
}

func (a *API) audit(w http.ResponseWriter, r *http.Request) error {
	es, err := a.App.AuditLog(r.Context(), httpx.Scope(r), r.URL.Query().Get("action"), 200)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, 200, es)
}
