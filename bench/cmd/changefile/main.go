// Command changefile imports BHYT card files, one after another, into a loaded
// database through the product's service layer with the coverage index kept (as
// `phusong serve` runs), and prints how long each took; the product's import log
// line gives the parts (write, commit, index). See bench/README.md, session 3.
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
	flag.Parse()
	ctx := context.Background()
	st, err := store.Open(ctx, *db)
	if err != nil {
		log.Fatal(err)
	}
	defer st.Close()
	a := app.New(st, slog.New(slog.NewTextHandler(os.Stderr, nil)))
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
		log.Printf("%s: %v", name, time.Since(t))
	}
}
