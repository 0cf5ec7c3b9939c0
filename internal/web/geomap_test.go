package web

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"
)

func TestBoundariesCoverEveryUnit(t *testing.T) {
	all, err := loadShapes()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(all["province"]); n != 34 {
		t.Errorf("%d provinces with a shape, want 34", n)
	}
	f, err := os.Open("../geo/data/communes_2025.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := csv.NewReader(f).ReadAll()
	for _, r := range rows[1:] {
		if len(all["commune"][r[0]]) == 0 {
			t.Errorf("commune %s %s has no shape", r[0], r[2])
		}
	}
	// A ring is closed by its arcs: first and last points coincide.
	for code, rings := range all["province"] {
		for _, ring := range rings {
			if ring[0] != ring[len(ring)-1] {
				t.Fatalf("province %s has an open ring", code)
			}
		}
	}
}

func TestMapOfLamDong(t *testing.T) {
	var areas []MapArea
	f, _ := os.Open("../geo/data/communes_2025.csv")
	defer f.Close()
	rows, _ := csv.NewReader(f).ReadAll()
	for _, r := range rows[1:] {
		if r[6] == "68" {
			areas = append(areas, MapArea{Code: r[0], Name: r[2], Fill: "#1a9850"})
		}
	}
	m, err := buildMap("commune", areas, 640)
	if err != nil || m == nil {
		t.Fatal(err)
	}
	if len(m.Areas) != 124 || m.Width != 640 || m.Height < 500 || m.Height > 1200 {
		t.Errorf("map %dx%d with %d areas", m.Width, m.Height, len(m.Areas))
	}
	if !strings.HasPrefix(string(m.Areas[0].Path), `d="M`) {
		t.Errorf("path %.40s", m.Areas[0].Path)
	}
	none, err := buildMap("commune", []MapArea{{Code: "TDP01"}}, 640)
	if err != nil || none != nil {
		t.Error("a unit without geometry gives no map")
	}
}
