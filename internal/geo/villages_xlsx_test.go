package geo

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/phusong/phusong/internal/civil"
)

// TestParseVillagesFromWorkbook reads villages from an XLSX workbook as a commune
// officer saves it: the commune code typed as a number (Excel drops its leading
// zeros, 00004 → 4) and a date cell for valid_from.
func TestParseVillagesFromWorkbook(t *testing.T) {
	wb := excelize.NewFile()
	sheet := wb.GetSheetName(0)
	rows := [][]any{
		{"commune_code", "village_code", "village_name", "valid_from"},
		{4, "TDP01", "Tổ dân phố 1", civil.MustParse("2026-03-01").Time()},
		{"00004", "TDP02", "Tổ dân phố 2", nil},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := wb.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := wb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	a := refAtlas(t)
	ch, err := ParseVillages(a, "thon.xlsx", bytes.NewReader(buf.Bytes()), civil.MustParse("2026-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	baDinh := mustFind(t, a, "00004", "2026-01-01")
	if len(ch.NewUnits) != 2 {
		t.Fatalf("new units %+v", ch.NewUnits)
	}
	for i, want := range []struct{ code, from string }{{"TDP01", "2026-03-01"}, {"TDP02", "2026-01-01"}} {
		u := ch.NewUnits[i]
		if u.Code != want.code || u.ValidFrom != civil.MustParse(want.from) || u.Parents[0].ParentID != baDinh.ID {
			t.Errorf("village %d: %s from %s in %d; want %s from %s in Ba Đình (%d)", i+1, u.Code, u.ValidFrom, u.Parents[0].ParentID, want.code, want.from, baDinh.ID)
		}
	}
}
