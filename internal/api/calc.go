package api

import (
	"net/http"
	"strconv"

	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/httpx"
	"github.com/phusong/phusong/internal/policy"
)

// calc answers GET /api/v1/calc/{kind}?… with the same parameters as the CLI flags
// (snake_case). Calculators are public: citizens use them too.
func (a *API) calc(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	res, err := a.App.Calc(r.Context(), r.PathValue("kind"), q.Get)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, 200, res)
}

// supportBudget answers POST /api/v1/calc/support-budget?province=68&year=2026&what_if=near_poor%3D%2B5%25
// with the participant counts CSV as the body.
func (a *API) supportBudget(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	year, err := strconv.Atoi(q.Get("year"))
	if err != nil {
		return fault.New(fault.Invalid, "year: cần năm, ví dụ 2026", "year: want a year, e.g. 2026")
	}
	var changes []policy.WhatIf
	for _, s := range q["what_if"] {
		w, err := policy.ParseWhatIf(s)
		if err != nil {
			return err
		}
		changes = append(changes, w)
	}
	res, err := a.App.SupportBudget(r.Context(), httpx.Scope(r), q.Get("province"), year, "request body", http.MaxBytesReader(w, r.Body, 64<<20), changes)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, 200, res)
}

// policyTables answers GET /api/v1/policy: the rules and top-ups in force.
func (a *API) policyTables(w http.ResponseWriter, r *http.Request) error {
	rules, tops, err := a.App.Policy(r.Context())
	if err != nil {
		return err
	}
	if tops == nil {
		tops = []policy.TopUp{}
	}
	return httpx.WriteJSON(w, 200, map[string]any{"rules": rules, "topups": tops})
}

// importPolicy answers POST /api/v1/policy/{kind} (policy or topups) with a CSV body.
func (a *API) importPolicy(w http.ResponseWriter, r *http.Request) error {
	dry := r.URL.Query().Get("dry_run") == "true" || r.URL.Query().Get("dry_run") == "1"
	res, err := a.App.ImportPolicy(r.Context(), httpx.Scope(r), r.PathValue("kind"), "request body", http.MaxBytesReader(w, r.Body, 16<<20), dry)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, 200, res)
}
