// Package web serves the HTML pages: server-rendered templates, htmx and Chart.js
// vendored and embedded, Vietnamese by default. One file per page.
package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/httpx"
	"github.com/phusong/phusong/internal/targets"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Web serves the pages.
type Web struct {
	App   *app.App
	srv   *httpx.Server
	pages map[string]*template.Template
}

// Base is what every page shows: who is logged in, the language, the CSRF token.
type Base struct {
	Lang     Lang
	User     string
	CSRF     string
	Path     string
	Title    string
	LoggedIn bool
}

func (b Base) T(key string) string { return T(b.Lang, key) }

// Executed records which templates ran, so a test can fail on a page never rendered.
var Executed sync.Map

// Mount adds the pages and static files to mux.
func Mount(mux *http.ServeMux, srv *httpx.Server) error {
	w := &Web{App: srv.App, srv: srv, pages: map[string]*template.Template{}}
	if err := w.parse(); err != nil {
		return err
	}
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheForever(http.FileServerFS(static))))
	srv.Mount(mux, w.routes(), w.renderError)
	return nil
}

func (w *Web) routes() []httpx.Route {
	return []httpx.Route{
		{Pattern: "GET /{$}", Public: true, Handle: w.home},
		{Pattern: "GET /login", Public: true, Handle: w.loginForm},
		{Pattern: "POST /login", Public: true, Handle: w.login},
		{Pattern: "POST /logout", Handle: w.logout},
		{Pattern: "GET /lang/{lang}", Public: true, Handle: w.setLang},
		{Pattern: "GET /calc", Public: true, Handle: w.calc},
		{Pattern: "GET /units", Perm: auth.UnitsRead, Handle: w.units},
		{Pattern: "GET /units/{code}", Perm: auth.UnitsRead, Handle: w.unit},
		{Pattern: "GET /units/{code}/on", Perm: auth.UnitsRead, Handle: w.samePlace},
		{Pattern: "POST /units/{code}/targets/split", Perm: auth.TargetsWrite, Handle: w.splitTargets},
		{Pattern: "GET /outreach", Perm: auth.UnitsRead, Handle: w.outreach},
		{Pattern: "POST /outreach/contacts", Perm: auth.UnitsRead, Handle: w.outreachContact},
	}
}

var funcs = template.FuncMap{
	"num":       Num,
	"pct":       Pct,
	"day":       Day,
	"T":         T,
	"iso":       func(d civil.Date) string { return d.String() },
	"deref":     func(d *civil.Date) civil.Date { return *d },
	"prevDay":   func(d civil.Date) civil.Date { return d.AddDays(-1) },
	"unitPath":  func(ref string) string { return "/units/" + url.PathEscape(ref) },
	"int64":     func(n int) int64 { return int64(n) },
	"share":     Share,
	"reverse":   reverseUnits,
	"list":      func(s ...string) []string { return s },
	"item":      calcItem,
	"deref64":   func(p *float64) float64 { return *p },
	"derefDate": func(p *civil.Date) civil.Date { return *p },
	"ratep": func(l Lang, p *float64) string {
		if p == nil {
			return "–"
		}
		return Pct(l, *p)
	},
	"indicatorOf": indicatorOf,
	"dec": func(l Lang, s string) string {
		if l == VI {
			return strings.Replace(s, ".", ",", 1)
		}
		return s
	},
}

// indicatorOf finds the progress line of a scheme's indicator.
func indicatorOf(scheme string, ps []targets.Progress) *targets.Progress {
	want := map[string]targets.Indicator{"bhyt": targets.BHYTPopulationPct, "bhxh": targets.BHXHLabourPct, "bhtn": targets.BHTNLabourPct}[scheme]
	for i := range ps {
		if ps[i].Indicator == want {
			return &ps[i]
		}
	}
	return nil
}

func reverseUnits(us []app.UnitView) []app.UnitView {
	out := make([]app.UnitView, len(us))
	for i, u := range us {
		out[len(us)-1-i] = u
	}
	return out
}

func (w *Web) parse() error {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	for _, n := range names {
		if n == "templates/layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return err
		}
		w.pages[n[len("templates/"):]] = t
	}
	return nil
}

// render executes a page into a buffer first, so a template error never sends half a page.
func (w *Web) render(rw http.ResponseWriter, status int, page string, data any) error {
	var buf bytes.Buffer
	if err := w.pages[page].Execute(&buf, data); err != nil {
		return err
	}
	Executed.Store(page, true)
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("X-Frame-Options", "DENY")
	rw.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
	rw.WriteHeader(status)
	_, err := rw.Write(buf.Bytes())
	return err
}

func (w *Web) base(r *http.Request, title string) Base {
	sc := httpx.Scope(r)
	return Base{Lang: langOf(r), User: sc.Username, CSRF: httpx.CSRF(r), Path: r.URL.RequestURI(), Title: title, LoggedIn: sc.LoggedIn()}
}

func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}
