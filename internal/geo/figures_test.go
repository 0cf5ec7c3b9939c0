package geo

import (
	"errors"
	"strings"
	"testing"

	"github.com/phusong/phusong/internal/importer"
)

func TestParseFigures(t *testing.T) {
	figs, err := ParseFigures("f.csv", strings.NewReader("unit_code,value,note\n24784,100,x\n00007,-3,\n"))
	if err != nil || len(figs) != 2 || figs[1] != (Figure{"00007", -3}) {
		t.Fatalf("%v %+v", err, figs)
	}
	_, err = ParseFigures("f.csv", strings.NewReader("unit_code,value\n24784,1.5\n00007,2\n00007,3\n"))
	var ps importer.Problems
	if !errors.As(err, &ps) || len(ps) != 2 || ps[0].Row != 2 || ps[0].Column != 2 || ps[1].Row != 4 || ps[1].Column != 1 {
		t.Errorf("problems %v", err)
	}
}

// FuzzParseFigures: the rebase file reader never panics, and what it accepts it
// accepts whole (no problems with figures).
func FuzzParseFigures(f *testing.F) {
	f.Add("unit_code,value\n24784,100\n00007,101\n")
	f.Add("unit_code,value\n\"24\n784\",1\n")
	f.Add("value,unit_code\n-9223372036854775808,1\n")
	f.Fuzz(func(t *testing.T, in string) {
		figs, err := ParseFigures("fuzz.csv", strings.NewReader(in))
		if err != nil && figs != nil {
			t.Fatal("figures returned with an error")
		}
	})
}
