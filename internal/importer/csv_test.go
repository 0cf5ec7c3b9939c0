package importer

import (
	"errors"
	"strings"
	"testing"
)

func TestCSVReportsFileRowColumn(t *testing.T) {
	in := "\xEF\xBB\xBFcode,when,n\n01,2025-07-01,5\n02,2025-13-01,x\n"
	c := &Collector{File: "a.csv"}
	f, ok := OpenCSV(c, strings.NewReader(in), "code", "when", "n")
	if !ok {
		t.Fatal(c.Err())
	}
	for f.Next() {
		f.Date("when", false)
		f.Int("n")
	}
	var ps Problems
	if !errors.As(c.Err(), &ps) || len(ps) != 2 {
		t.Fatalf("want 2 problems, got %v", c.Err())
	}
	if ps[0].Row != 3 || ps[0].Column != 2 || ps[0].ColumnName != "when" {
		t.Errorf("first problem at %d:%d %s", ps[0].Row, ps[0].Column, ps[0].ColumnName)
	}
	if !strings.Contains(ps[1].Error(), "a.csv:3:3 (n)") || !strings.Contains(ps[1].Error(), "whole number") || !strings.Contains(ps[1].Error(), "số nguyên") {
		t.Errorf("message %q", ps[1].Error())
	}
}

func TestCSVMissingColumn(t *testing.T) {
	c := &Collector{File: "b.csv"}
	if _, ok := OpenCSV(c, strings.NewReader("x,y\n1,2\n"), "code"); ok {
		t.Fatal("missing column accepted")
	}
	if !strings.Contains(c.Err().Error(), "missing required column code") {
		t.Error(c.Err())
	}
	c = &Collector{File: "c.csv"}
	if _, ok := OpenCSV(c, strings.NewReader(""), "code"); ok || c.Count() != 1 {
		t.Fatal("empty file accepted")
	}
}
