package app

import "testing"

func TestPersonIndexKeys(t *testing.T) {
	x := newPersonIndex()
	x.set("068199001234", 1) // a person key: the national ID
	x.set("6801234567", 2)   // a BHXH code cards are filed under
	x.set("bhxh:6801234567", 3)
	x.set("0001234567", 4) // leading zeros are part of the code
	x.set("odd-key", 5)
	for k, want := range map[string]int32{
		"068199001234":    1,
		"id:068199001234": 1, // the same person as a holder
		"6801234567":      2,
		"bhxh:6801234567": 3, // a person key, not the holder of the same code
		"0001234567":      4,
		"odd-key":         5,
	} {
		if got, ok := x.get(k); !ok || got != want {
			t.Errorf("get(%q) = %d, %v; want %d", k, got, ok, want)
		}
	}
	for _, k := range []string{"1234567", "001234567", "00001234567", "id:", "bhxh:", "", "68012345x7", "id:68199001234"} {
		if got, ok := x.get(k); ok {
			t.Errorf("get(%q) = %d; want absent", k, got)
		}
	}
}
