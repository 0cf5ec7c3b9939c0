package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/httpx"
)

// UnitsPage is the unit browser's top: the provinces (or the caller's own units) on a date.
type UnitsPage struct {
	Base
	Date  civil.Date
	Units []app.UnitView
	Dates []QuickDate
}

// QuickDate is a shortcut to a date that matters (the eve and the day of the reorganisation).
type QuickDate struct {
	Label string
	Date  civil.Date
}

func quickDates(l Lang) []QuickDate {
	today := "hôm nay"
	if l == EN {
		today = "today"
	}
	return []QuickDate{
		{"30/06/2025", civil.MustParse("2025-06-30")},
		{"01/07/2025", civil.MustParse("2025-07-01")},
		{today, civil.Today()},
	}
}

func (w *Web) units(rw http.ResponseWriter, r *http.Request) error {
	d, err := httpx.Date(r, "date")
	if err != nil {
		return err
	}
	sc := httpx.Scope(r)
	var us []app.UnitView
	if sc.CanNational(auth.UnitsRead) {
		us, err = w.App.Units(r.Context(), sc, d, "province", "")
	} else {
		us, err = w.grantedUnits(r, sc, d)
	}
	if err != nil {
		return err
	}
	b := w.base(r, T(langOf(r), "units.title"))
	return w.render(rw, http.StatusOK, "units.html", UnitsPage{Base: b, Date: d, Units: us, Dates: quickDates(b.Lang)})
}

// grantedUnits are the caller's granted units as they stand on d (their area, when a
// unit is not in force that day).
func (w *Web) grantedUnits(r *http.Request, sc *auth.Scope, d civil.Date) ([]app.UnitView, error) {
	atlas, err := w.App.Atlas(r.Context())
	if err != nil {
		return nil, err
	}
	var out []app.UnitView
	seen := map[string]bool{}
	for _, id := range sc.Roots(auth.UnitsRead) {
		u := atlas.Unit(id)
		places, err := w.App.SamePlace(r.Context(), sc, u.Code, u.ValidFrom, d)
		if err != nil {
			return nil, err
		}
		for _, p := range places {
			if !seen[p.Code] {
				seen[p.Code] = true
				out = append(out, p)
			}
		}
	}
	return out, nil
}

// UnitPage is one unit on a date: where it sits, what is below, its lineage.
type UnitPage struct {
	Base
	Date   civil.Date
	Unit   *app.UnitDetail
	Dates  []QuickDate
	Dash   *app.Dashboard // nil when the caller may not see figures
	Sort   string
	Trend  template.JS // the trend as JSON, for the chart
	Map    *Choropleth // the child units coloured by rate or gap; nil without geometry
	MapBy  string      // rate or gap
	Credit string
	// CanSplit shows the form that hands the unit's targets down to its children;
	// SplitNote is the result of the last split (its consistency check).
	CanSplit  bool
	SplitNote string
}

func (w *Web) unit(rw http.ResponseWriter, r *http.Request) error {
	d, err := httpx.Date(r, "date")
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	det, err := w.App.UnitShow(r.Context(), httpx.Scope(r), code, d)
	if err != nil {
		// Not in force that day: show where the same place was, if the caller can
		// name a date on which the code was valid.
		if from := r.URL.Query().Get("from"); from != "" {
			http.Redirect(rw, r, "/units/"+url.PathEscape(code)+"/on?"+url.Values{"from": {from}, "date": {d.String()}}.Encode(), http.StatusSeeOther)
			return nil
		}
		return err
	}
	b := w.base(r, det.FullName)
	p := UnitPage{Base: b, Date: d, Unit: det, Dates: quickDates(b.Lang), Sort: r.URL.Query().Get("sort"),
		CanSplit: canSetTargets(r, det.ID) && len(det.Children) > 0, SplitNote: r.URL.Query().Get("split")}
	if httpx.Scope(r).Can(auth.FiguresRead, det.ID) && det.Level != "district" {
		if p.Dash, err = w.App.DashboardOf(r.Context(), httpx.Scope(r), code, d, p.Sort); err != nil {
			return err
		}
		js, err := json.Marshal(p.Dash.Trend)
		if err != nil {
			return err
		}
		p.Trend = template.JS(js)
		p.MapBy = r.URL.Query().Get("map")
		if p.Map, err = childMap(p.Dash, d, p.MapBy, b.Lang); err != nil {
			return err
		}
		p.Credit = MapCredit
	}
	return w.render(rw, http.StatusOK, "unit.html", p)
}

// PlacePage lists where a unit valid on From lies on Date.
type PlacePage struct {
	Base
	Code   string
	From   civil.Date
	Date   civil.Date
	Places []app.UnitView
}

func (w *Web) samePlace(rw http.ResponseWriter, r *http.Request) error {
	from, err := httpx.Date(r, "from")
	if err != nil {
		return err
	}
	d, err := httpx.Date(r, "date")
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	places, err := w.App.SamePlace(r.Context(), httpx.Scope(r), code, from, d)
	if err != nil {
		return err
	}
	if len(places) == 1 {
		http.Redirect(rw, r, "/units/"+url.PathEscape(places[0].Code)+"?date="+d.String(), http.StatusSeeOther)
		return nil
	}
	b := w.base(r, code)
	return w.render(rw, http.StatusOK, "place.html", PlacePage{Base: b, Code: code, From: from, Date: d, Places: places})
}

// childMap colours the child units (2025 communes or provinces) by BHYT rate against
// the target, or by the persons still needed.
func childMap(db *app.Dashboard, d civil.Date, by string, l Lang) (*Choropleth, error) {
	if len(db.Children) == 0 || d < geo.ReorgDate {
		return nil, nil // the boundaries are those of 1 July 2025
	}
	level := "commune"
	if len(db.Children[0].Code) == 2 {
		level = "province"
	}
	target := 95.0
	if p := indicatorOf("bhyt", db.Progress.Indicators); p != nil {
		if f, err := strconv.ParseFloat(string(p.Target), 64); err == nil {
			target = f
		}
	}
	var maxGap int64
	for _, c := range db.Children {
		maxGap = max(maxGap, c.GapPersons)
	}
	areas := make([]MapArea, len(db.Children))
	for i, c := range db.Children {
		label := c.Name + ": BHYT " + ratepText(l, c.BHYTRate) + " · " + T(l, "dash.gap") + " " + Num(l, c.GapPersons)
		fill := rateColour(c.BHYTRate, target)
		if by == "gap" {
			fill = gapColour(c.GapPersons, maxGap)
		}
		areas[i] = MapArea{Code: c.Code, Name: c.Name, Fill: fill, Label: label, Href: "/units/" + c.Code + "?date=" + d.String()}
	}
	m, err := buildMap(level, areas, 640)
	if m != nil {
		m.Legend = legend(l, by, target)
	}
	return m, err
}

func ratepText(l Lang, p *float64) string {
	if p == nil {
		return "–"
	}
	return Pct(l, *p)
}

func legend(l Lang, by string, target float64) []LegendItem {
	if by == "gap" {
		return []LegendItem{{"#1a9850", T(l, "map.gap0")}, {"#fcae91", T(l, "map.gaplow")}, {"#a50f15", T(l, "map.gaphigh")}}
	}
	return []LegendItem{{"#d73027", "< 80%"}, {"#fc8d59", "80–90%"}, {"#fee08b", "90% – " + Pct(l, target)}, {"#1a9850", "≥ " + Pct(l, target)}, {"#d9dee3", T(l, "map.nodata")}}
}
