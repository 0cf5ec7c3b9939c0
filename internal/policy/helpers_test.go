package policy

import (
	"math/big"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

var day = civil.MustParse

// wantErr fails unless err is set and its text holds both the Vietnamese and the
// English fragment.
func wantErr(t *testing.T, err error, vi, en string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want error %q / %q, got none", vi, en)
	}
	if !strings.Contains(err.Error(), vi) || !strings.Contains(err.Error(), en) {
		t.Fatalf("error %q lacks %q or %q", err, vi, en)
	}
}

func mustBook(t *testing.T, topUps ...TopUp) *Book {
	t.Helper()
	b, err := NewBook(DefaultRules(), topUps)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newRat(a, b int64) *big.Rat { return big.NewRat(a, b) }
