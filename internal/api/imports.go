package api

import (
	"net/http"

	"github.com/phusong/phusong/internal/httpx"
)

// importFile takes a geography file as the request body:
// POST /api/v1/import/villages?date=2026-01-01&dry_run=true.
func (a *API) importFile(w http.ResponseWriter, r *http.Request) error {
	d, err := httpx.Date(r, "date")
	if err != nil {
		return err
	}
	dry := r.URL.Query().Get("dry_run") == "true" || r.URL.Query().Get("dry_run") == "1"
	res, err := a.App.ImportGeo(r.Context(), httpx.Scope(r), r.PathValue("kind"), "request body", http.MaxBytesReader(w, r.Body, 64<<20), d, dry)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, 200, res)
}
