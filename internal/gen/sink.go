package gen

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"

	"github.com/phusong/phusong/internal/civil"
)

// Sink opens the named files the generator writes ("persons.csv" …).
type Sink interface {
	Create(name string) (io.WriteCloser, error)
}

// DirSink writes plain files in dir, which must exist.
func DirSink(dir string) Sink { return dirSink{dir: dir} }

// GzipDirSink writes gzip-compressed files "name.gz" in dir, which must exist.
func GzipDirSink(dir string) Sink { return dirSink{dir: dir, gzip: true} }

type dirSink struct {
	dir  string
	gzip bool
}

func (s dirSink) Create(name string) (io.WriteCloser, error) {
	if !s.gzip {
		return os.Create(filepath.Join(s.dir, name))
	}
	f, err := os.Create(filepath.Join(s.dir, name+".gz"))
	if err != nil {
		return nil, err
	}
	z, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	return &gzipFile{z, f}, nil
}

type gzipFile struct {
	z *gzip.Writer
	f *os.File
}

func (g *gzipFile) Write(p []byte) (int, error) { return g.z.Write(p) }

func (g *gzipFile) Close() error {
	err := g.z.Close()
	if cerr := g.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// MemSink keeps the files in memory, for tests and small demos.
type MemSink struct {
	mu    sync.Mutex
	files map[string]*bytes.Buffer
}

func (m *MemSink) Create(name string) (io.WriteCloser, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = map[string]*bytes.Buffer{}
	}
	b := &bytes.Buffer{}
	m.files[name] = b
	return nopCloser{b}, nil
}

// File is the content written under name (nil when none).
func (m *MemSink) File(name string) []byte {
	m.mu.Lock()
	defer m.mu.Unlock()
	if b := m.files[name]; b != nil {
		return b.Bytes()
	}
	return nil
}

// Names are the files written, sorted.
func (m *MemSink) Names() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for n := range m.files {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// table is one CSV file being written: a buffered writer and a row under
// construction. Fields are written unquoted: the generator never produces a comma,
// quote or line break inside a field.
type csvFile struct {
	name string
	c    io.WriteCloser
	w    *bufio.Writer
	row  []byte
	rows int64
}

func openCSV(s Sink, name, header string) (*csvFile, error) {
	c, err := s.Create(name)
	if err != nil {
		return nil, err
	}
	f := &csvFile{name: name, c: c, w: bufio.NewWriterSize(c, 1<<18)}
	_, err = f.w.WriteString(header + "\n")
	return f, err
}

func (f *csvFile) str(s string) *csvFile {
	f.sep()
	f.row = append(f.row, s...)
	return f
}

func (f *csvFile) bytes(b []byte) *csvFile {
	f.sep()
	f.row = append(f.row, b...)
	return f
}

func (f *csvFile) int(n int64) *csvFile {
	f.sep()
	f.row = strconv.AppendInt(f.row, n, 10)
	return f
}

// date writes an ISO date; civil.Max (open-ended) is an empty field.
func (f *csvFile) date(d civil.Date) *csvFile {
	f.sep()
	if d >= civil.Max {
		return f
	}
	f.row = appendDate(f.row, d)
	return f
}

func (f *csvFile) sep() {
	if len(f.row) > 0 {
		f.row = append(f.row, ',')
	}
}

// empty writes an empty field.
func (f *csvFile) empty() *csvFile {
	f.row = append(f.row, ',')
	return f
}

func (f *csvFile) end() error {
	f.row = append(f.row, '\n')
	_, err := f.w.Write(f.row)
	f.row = f.row[:0]
	f.rows++
	return err
}

func (f *csvFile) close() error {
	err := f.w.Flush()
	if cerr := f.c.Close(); err == nil {
		err = cerr
	}
	return err
}

// appendDate formats YYYY-MM-DD without going through time.Time (days since
// 1970-01-01, civil-from-days algorithm of H. Hinnant).
func appendDate(b []byte, d civil.Date) []byte {
	if i := int(d - tableFrom); i >= 0 && i < len(dateTable) {
		return append(b, dateTable[i][:]...)
	}
	y, m, day := d.YMD()
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+day/10), byte('0'+day%10))
}

// Dates from 1900 to 2199 are looked up: formatting and splitting dates is most of
// the work of writing a row.
var (
	tableFrom = civil.FromYMD(1900, 1, 1)
	dateTable [][10]byte
	ymdTable  []uint32 // y<<9 | m<<5 | d
)

func init() {
	n := int(civil.FromYMD(2200, 1, 1) - tableFrom)
	dateTable = make([][10]byte, n)
	ymdTable = make([]uint32, n)
	for i := range n {
		d := tableFrom + civil.Date(i)
		y, m, day := d.YMD()
		ymdTable[i] = uint32(y<<9 | m<<5 | day)
		dateTable[i] = [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
			byte('0' + m/10), byte('0' + m%10), '-', byte('0' + day/10), byte('0' + day%10)}
	}
}

func ymd(d civil.Date) (int, int, int) {
	if i := int(d - tableFrom); i >= 0 && i < len(ymdTable) {
		v := ymdTable[i]
		return int(v >> 9), int(v >> 5 & 15), int(v & 31)
	}
	return d.YMD()
}
