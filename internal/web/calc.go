package web

import (
	"net/http"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/fault"
)

// CalcPage is the public calculator page: one form per calculator and, once a form
// is sent, its result.
type CalcPage struct {
	Base
	Kind    string
	Form    map[string]string // the values sent, to refill the form
	Columns []string
	Lines   []app.CalcLine
	Error   string
	Groups  []string
}

func (w *Web) calc(rw http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	b := w.base(r, T(langOf(r), "calc.title"))
	p := CalcPage{Base: b, Kind: q.Get("kind"), Form: map[string]string{}, Groups: []string{"poor", "near_poor", "ethnic_minority", "island", "other"}}
	for k := range q {
		p.Form[k] = q.Get(k)
	}
	if p.Kind == "" {
		p.Kind = "voluntary"
		return w.render(rw, http.StatusOK, "calc.html", p)
	}
	res, err := w.App.Calc(r.Context(), p.Kind, q.Get)
	status := http.StatusOK
	if err != nil {
		if fault.KindOf(err) == fault.Internal {
			return err
		}
		vi, en := fault.Messages(err)
		p.Error, status = vi, http.StatusBadRequest
		if b.Lang == EN {
			p.Error = en
		}
	} else {
		p.Columns, p.Lines = app.CalcLines(res)
	}
	return w.render(rw, status, "calc.html", p)
}
