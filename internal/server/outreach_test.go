package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// outreachFixture adds the registry fixtures of the CLI tests, two collectors and a
// committee member to the server fixture.
func outreachFixture(t *testing.T, s *store.Store) *fixture {
	f := newFixture(t, s)
	ctx := context.Background()
	d := civil.MustParse("2026-01-01")
	for _, kind := range []string{"villages", "persons", "residents", "bhyt_cards", "bhxh_periods"} {
		r, err := os.Open("../cli/testdata/" + kind + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		if kind == "villages" {
			_, err = f.app.ImportGeo(ctx, app.System, kind, kind+".csv", r, d, false)
		} else {
			_, err = f.app.ImportRegistry(ctx, app.System, kind, kind+".csv", r, d, false, nil)
		}
		r.Close()
		if err != nil {
			t.Fatalf("import %s: %v", kind, err)
		}
	}
	for _, u := range []struct {
		name string
		role auth.Role
		unit string
	}{{"thu1", auth.Collector, "24781"}, {"thu2", auth.Collector, "24787"}, {"bcd", auth.CommitteeMember, "24781"}} {
		if _, err := f.app.AddUser(ctx, app.System, u.name, "", password); err != nil {
			t.Fatal(err)
		}
		if err := f.app.Grant(ctx, app.System, u.name, u.role, u.unit, d); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// routed skips the test until the outreach routes are in the route tables.
func (f *fixture) routed(tok string) {
	req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/outreach/uncovered?unit=24781&date=2026-03-01", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		f.t.Skip("the outreach routes are not registered in internal/api/api.go and internal/web/web.go yet")
	}
}

type apiList struct {
	Masked   bool `json:"masked"`
	OwnQueue bool `json:"own_queue"`
	Excluded int  `json:"excluded"`
	Rows     []struct {
		PersonKey  string `json:"person_key"`
		NationalID string `json:"national_id"`
		FullName   string `json:"full_name"`
		Outcome    string `json:"outcome"`
	} `json:"rows"`
}

func decodeList(t *testing.T, body string) apiList {
	t.Helper()
	var l apiList
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatalf("%v: %.300s", err, body)
	}
	return l
}

func TestOutreachAPI(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		f := outreachFixture(t, s)
		officer, member, thu1, thu2, camly := f.token("xuanhuong"), f.token("bcd"), f.token("thu1"), f.token("thu2"), f.token("camly")
		f.routed(officer)
		const path = "/api/v1/outreach/uncovered?unit=24781&date=2026-03-01"

		l := decodeList(t, f.api("GET", path, officer, "", 200))
		if l.Masked || len(l.Rows) != 1 || l.Rows[0].NationalID != "068199003333" || l.Rows[0].FullName != "Phạm Thị Giang" {
			t.Errorf("officer's list: %+v", l)
		}
		if l := decodeList(t, f.api("GET", path, member, "", 200)); !l.Masked || l.Rows[0].NationalID != "********3333" || l.Rows[0].PersonKey != "********3333" {
			t.Errorf("committee member's list: %+v", l)
		}
		if l := decodeList(t, f.api("GET", path, thu1, "", 200)); !l.OwnQueue || len(l.Rows) != 0 {
			t.Errorf("collector before assignment: %+v", l)
		}
		f.api("GET", path, thu2, "", 403)
		f.api("GET", path, camly, "", 403)
		f.api("GET", "/api/v1/outreach/nobody?unit=24781", officer, "", 400)

		assign := `{"kind":"uncovered","unit":"24781","date":"2026-03-01","collector":"thu1"}`
		f.api("POST", "/api/v1/outreach/assign", member, assign, 403)
		f.api("POST", "/api/v1/outreach/assign", camly, assign, 403)
		f.api("POST", "/api/v1/outreach/assign", officer, strings.Replace(assign, "thu1", "thu2", 1), 400)
		f.api("POST", "/api/v1/outreach/assign", officer, assign, 201)
		if l := decodeList(t, f.api("GET", path, thu1, "", 200)); len(l.Rows) != 1 || l.Rows[0].NationalID != "068199003333" {
			t.Errorf("collector after assignment: %+v", l)
		}

		csv := f.api("GET", path+"&format=csv", thu1, "", 200)
		if h := strings.SplitN(csv, "\n", 2)[0]; !strings.HasPrefix(h, "national_id,full_name,birth_date,commune_code,village_code,household_id") {
			t.Errorf("CSV header: %s", h)
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(f.api("GET", path+"&format=xlsx", officer, "", 200))))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows(x.GetSheetName(0))
		if len(rows) != 3 || rows[1][0] != "Số định danh" || rows[2][1] != "Phạm Thị Giang" {
			t.Errorf("XLSX rows: %q", rows)
		}

		contact := `{"person_key":"068199003333","outcome":"moved","note":"đi làm xa","date":"2026-03-02"}`
		f.api("POST", "/api/v1/outreach/contacts", thu2, contact, 403)
		f.api("POST", "/api/v1/outreach/contacts", thu1, contact, 201)
		f.api("POST", "/api/v1/outreach/contacts", thu1, `{"person_key":"068199003333","outcome":"gone"}`, 400)
		if l := decodeList(t, f.api("GET", "/api/v1/outreach/uncovered?unit=24781&date=2026-03-05", officer, "", 200)); len(l.Rows) != 0 || l.Excluded != 1 {
			t.Errorf("after moved: %+v", l)
		}
		es, err := f.app.AuditLog(context.Background(), app.System, "export.personal", 100)
		if err != nil {
			t.Fatal(err)
		}
		// JSON to the officer (3), to the collector (2), CSV and XLSX; not the masked one.
		if len(es) != 7 {
			t.Errorf("%d export.personal audit lines, want 7", len(es))
		}
	})
}

func TestOutreachPage(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		f := outreachFixture(t, s)
		f.routed(f.token("admin"))
		b := f.browser("xuanhuong")
		const list = "/outreach?kind=uncovered&unit=24781&date=2026-09-15"
		page := f.get(b, list, 200)
		for _, want := range []string{"Người dân chưa có thẻ BHYT", "Trần Thị Bình", "Nguyễn Minh Châu", "Phạm Thị Giang", "068199003333", "15/09/2026", `id="download-xlsx"`, "Kết quả liên hệ"} {
			if !strings.Contains(page, want) {
				t.Errorf("outreach page lacks %q", want)
			}
		}
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
		form := url.Values{"csrf": {csrf[1]}, "person_key": {"068215001234"}, "outcome": {"enrolled"}, "date": {"2026-09-15"}, "note": {"mẹ đăng ký"},
			"back": {"kind=uncovered&unit=24781&date=2026-09-15"}}
		resp, err := b.PostForm(f.srv.URL+"/outreach/contacts", form)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Request.URL.Path != "/outreach" || !strings.Contains(string(body), "Đã đăng ký tham gia") || !strings.Contains(string(body), "mẹ đăng ký") {
			t.Errorf("after recording: %d %s", resp.StatusCode, resp.Request.URL)
		}
		form.Del("csrf")
		if resp, _ := b.PostForm(f.srv.URL+"/outreach/contacts", form); resp.StatusCode != 403 {
			t.Errorf("contact without CSRF: %d", resp.StatusCode)
		}
		if csv := f.get(b, list+"&format=csv", 200); !strings.HasPrefix(csv, "national_id,full_name,") || strings.Count(csv, "\n") != 4 {
			t.Errorf("CSV download:\n%s", csv)
		}
		f.get(b, "/outreach?kind=uncovered&unit=24787&date=2026-09-15", 403)
		masked := f.get(f.browser("bcd"), list, 200)
		if strings.Contains(masked, "068199003333") || !strings.Contains(masked, "********3333") || strings.Contains(masked, `action="/outreach/contacts"`) {
			t.Error("the committee member's page shows identifiers or the contact form")
		}
	})
}

// After two villages merge, the API and the page list the new village's persons
// filed under the old ones, and say where the records filed them.
func TestOutreachAfterVillageMerge(t *testing.T) {
	testutil.EachStore(t, func(t *testing.T, s *store.Store) {
		f := outreachFixture(t, s)
		_, err := f.app.ImportGeo(context.Background(), app.System, "reorg", "reorg.csv", strings.NewReader(
			"date,kind,from_code,to_code,to_name,to_type,source\n"+
				"2026-07-01,merge,24781/TDP01,24781/TDP01,Tổ dân phố 1,to_dan_pho,QĐ thử\n"+
				"2026-07-01,merge,24781/TDP02,24781/TDP01,,,QĐ thử\n"), civil.MustParse("2026-06-01"), false)
		if err != nil {
			t.Fatal(err)
		}
		const q = "/outreach/uncovered?unit=24781&village=TDP01&date=2026-09-15"
		var l struct {
			Rows []struct {
				FullName    string `json:"full_name"`
				VillageCode string `json:"village_code"`
				FiledUnder  string `json:"filed_under"`
			} `json:"rows"`
		}
		if err := json.Unmarshal([]byte(f.api("GET", "/api/v1"+q, f.token("admin"), "", 200)), &l); err != nil {
			t.Fatal(err)
		}
		filed := map[string]string{}
		for _, r := range l.Rows {
			if r.VillageCode != "TDP01" {
				t.Errorf("%s placed in %q", r.FullName, r.VillageCode)
			}
			filed[r.FullName] = r.FiledUnder
		}
		if len(filed) != 3 || filed["Trần Thị Bình"] != "24781/TDP01" || filed["Phạm Thị Giang"] != "24781/TDP02" || filed["Nguyễn Minh Châu"] != "24781/TDP02" {
			t.Errorf("API rows: %+v", l.Rows)
		}
		page := f.get(f.browser("xuanhuong"), "/outreach?kind=uncovered&unit=24781&village=TDP01&date=2026-09-15", 200)
		if !strings.Contains(page, "Phạm Thị Giang") || strings.Count(page, "hồ sơ ghi 24781/TDP02") != 2 {
			t.Errorf("the page does not say where the records filed the persons")
		}
		// The ward's page links its village by COMMUNE/VILLAGE, and the village's page
		// shows its predecessors, linked on the day before the merge.
		b := f.browser("xuanhuong")
		ward := f.get(b, "/units/24781?date=2026-09-15", 200)
		if !strings.Contains(ward, `href="/units/24781%2FTDP01?date=2026-09-15"`) {
			t.Errorf("the ward's page does not link its village: %s", regexp.MustCompile(`href="/units/[^"]*TDP[^"]*"`).FindAllString(ward, -1))
		}
		village := f.get(b, "/units/24781%2FTDP01?date=2026-09-15", 200)
		if !strings.Contains(village, "Tổ dân phố 1") || !strings.Contains(village, `href="/units/24781%2FTDP02?date=2026-06-30"`) {
			t.Errorf("the village's page lacks its name or its predecessor's link: %s", regexp.MustCompile(`href="/units/[^"]*"`).FindAllString(village, -1))
		}
	})
}
