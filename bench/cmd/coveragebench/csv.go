package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"

	"github.com/phusong/phusong/internal/civil"
)

// eachRow reads a generated CSV file (the generator never quotes a field) and calls
// fn with each data row's fields, addressed by the header's column numbers cols.
func eachRow(path string, fn func(f [][]byte, line []byte) error) (map[string]int, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	if !sc.Scan() {
		return nil, fmt.Errorf("%s: empty", path)
	}
	cols := map[string]int{}
	for i, h := range bytes.Split(sc.Bytes(), []byte{','}) {
		cols[string(h)] = i
	}
	if fn == nil {
		return cols, nil
	}
	var f [][]byte
	for sc.Scan() {
		line := sc.Bytes()
		f = f[:0]
		for {
			i := bytes.IndexByte(line, ',')
			if i < 0 {
				f = append(f, line)
				break
			}
			f = append(f, line[:i])
			line = line[i+1:]
		}
		if err := fn(f, sc.Bytes()); err != nil {
			return nil, err
		}
	}
	return cols, sc.Err()
}

// header reads only the column numbers of a file.
func header(path string) (map[string]int, error) { return eachRow(path, nil) }

// col is the number of a required column.
func col(cols map[string]int, name string) int {
	i, ok := cols[name]
	if !ok {
		panic("missing column " + name)
	}
	return i
}

// date reads an ISO date; an empty field is open-ended (civil.Max).
func date(b []byte) (civil.Date, error) {
	if len(b) == 0 {
		return civil.Max, nil
	}
	return civil.Parse(string(b))
}
