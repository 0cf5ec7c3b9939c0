package api

import (
	"net/http"
	"slices"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/httpx"
)

// importFile takes a file as the request body — geography (villages, reorg, shares),
// registry (persons, residents, bhyt_cards, bhxh_periods, bhtn_periods,
// denominators, targets, d02-lt, d03-ts, d05-ts) or policy (policy, topups):
// POST /api/v1/import/{kind}?date=2026-01-01&dry_run=true. All or nothing.
func (a *API) importFile(w http.ResponseWriter, r *http.Request) error {
	d, err := httpx.Date(r, "date")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	dry := q.Get("dry_run") == "true" || q.Get("dry_run") == "1"
	kind, sc := r.PathValue("kind"), httpx.Scope(r)
	name := q.Get("file")
	if name == "" {
		name = "request body"
	}
	body := http.MaxBytesReader(w, r.Body, 1<<30)
	var res any
	switch {
	case slices.Contains(app.RegistryKinds, kind):
		res, err = a.App.ImportRegistry(r.Context(), sc, kind, name, body, d, dry, nil)
	case slices.Contains(app.PolicyKinds, kind):
		res, err = a.App.ImportPolicy(r.Context(), sc, kind, name, body, dry)
	default:
		res, err = a.App.ImportGeo(r.Context(), sc, kind, name, body, d, dry)
	}
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, 200, res)
}
