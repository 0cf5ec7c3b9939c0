package registry

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/phusong/phusong/internal/importer"
)

// seen remembers the keys already met in a file, with their row, to report
// duplicates. Identifiers are packed into integers (a map entry of about 40 bytes,
// not a string). A repeat among the last KeysInMemory keys is reported at its row as
// it is read. When that many keys are held, they are written to a temporary file,
// sorted (a run), and forgotten, so that a file of hundreds of millions of cards
// holds at most KeysInMemory keys at once; at the end of the file the runs are merged
// and the repeats across them reported at their rows (finish). The file is rejected
// either way, and nothing of it is written.
type seen struct {
	nums map[[2]uint64]seenAt
	strs map[string]int32
	max  int // keys held before a run is written

	cols []string   // the columns keys were checked on, by index
	runs []*os.File // sorted runs of seenKey
}

// KeysInMemory is how many keys the check for repeats in a file holds before it
// writes them out (4 million: about 200 MB, measured at 10M persons).
var KeysInMemory = 4 << 20

// seenAt is where a key was met: its row and the column it was checked on (the
// entry takes as much room as a row alone would, 24 bytes with its key).
type seenAt struct {
	row int32
	col uint8
}

type seenKey struct {
	a, b uint64
	row  int32
	col  uint8
}

const seenKeyBytes = 21

func newSeen() *seen {
	return &seen{nums: map[[2]uint64]seenAt{}, strs: map[string]int32{}, max: KeysInMemory}
}

// once records a textual key under a namespace; a repeat is a problem on col. (Only
// small files — denominators, targets — have textual keys; they are never written
// out.)
func (s *seen) once(f *importer.CSV, col, ns, key string) bool {
	if key == "" {
		return true
	}
	k := ns + "\x00" + key
	if first, dup := s.strs[k]; dup {
		return dupOf(f, col, first)
	}
	s.strs[k] = int32(f.Row())
	return true
}

// onceNum records a packed key (a, b) checked on column col; a == 0 means no key.
func (s *seen) onceNum(f *importer.CSV, col string, a, b uint64) bool {
	if a == 0 {
		return true
	}
	k := [2]uint64{a, b}
	if first, dup := s.nums[k]; dup {
		return dupOf(f, col, first.row)
	}
	if len(s.nums) >= s.max {
		err := s.writeRun()
		if err == nil && len(s.runs) > maxRuns {
			err = s.compact(f)
		}
		if err != nil {
			f.Bad(col, "không ghi được tệp tạm để kiểm tra trùng: "+err.Error(), "cannot write the temporary file of the duplicate check: "+err.Error())
			return false
		}
	}
	s.nums[k] = seenAt{row: int32(f.Row()), col: uint8(s.colIndex(col))}
	return true
}

func dupOf(f *importer.CSV, col string, first int32) bool {
	f.Bad(col, fmt.Sprintf("trùng với dòng %d", first), fmt.Sprintf("duplicate of row %d", first))
	return false
}

// colIndex is col's number among the columns keys were checked on (at most a few).
func (s *seen) colIndex(col string) int {
	if i := slices.Index(s.cols, col); i >= 0 {
		return i
	}
	s.cols = append(s.cols, col)
	return len(s.cols) - 1
}

// writeRun writes the keys held, sorted, to a temporary file and forgets them.
func (s *seen) writeRun() error {
	keys := make([]seenKey, 0, len(s.nums))
	for k, v := range s.nums {
		keys = append(keys, seenKey{a: k[0], b: k[1], row: v.row, col: v.col})
	}
	slices.SortFunc(keys, compareSeen)
	f, err := os.CreateTemp("", "phusong-keys-*")
	if err != nil {
		return err
	}
	s.runs = append(s.runs, f)
	w := bufio.NewWriterSize(f, 64<<10)
	var rec []byte
	for _, k := range keys {
		rec = appendSeen(rec[:0], k)
		if _, err := w.Write(rec); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	clear(s.nums)
	return nil
}

func appendSeen(b []byte, k seenKey) []byte {
	b = binary.LittleEndian.AppendUint64(b, k.a)
	b = binary.LittleEndian.AppendUint64(b, k.b)
	b = binary.LittleEndian.AppendUint32(b, uint32(k.row))
	return append(b, k.col)
}

func compareSeen(x, y seenKey) int {
	if c := cmp.Compare(x.a, y.a); c != 0 {
		return c
	}
	if c := cmp.Compare(x.b, y.b); c != 0 {
		return c
	}
	return cmp.Compare(x.row, y.row)
}

// maxRuns is how many runs a seen keeps open; one more and they are merged into one.
const maxRuns = 64

// finish reports the repeats across runs, each at its row as a duplicate of the
// key's first row. A file that needed no run has had them all reported already.
func (s *seen) finish(f *importer.CSV) error {
	if s == nil || len(s.runs) == 0 {
		return nil
	}
	if err := s.writeRun(); err != nil {
		return err
	}
	return s.merge(f, nil)
}

// merge reads the runs in key order, reports the repeats across them, and writes
// each key once (at its first row) to out when out is not nil.
func (s *seen) merge(f *importer.CSV, out *bufio.Writer) error {
	h := &runHeap{}
	for _, r := range s.runs {
		if _, err := r.Seek(0, io.SeekStart); err != nil {
			return err
		}
		rd := &runReader{r: bufio.NewReaderSize(r, 64<<10)}
		ok, err := rd.next()
		if err != nil {
			return err
		}
		if ok {
			h.rs = append(h.rs, rd)
		}
	}
	heap.Init(h)
	var first seenKey
	var rec []byte
	have := false
	for h.Len() > 0 {
		rd := h.rs[0]
		k := rd.cur
		if have && k.a == first.a && k.b == first.b {
			vi, en := fmt.Sprintf("trùng với dòng %d", first.row), fmt.Sprintf("duplicate of row %d", first.row)
			f.BadAt(int(k.row), s.cols[k.col], vi, en)
		} else {
			first, have = k, true
			if out != nil {
				rec = appendSeen(rec[:0], k)
				if _, err := out.Write(rec); err != nil {
					return err
				}
			}
		}
		ok, err := rd.next()
		if err != nil {
			return err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return nil
}

// compact merges the runs into one, reporting the repeats among them.
func (s *seen) compact(f *importer.CSV) error {
	out, err := os.CreateTemp("", "phusong-keys-*")
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(out, 64<<10)
	err = s.merge(f, w)
	if err == nil {
		err = w.Flush()
	}
	s.close()
	s.runs = []*os.File{out}
	return err
}

// close removes the runs.
func (s *seen) close() {
	if s == nil {
		return
	}
	for _, r := range s.runs {
		r.Close() // temporary files: nothing to do about a failure
		os.Remove(r.Name())
	}
	s.runs = nil
}

type runReader struct {
	r   *bufio.Reader
	cur seenKey
	rec [seenKeyBytes]byte
}

func (rd *runReader) next() (bool, error) {
	if _, err := io.ReadFull(rd.r, rd.rec[:]); err == io.EOF {
		return false, nil
	} else if err != nil {
		return false, err
	}
	rd.cur = seenKey{a: binary.LittleEndian.Uint64(rd.rec[0:]), b: binary.LittleEndian.Uint64(rd.rec[8:]),
		row: int32(binary.LittleEndian.Uint32(rd.rec[16:])), col: rd.rec[20]}
	return true, nil
}

// runHeap orders the runs by their current key, then row.
type runHeap struct{ rs []*runReader }

func (h *runHeap) Len() int           { return len(h.rs) }
func (h *runHeap) Less(i, j int) bool { return compareSeen(h.rs[i].cur, h.rs[j].cur) < 0 }
func (h *runHeap) Swap(i, j int)      { h.rs[i], h.rs[j] = h.rs[j], h.rs[i] }
func (h *runHeap) Push(x any)         { h.rs = append(h.rs, x.(*runReader)) }
func (h *runHeap) Pop() any {
	x := h.rs[len(h.rs)-1]
	h.rs = h.rs[:len(h.rs)-1]
	return x
}
