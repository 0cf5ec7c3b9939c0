package web

import (
	"testing"

	"github.com/phusong/phusong/internal/civil"
)

func TestEveryMessageInBothLanguages(t *testing.T) {
	for k, m := range messages {
		if m[0] == "" || m[1] == "" {
			t.Errorf("message %s lacks a language: %q", k, m)
		}
	}
}

func TestFormats(t *testing.T) {
	cases := []struct{ got, want string }{
		{Num(VI, 1234567), "1.234.567"},
		{Num(EN, 1234567), "1,234,567"},
		{Num(VI, -1000), "-1.000"},
		{Num(VI, 999), "999"},
		{Pct(VI, 92.34), "92,34%"},
		{Pct(EN, 92.34), "92.34%"},
		{Day(VI, civil.MustParse("2025-07-01")), "01/07/2025"},
		{Day(VI, civil.Max), "nay"},
		{calcItem(EN, "member_3"), "Member 3"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
