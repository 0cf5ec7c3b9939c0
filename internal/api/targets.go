package api

import (
	"net/http"

	"github.com/phusong/phusong/internal/httpx"
)

// progress answers GET /api/v1/targets/{code}/progress?date=.
func (a *API) progress(w http.ResponseWriter, r *http.Request) error {
	d, err := httpx.Date(r, "date")
	if err != nil {
		return err
	}
	res, err := a.App.TargetsProgress(r.Context(), httpx.Scope(r), r.PathValue("code"), d)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, 200, res)
}
