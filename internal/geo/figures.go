package geo

import (
	"io"
	"strconv"

	"github.com/phusong/phusong/internal/importer"
)

// ParseFigures reads a CSV `unit_code,value` of whole numbers, one line per unit.
func ParseFigures(file string, r io.Reader) ([]Figure, error) {
	c := &importer.Collector{File: file}
	f, ok := importer.OpenCSV(c, r, "unit_code", "value")
	if !ok {
		return nil, c.Err()
	}
	var out []Figure
	seen := map[string]int{}
	for f.Next() {
		code, ok1 := f.Required("unit_code")
		v, ok2 := f.Int("value")
		if !ok1 || !ok2 {
			continue
		}
		if first, dup := seen[code]; dup {
			f.Bad("unit_code", "mã đơn vị lặp lại (đã có ở dòng "+strconv.Itoa(first)+")", "unit code repeated (first on row "+strconv.Itoa(first)+")")
			continue
		}
		seen[code] = f.Row()
		out = append(out, Figure{code, v})
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
