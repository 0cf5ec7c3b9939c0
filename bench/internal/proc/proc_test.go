package proc

import "testing"

func TestStatusKB(t *testing.T) {
	for _, f := range []string{"VmHWM", "RssAnon"} {
		if kb, ok := StatusKB(f); !ok || kb <= 0 {
			t.Errorf("%s: %d kB, %v", f, kb, ok)
		}
	}
	if _, ok := StatusKB("NoSuchField"); ok {
		t.Error("an unknown field was read")
	}
}
