package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/gen"
)

func init() {
	register("gen", "write realistic synthetic registry files (real 2025 communes, Vietnamese names, households, cards, periods)", runGen)
}

func runGen(e *env, args []string) error {
	f := newFlags(e, "gen", false, false)
	persons := f.Int64("persons", 100000, "residents to generate")
	seed := f.Int64("seed", 1, "random seed: the same seed gives the same files")
	out := f.String("out", "", "directory to write into")
	provinces := f.String("province", "", "2025 province codes, comma-separated (default: all 34)")
	asOf := f.String("as-of", "", "the data's 'today' (default 2026-06-30)")
	gz := f.Bool("gzip", false, "write .csv.gz")
	if _, err := f.parse(args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("phusong gen --persons N --seed S --out DIR [--province 68]")
	}
	opt := gen.Options{Persons: *persons, Seed: *seed}
	if *provinces != "" {
		opt.Provinces = strings.Split(*provinces, ",")
	}
	if *asOf != "" {
		d, err := civil.Parse(*asOf)
		if err != nil {
			return usagef("--as-of: %v", err)
		}
		opt.AsOf = d
	}
	bar := newProgress(e.stderr, "gen", *persons)
	opt.Progress = func(done, _ int64) { bar.Add(done - bar.done) }
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	sink := gen.DirSink(*out)
	if *gz {
		sink = gen.GzipDirSink(*out)
	}
	sum, err := gen.Generate(opt, sink)
	bar.Done()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s: %d residents, %d persons, %d cards, %d BHXH periods, %d BHTN periods in %d communes\n",
		*out, sum.Residents, sum.Persons, sum.Cards, sum.BHXHPeriods, sum.BHTNPeriods, sum.Communes)
	return nil
}
