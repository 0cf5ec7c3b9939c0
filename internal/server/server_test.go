package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/server"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
	"github.com/phusong/phusong/internal/web"
)

const password = "mật khẩu thử nghiệm"

// fixture is a running server with an admin and the officer of Phường Xuân Hương - Đà Lạt.
type fixture struct {
	t   *testing.T
	srv *httptest.Server
	app *app.App
}

func newFixture(t *testing.T, s *store.Store) *fixture {
	ctx := context.Background()
	a := app.New(s, nil)
	for _, u := range []struct {
		name string
		role auth.Role
		unit string
	}{{"admin", auth.Admin, ""}, {"xuanhuong", auth.CommuneOfficer, "24781"}, {"camly", auth.CommuneOfficer, "24787"}} {
		if _, err := a.AddUser(ctx, app.System, u.name, "", password); err != nil {
			t.Fatal(err)
		}
		if err := a.Grant(ctx, app.System, u.name, u.role, u.unit, civil.MustParse("2026-01-01")); err != nil {
			t.Fatal(err)
		}
	}
	h, err := server.Handler(a, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &fixture{t, srv, a}
}

// browser is a logged-in client with cookies.
func (f *fixture) browser(user string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	body := f.get(c, "/login", 200)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if csrf == nil {
		f.t.Fatal("login form has no CSRF field")
	}
	resp, err := c.PostForm(f.srv.URL+"/login", url.Values{"csrf": {csrf[1]}, "username": {user}, "password": {password}})
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Request.URL.Path != "/units" {
		f.t.Fatalf("login as %s ended on %s (%d)", user, resp.Request.URL, resp.StatusCode)
	}
	return c
}

func (f *fixture) get(c *http.Client, path string, want int) string {
	f.t.Helper()
	resp, err := c.Get(f.srv.URL + path)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		f.t.Errorf("GET %s: %d, want %d\n%.300s", path, resp.StatusCode, want, b)
	}
	return string(b)
}

func (f *fixture) api(method, path, token, body string, want int) string {
	f.t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		f.t.Errorf("%s %s: %d, want %d\n%.300s", method, path, resp.StatusCode, want, b)
	}
	return string(b)
}

func (f *fixture) token(user string) string {
	tok, err := f.app.CreateToken(context.Background(), app.System, user, "test", 0)
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

func TestCommuneOfficerStaysInTheirCommune(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		f := newFixture(t, s)
		b := f.browser("xuanhuong")
		// UI: own ward and the old wards merged into it; not the neighbour, not the province.
		own := f.get(b, "/units/24781?date=2026-01-01", 200)
		if !strings.Contains(own, "Phường Xuân Hương - Đà Lạt") || !strings.Contains(own, "Phường 1") {
			t.Error("own ward page lacks its name or its predecessors")
		}
		f.get(b, "/units/24784?date=2025-01-01", 200) // Phường 1, merged into Xuân Hương
		f.get(b, "/units/24787?date=2026-01-01", 403) // Cam Ly, the neighbour
		f.get(b, "/units/68?date=2026-01-01", 403)
		f.get(b, "/units/24787/on?from=2026-01-01&date=2025-01-01", 403) // crafted URL
		// The province list shows only the officer's own ward.
		top := f.get(b, "/units?date=2026-01-01", 200)
		if strings.Contains(top, "Cam Ly") || !strings.Contains(top, "Xuân Hương") {
			t.Error("unit browser shows the neighbour or hides the own ward")
		}
		// API with the officer's token.
		tok := f.token("xuanhuong")
		f.api("GET", "/api/v1/units/24781?date=2026-01-01", tok, "", 200)
		f.api("GET", "/api/v1/units/24787?date=2026-01-01", tok, "", 403)
		f.api("GET", "/api/v1/units/24787/successors?date=2026-01-01", tok, "", 403)
		list := f.api("GET", "/api/v1/units?parent=68&date=2026-01-01", tok, "", 200)
		var us []map[string]any
		json.Unmarshal([]byte(list), &us)
		if len(us) != 1 || us[0]["code"] != "24781" {
			t.Errorf("children of Lâm Đồng seen by the ward officer: %s", list)
		}
		f.api("POST", "/api/v1/units/rebase?from_date=2026-01-01", tok, "unit_code,value\n24787,5\n", 403)
		// Writes: villages in own ward yes, in the neighbour no (nothing written).
		f.api("POST", "/api/v1/import/villages?date=2026-01-01", tok, "commune_code,village_code,village_name\n24781,T9,Tổ 9\n", 200)
		f.api("POST", "/api/v1/import/villages?date=2026-01-01", tok, "commune_code,village_code,village_name\n24787,T9,Tổ 9\n", 403)
		admin := f.token("admin")
		if n := f.api("GET", "/api/v1/units?parent=24787&date=2026-01-01", admin, "", 200); strings.Contains(n, "T9") {
			t.Error("a forbidden import wrote a village")
		}
		f.api("POST", "/api/v1/import/reorg", tok, "date,kind,from_code,to_code\n", 403)
		f.api("GET", "/api/v1/audit", tok, "", 403)
	})
}

func TestAnonymousAndBadCredentials(t *testing.T) {
	f := newFixture(t, testutil.NewStore(t, store.SQLite))
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _ := noRedirect.Get(f.srv.URL + "/units/24781")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("anonymous unit page: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	f.api("GET", "/api/v1/units", "psk_not-a-token", "", 401)
	resp, _ = http.Get(f.srv.URL + "/api/v1/units")
	if resp.StatusCode != 401 {
		t.Errorf("API without a token: %d", resp.StatusCode)
	}
	f.get(http.DefaultClient, "/api/v1/openapi.json", 200)
	f.get(http.DefaultClient, "/healthz", 200)
	if m := f.get(http.DefaultClient, "/metrics", 200); !strings.Contains(m, "phusong_http_requests_total") {
		t.Error("metrics lack the request counter")
	}
}

func TestCSRFAndThrottle(t *testing.T) {
	f := newFixture(t, testutil.NewStore(t, store.SQLite))
	b := f.browser("admin")
	// Log-out without the CSRF token is refused; with it, it works.
	resp, _ := b.PostForm(f.srv.URL+"/logout", url.Values{})
	if resp.StatusCode != 403 {
		t.Errorf("logout without CSRF: %d", resp.StatusCode)
	}
	page := f.get(b, "/units", 200)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	resp, _ = b.PostForm(f.srv.URL+"/logout", url.Values{"csrf": {csrf[1]}})
	if resp.Request.URL.Path != "/login" {
		t.Errorf("logout ended on %s", resp.Request.URL.Path)
	}
	// Five wrong passwords lock the account, even for the right one.
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	for i := 0; i < 6; i++ {
		body := f.get(c, "/login", 200)
		tok := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)[1]
		pw := "sai mật khẩu"
		if i == 5 {
			pw = password
		}
		resp, _ := c.PostForm(f.srv.URL+"/login", url.Values{"csrf": {tok}, "username": {"camly"}, "password": {pw}})
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 401 {
			t.Fatalf("attempt %d: %d", i+1, resp.StatusCode)
		}
		if i == 5 && !strings.Contains(string(b), "quá nhiều lần") {
			t.Errorf("sixth attempt not throttled:\n%.400s", b)
		}
	}
	entries, _ := f.app.AuditLog(context.Background(), app.System, "login.failed", 10)
	if len(entries) != 5 {
		t.Errorf("%d failed logins audited, want 5", len(entries))
	}
}

func TestEnglishAndFormats(t *testing.T) {
	f := newFixture(t, testutil.NewStore(t, store.SQLite))
	b := f.browser("admin")
	vi := f.get(b, "/units/68?date=2026-01-01", 200)
	if !strings.Contains(vi, "Đơn vị trực thuộc (124)") || !strings.Contains(vi, "Tiền thân") {
		t.Error("Vietnamese unit page")
	}
	f.get(b, "/lang/en?next=/units/68", 200)
	en := f.get(b, "/units/68?date=2026-01-01", 200)
	if !strings.Contains(en, "Units below (124)") || !strings.Contains(en, "Predecessors") {
		t.Error("English unit page")
	}
	// The day before the reorganisation, Đà Lạt ward Xuân Hương is five old wards.
	place := f.get(b, "/units/24781/on?from=2026-01-01&date=2025-06-30", 200)
	for _, w := range []string{"Phường 1", "Phường 2", "Phường 3", "Phường 4", "Phường 10"} {
		if !strings.Contains(place, w+"<") {
			t.Errorf("same place on 2025-06-30 lacks %s", w)
		}
	}
}

func TestEveryTemplateRendered(t *testing.T) {
	TestEnglishAndFormats(t)
	TestCSRFAndThrottle(t)
	f := newFixture(t, testutil.NewStore(t, store.SQLite))
	f.get(f.browser("admin"), "/units/99999", 404)
	f.get(f.browser("admin"), "/outreach?kind=uncovered&unit=24781&date=2026-03-01", 200)
	f.get(f.browser("admin"), "/calc", 200)
	for _, page := range []string{"login.html", "units.html", "unit.html", "place.html", "error.html", "outreach.html", "calc.html"} {
		if _, ok := web.Executed.Load(page); !ok {
			t.Errorf("template %s never executed", page)
		}
	}
}
