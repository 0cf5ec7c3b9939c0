package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
)

// table is a result that prints as a table, CSV or JSON.
type table struct {
	header []string
	rows   [][]string
	json   any // what --format json prints (PRODUCT.md §5 objects)
}

func write(w io.Writer, format string, t table) error {
	switch format {
	case "json":
		return writeJSON(w, t.json)
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(t.header); err != nil {
			return err
		}
		if err := cw.WriteAll(t.rows); err != nil {
			return err
		}
		cw.Flush()
		return cw.Error()
	case "table", "":
		tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
		writeTabRow(tw, t.header)
		for _, r := range t.rows {
			writeTabRow(tw, r)
		}
		return tw.Flush()
	}
	return usagef("--format phải là table, csv hoặc json / --format must be table, csv or json, not %q", format)
}

func writeTabRow(w io.Writer, cells []string) {
	for i, c := range cells {
		if i > 0 {
			fmt.Fprint(w, "\t")
		}
		fmt.Fprint(w, c)
	}
	fmt.Fprintln(w)
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
