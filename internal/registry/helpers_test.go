package registry

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/importer"
)

// fakeUnits is a small geography: Hà Nội (01) with phường Ba Đình (00004, villages
// 01 and 02) and TP HCM (79) with phường Sài Gòn (26734, village 01).
type fakeUnits struct{}

func (fakeUnits) Commune(code string) (int64, string, bool) {
	switch code {
	case "00004":
		return 4, "01", true
	case "26734":
		return 26734, "79", true
	}
	return 0, "", false
}

func (fakeUnits) Village(commune int64, code string) (int64, bool) {
	switch {
	case commune == 4 && code == "01":
		return 1001, true
	case commune == 4 && code == "02":
		return 1002, true
	case commune == 26734 && code == "01":
		return 2001, true
	}
	return 0, false
}

func (fakeUnits) Unit(code string) (int64, bool) {
	switch code {
	case "01":
		return 1, true
	case "00004":
		return 4, true
	case "26734":
		return 26734, true
	}
	return 0, false
}

func date(s string) civil.Date { return civil.MustParse(s) }

// readAll reads a file of a kind and returns its rows and error.
func readAll(t *testing.T, kind, file, content string) ([]Row, error) {
	t.Helper()
	var rows []Row
	err := Read(kind, file, strings.NewReader(content), fakeUnits{}, func(r Row) error {
		rows = append(rows, r)
		return nil
	})
	return rows, err
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func problems(t *testing.T, err error) importer.Problems {
	t.Helper()
	var ps importer.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("want problems, got %v", err)
	}
	return ps
}
