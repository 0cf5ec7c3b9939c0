// Package api is the JSON API under /api/v1 over the same services as the web pages.
// The objects are those the CLI prints with --format json (PRODUCT.md §5).
package api

import (
	"embed"
	"net/http"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/httpx"
)

//go:embed openapi.json
var openapi embed.FS

// API serves /api/v1.
type API struct {
	App *app.App
	srv *httpx.Server
}

// Mount adds the API routes to mux.
func Mount(mux *http.ServeMux, srv *httpx.Server) {
	a := &API{App: srv.App, srv: srv}
	srv.Mount(mux, a.routes(), httpx.JSONError(srv.Log))
}

func (a *API) routes() []httpx.Route {
	return []httpx.Route{
		{Pattern: "GET /api/v1/openapi.json", Public: true, Handle: a.openapi},
		{Pattern: "GET /api/v1/me", Handle: a.me},
		{Pattern: "GET /api/v1/units", Perm: auth.UnitsRead, Handle: a.unitsList},
		{Pattern: "GET /api/v1/units/{code}", Perm: auth.UnitsRead, Handle: a.unitShow},
		{Pattern: "GET /api/v1/units/{code}/successors", Perm: auth.UnitsRead, Handle: a.unitLinks(true)},
		{Pattern: "GET /api/v1/units/{code}/predecessors", Perm: auth.UnitsRead, Handle: a.unitLinks(false)},
		{Pattern: "POST /api/v1/units/rebase", Perm: auth.UnitsRead, Handle: a.rebase},
		{Pattern: "POST /api/v1/import/{kind}", Perm: auth.UnitsRead, Handle: a.importFile}, // each kind checks its own permission
		{Pattern: "GET /api/v1/coverage/{code}", Perm: auth.FiguresRead, Handle: a.coverage},
		{Pattern: "GET /api/v1/duplicates/{code}", Perm: auth.PersonalRead, Handle: a.duplicates},
		{Pattern: "GET /api/v1/targets/{code}/progress", Perm: auth.FiguresRead, Handle: a.progress},
		{Pattern: "GET /api/v1/outreach/{kind}", Perm: auth.UnitsRead, Handle: a.outreachList},
		{Pattern: "POST /api/v1/outreach/assign", Perm: auth.UnitsRead, Handle: a.outreachAssign},
		{Pattern: "POST /api/v1/outreach/contacts", Perm: auth.UnitsRead, Handle: a.outreachContact},
		{Pattern: "GET /api/v1/audit", Perm: auth.AuditRead, Handle: a.audit},
		{Pattern: "POST /api/v1/calc/support-budget", Perm: auth.FiguresRead, Handle: a.supportBudget},
		{Pattern: "GET /api/v1/calc/{kind}", Public: true, Handle: a.calc},
		{Pattern: "GET /api/v1/policy", Public: true, Handle: a.policyTables},
		{Pattern: "POST /api/v1/policy/{kind}", Perm: auth.PolicyWrite, Handle: a.importPolicy},
		{Pattern: "/api/", Public: true, Handle: notFound},
	}
}

func (a *API) openapi(w http.ResponseWriter, r *http.Request) error {
	b, err := openapi.ReadFile("openapi.json")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(b)
	return err
}

func notFound(w http.ResponseWriter, r *http.Request) error {
	return httpx.WriteJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{
		"status": 404, "message_vi": "không có địa chỉ API này", "message_en": "no such API route"}})
}

func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	sc := httpx.Scope(r)
	return httpx.WriteJSON(w, 200, map[string]any{"username": sc.Username, "grants": sc.Grants})
}
