package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// progress draws a bar on the terminal for long work (imports, recomputation). On a
// pipe it prints a line every 10 %.
type progress struct {
	w       io.Writer
	label   string
	total   int64
	done    int64
	lastPct int
	start   time.Time
	tty     bool
}

func newProgress(w io.Writer, label string, total int64) *progress {
	return &progress{w: w, label: label, total: total, lastPct: -1, start: time.Now(), tty: isTerminal(w)}
}

// Add records n more units of work done.
func (p *progress) Add(n int64) {
	p.done += n
	pct := 100
	if p.total > 0 {
		pct = int(p.done * 100 / p.total)
	}
	if pct == p.lastPct || (!p.tty && pct/10 == p.lastPct/10 && pct != 100) {
		return
	}
	p.lastPct = pct
	bar := strings.Repeat("█", pct/4) + strings.Repeat("░", 25-pct/4)
	if p.tty {
		fmt.Fprintf(p.w, "\r%s %s %3d%% (%d/%d)", p.label, bar, pct, p.done, p.total)
		return
	}
	fmt.Fprintf(p.w, "%s %3d%% (%d/%d)\n", p.label, pct, p.done, p.total)
}

// Done ends the bar with the elapsed time.
func (p *progress) Done() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
	fmt.Fprintf(p.w, "%s: xong / done in %s\n", p.label, time.Since(p.start).Round(time.Millisecond))
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
