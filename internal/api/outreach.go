package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/httpx"
	"github.com/phusong/phusong/internal/outreach"
)

// outreachList serves GET /api/v1/outreach/{kind}?unit=&date=&days=&village=&format=json|csv|xlsx.
// Every answer is an export of the list and is audited.
func (a *API) outreachList(w http.ResponseWriter, r *http.Request) error {
	l, err := outreachQuery(a.App, r, r.PathValue("kind"))
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	return writeOutreach(a.App, w, r, l, format)
}

// outreachQuery computes the list a request names (unit, date, days, village).
func outreachQuery(a *app.App, r *http.Request, kind string) (*outreach.List, error) {
	q := r.URL.Query()
	if q.Get("unit") == "" {
		return nil, fault.New(fault.Invalid, "thiếu tham số unit (mã xã/phường)", "missing parameter unit (commune code)")
	}
	d, err := httpx.Date(r, "date")
	if err != nil {
		return nil, err
	}
	days := 0
	if s := q.Get("days"); s != "" {
		if days, err = strconv.Atoi(s); err != nil {
			return nil, fault.New(fault.Invalid, "days phải là số nguyên", "days must be a whole number")
		}
	}
	return a.Outreach(r.Context(), httpx.Scope(r), kind, q.Get("unit"), d, days, q.Get("village"))
}

// writeOutreach sends a list as a JSON, CSV or XLSX download, audited by the app.
func writeOutreach(a *app.App, w http.ResponseWriter, r *http.Request, l *outreach.List, format string) error {
	var buf bytes.Buffer
	if err := a.ExportOutreach(r.Context(), httpx.Scope(r), l, format, &buf); err != nil {
		return err
	}
	name := "outreach-" + string(l.Kind) + "-" + l.UnitCode
	if l.VillageCode != "" {
		name += "-" + l.VillageCode
	}
	name += "-" + l.Date.String() + "." + format
	switch format {
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	default:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	}
	if format != "json" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(buf.Bytes())
	return err
}

// AssignRequest is the body of POST /api/v1/outreach/assign.
type AssignRequest struct {
	Kind      string     `json:"kind"`
	Unit      string     `json:"unit"`
	Village   string     `json:"village"`
	Date      civil.Date `json:"date"`
	Days      int        `json:"days"`
	Collector string     `json:"collector"`
}

func (a *API) outreachAssign(w http.ResponseWriter, r *http.Request) error {
	var req AssignRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	if req.Date == 0 {
		req.Date = civil.Today()
	}
	as, err := a.App.Assign(r.Context(), httpx.Scope(r), req.Kind, req.Unit, req.Date, req.Days, req.Village, req.Collector)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, as)
}

// ContactRequest is the body of POST /api/v1/outreach/contacts.
type ContactRequest struct {
	PersonKey string     `json:"person_key"`
	Outcome   string     `json:"outcome"`
	Note      string     `json:"note"`
	Date      civil.Date `json:"date"` // the day of the contact; default today
}

func (a *API) outreachContact(w http.ResponseWriter, r *http.Request) error {
	var req ContactRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	if req.Date == 0 {
		req.Date = civil.Today()
	}
	c, err := a.App.RecordContact(r.Context(), httpx.Scope(r), req.PersonKey, req.Outcome, req.Note, req.Date)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, c)
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fault.Newf(fault.Invalid, "nội dung JSON không hợp lệ: %v", "invalid JSON body: %v", err)
	}
	return nil
}
