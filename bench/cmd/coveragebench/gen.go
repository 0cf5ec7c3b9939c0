package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/phusong/phusong/internal/gen"
)

// dataDir is where the files of this size and seed live.
func dataDir(c config) string {
	return filepath.Join(c.Out, fmt.Sprintf("data-%d-seed%d", c.Persons, c.Seed))
}

func dataFile(c config, name string) string { return filepath.Join(dataDir(c), name) }

// changeFile is the daily change file the index phase writes.
func changeFile(c config) string {
	return dataFile(c, fmt.Sprintf("bhyt_card_changes-%s-%d.csv", c.Date, c.Changes))
}

// generate writes the files once; a directory with summary.json is reused.
func generate(c config) (*result, error) {
	dir := dataDir(c)
	sumPath := filepath.Join(dir, "summary.json")
	res := &result{Files: map[string]int64{}, Rows: map[string]int64{}}
	var sum gen.Summary
	if b, err := os.ReadFile(sumPath); err == nil {
		if err := json.Unmarshal(b, &sum); err != nil {
			return nil, err
		}
		log.Printf("reusing the generated files (%d persons)", c.Persons)
	} else {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		start := time.Now()
		last := time.Now()
		sum, err = gen.Generate(gen.Options{Persons: c.Persons, Seed: c.Seed, Progress: func(done, total int64) {
			if time.Since(last) > 10*time.Second {
				last = time.Now()
				log.Printf("  generated %d of %d residents", done, total)
			}
		}}, gen.DirSink(dir))
		if err != nil {
			return nil, err
		}
		res.GenerateS = time.Since(start).Seconds()
		b, _ := json.MarshalIndent(sum, "", "  ")
		if err := os.WriteFile(sumPath, b, 0o644); err != nil {
			return nil, err
		}
	}
	for _, f := range sum.Files {
		if st, err := os.Stat(filepath.Join(dir, f)); err == nil {
			res.Files[f] = st.Size()
		}
	}
	res.Rows["persons"] = sum.Persons
	res.Rows["residents"] = sum.Residents
	res.Rows["bhyt_cards"] = sum.Cards
	res.Rows["bhxh_periods"] = sum.BHXHPeriods
	res.Rows["bhtn_periods"] = sum.BHTNPeriods
	res.Rows["villages"] = sum.Villages
	res.Rows["bhyt_covered_asof"] = sum.BHYTCovered
	return res, nil
}
