package api

import (
	"net/http"
	"strconv"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/httpx"
)

// coverage answers GET /api/v1/coverage/{code}?date=&scheme=&by=children&basis=&group_by=.
func (a *API) coverage(w http.ResponseWriter, r *http.Request) error {
	d, err := httpx.Date(r, "date")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	res, err := a.App.Coverage(r.Context(), httpx.Scope(r), app.CoverageQuery{Code: r.PathValue("code"), Date: d, Scheme: q.Get("scheme"),
		Basis: q.Get("basis"), ByChildren: q.Get("by") == "children", GroupBy: q.Get("group_by"), SeriesMonths: atoi(q.Get("series"))})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, 200, res)
}

// duplicates answers GET /api/v1/duplicates/{code}?date=.
func (a *API) duplicates(w http.ResponseWriter, r *http.Request) error {
	d, err := httpx.Date(r, "date")
	if err != nil {
		return err
	}
	fs, err := a.App.Duplicates(r.Context(), httpx.Scope(r), r.PathValue("code"), d)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, 200, fs)
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
