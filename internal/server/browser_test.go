package server_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/phusong/phusong/internal/store"
	"github.com/phusong/phusong/internal/testutil"
)

// chromium finds Debian's chromium; without it the browser test skips locally and
// fails in CI, where .ci/run installs it.
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := exec.LookPath(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed; .ci/run installs Debian's chromium")
	}
	t.Skip("chromium is not installed")
	return ""
}

func browserContext(t *testing.T) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	return ctx
}

// TestBrowserLoginBrowseSwitchDate logs in, walks from the provinces to a ward of
// Đà Lạt (seeing the province's dashboard and map on the way), and switches the date
// to the eve of the reorganisation, where the ward was five old wards.
func TestBrowserLoginBrowseSwitchDate(t *testing.T) {
	ctx := browserContext(t)
	f := newFixture(t, testutil.NewStore(t, store.SQLite))
	link := func(text string) chromedp.Search { return chromedp.Search(`//a[text()="` + text + `"]`) }
	err := chromedp.Do(ctx,
		chromedp.Navigate(f.srv.URL+"/units?date=2025-07-01"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "admin"),
		chromedp.SendKeys(chromedp.ID("password"), password),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.ID("units")),
		chromedp.Click(link("Tỉnh Lâm Đồng")),
		chromedp.WaitVisible(chromedp.ID("children")),
		chromedp.WaitVisible(chromedp.ID("map")),      // the choropleth of the 124 communes
		chromedp.WaitVisible(chromedp.ID("kpi-bhyt")), // the dashboard's headline
		chromedp.Click(link("Phường Xuân Hương - Đà Lạt")),
		chromedp.WaitVisible(chromedp.ID("predecessors")),
	)
	if err != nil {
		t.Fatal(err)
	}
	heading, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("unit-name")))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("date"), "2025-06-30"),
		chromedp.Click(chromedp.ID("date-submit")),
		chromedp.WaitVisible(chromedp.ID("places")),
	)
	if err != nil {
		t.Fatal(err)
	}
	places, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("places")))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx, chromedp.Click(link("Phường 10")), chromedp.WaitVisible(chromedp.ID("successors")))
	if err != nil {
		t.Fatal(err)
	}
	name, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("unit-name")))
	if err != nil {
		t.Fatal(err)
	}
	if heading != "Phường Xuân Hương - Đà Lạt" {
		t.Errorf("ward heading %q", heading)
	}
	for _, w := range []string{"Phường 1", "Phường 2", "Phường 3", "Phường 4", "Phường 10"} {
		if !strings.Contains(places, w) {
			t.Errorf("on 2025-06-30 the place lacks %s: %q", w, places)
		}
	}
	if name != "Phường 10" {
		t.Errorf("after switching date and following the link: %q", name)
	}
}
