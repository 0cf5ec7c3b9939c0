// Command changefile imports BHYT card files, one after another, into a loaded
// database through the product's service layer with the coverage index kept (as
// `phusong serve` runs), and prints how long each took until the coverage index
// showed it, and until the card table had it merged (store/cardlog.go); the
// product's import log line gives the parts (write, commit, index). See
// bench/README.md, sessions 3 and 6.
//
//	cd bench && go run ./cmd/changefile -db sqlite:DIR/phusong-1000000.db FILE…
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"os"
	"runtime/pprof"
	"time"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/gen"
	"github.com/phusong/phusong/internal/store"
)

func main() {
	db := flag.String("db", "", "database URL (sqlite:PATH or postgres://…)")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the imports to this file")
	pause := flag.Duration("pause", 0, "wait this long after each file's merge (SQLite copies its write-ahead log back meanwhile)")
	flag.Parse()
	ctx := context.Background()
	st, err := store.Open(ctx, *db)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	a := app.New(st, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})))
	a.KeepIndex = true
	t0 := time.Now()
	if _, _, err := a.WarmCoverage(ctx); err != nil {
		log.Fatal(err)
	}
	log.Printf("index built in %v", time.Since(t0))
	if *prof != "" {
		f, err := os.Create(*prof)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	for _, name := range flag.Args() {
		f, err := os.Open(name)
		if err != nil {
			log.Fatal(err)
		}
		t := time.Now()
		_, err = a.ImportRegistry(ctx, app.System, "bhyt_cards", name, f, gen.DefaultAsOf, false, nil)
		f.Close()
		if err != nil {
			log.Fatal(err)
		}
		visible := time.Since(t)
		// The cards reach the card table in a merge after the commit; the next
		// import waits for it. Timed apart so that each file's figure is its own.
		if err := st.SettleCards(ctx); err != nil {
			log.Fatal(err)
		}
		_, merge := st.CardMerges()
		log.Printf("%s: visible after %v; card table merged %v later (merge %v)", name, visible, time.Since(t)-visible, merge)
		time.Sleep(*pause)
	}
}
