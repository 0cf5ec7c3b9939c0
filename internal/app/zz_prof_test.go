package app

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/store"
)

func TestZZProfImport(t *testing.T) {
	dir := os.Getenv("ZZ_DATA")
	if dir == "" {
		t.Skip()
	}
	ctx := context.Background()
	url := os.Getenv("ZZ_URL")
	st, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := New(st, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	a.KeepIndex = os.Getenv("ZZ_KEEP") != ""
	for _, k := range []string{"villages", "persons", "residents", "bhyt_cards", "bhxh_periods", "bhtn_periods"} {
		f, err := os.Open(dir + "/" + k + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Now()
		if k == "villages" {
			_, err = a.ImportGeo(ctx, System, k, k, f, civil.MustParse("2025-07-01"), false)
		} else {
			_, err = a.ImportRegistry(ctx, System, k, k, f, civil.MustParse("2026-06-30"), false, nil)
		}
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s %.1f s", k, time.Since(t0).Seconds())
	}
	t0 := time.Now()
	n, took, err := a.WarmCoverage(ctx)
	t.Logf("warm %d %v %.1f", n, took, time.Since(t0).Seconds())
}

func TestZZChange(t *testing.T) {
	dir := os.Getenv("ZZ_DATA")
	if dir == "" {
		t.Skip()
	}
	ctx := context.Background()
	st, err := store.Open(ctx, os.Getenv("ZZ_URL"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := New(st, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	a.KeepIndex = true
	t0 := time.Now()
	n, _, err := a.WarmCoverage(ctx)
	t.Logf("warm %d %.1f s", n, time.Since(t0).Seconds())
	f, err := os.Open(dir + "/bhyt_card_changes-2026-06-30-100000.csv")
	if err != nil {
		t.Fatal(err)
	}
	t0 = time.Now()
	if _, err := a.ImportRegistry(ctx, System, "bhyt_cards", "c", f, civil.MustParse("2026-06-30"), false, nil); err != nil {
		t.Fatal(err)
	}
	t.Logf("change %.2f s", time.Since(t0).Seconds())
}
