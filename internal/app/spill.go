package app

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/coverage"
	"github.com/phusong/phusong/internal/store"
)

// A spill is a set of temporary files, one a bucket, that a rebuild writes the
// stored rows (or the persons) to in the order the store gives them, and reads back
// a bucket at a time. A bucket's file is made when its first record is written.
type spill struct {
	dir, name string
	files     []*os.File
	w         []*bufio.Writer
	rec       []byte
}

func newSpill(dir, name string, buckets int) *spill {
	return &spill{dir: dir, name: name, files: make([]*os.File, buckets), w: make([]*bufio.Writer, buckets)}
}

func (s *spill) write(b int, rec []byte) error {
	if s.w[b] == nil {
		f, err := os.CreateTemp(s.dir, fmt.Sprintf("%s-%03d-*", s.name, b))
		if err != nil {
			return err
		}
		s.files[b], s.w[b] = f, bufio.NewWriterSize(f, 64<<10)
	}
	_, err := s.w[b].Write(rec)
	return err
}

// reader is bucket b's records from the start (nil when it has none).
func (s *spill) reader(b int) (*bufio.Reader, error) {
	if s.w[b] == nil {
		return nil, nil
	}
	if err := s.w[b].Flush(); err != nil {
		return nil, err
	}
	if _, err := s.files[b].Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return bufio.NewReaderSize(s.files[b], 64<<10), nil
}

// drop closes and removes bucket b's file.
func (s *spill) drop(b int) error {
	if s.files[b] == nil {
		return nil
	}
	err := errors.Join(s.files[b].Close(), os.Remove(s.files[b].Name()))
	s.files[b], s.w[b] = nil, nil
	return err
}

func (s *spill) close() error {
	var errs []error
	for b := range s.files {
		errs = append(errs, s.drop(b))
	}
	return errors.Join(errs...)
}

// bucketOf is the bucket of a holder among n: its packed form (packKey) mixed, or
// its bytes hashed (FNV-1a) when it has another shape. A person goes to the bucket
// of their BHXH code, so that the rows filed under it are in the same bucket.
func bucketOf(holder string, n int) int {
	if k, ok := packKey(holder); ok {
		return bucketOfPacked(k, n)
	}
	h := uint64(14695981039346656037)
	for i := 0; i < len(holder); i++ {
		h = (h ^ uint64(holder[i])) * 1099511628211
	}
	return int(h % uint64(n))
}

func bucketOfPacked(k uint64, n int) int {
	return int((k * 0x9E3779B97F4A7C15 >> 32) % uint64(n))
}

// Records. A held row: a byte saying how the holder is written (0: packed, 8 bytes;
// 1: its length and bytes), then the row in 18 bytes. A person: the strings as a
// length and bytes, the numbers as varints.

const heldRowBytes = 18

func (s *spill) writeRow(holder string, r heldRow) error {
	b := s.rec[:0]
	k, packed := packKey(holder)
	if packed {
		b = append(b, 0)
		b = binary.LittleEndian.AppendUint64(b, k)
	} else {
		b = append(b, 1)
		b = appendString(b, holder)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(r.iv.From))
	b = binary.LittleEndian.AppendUint32(b, uint32(r.iv.To))
	b = append(b, byte(r.iv.Issuing), byte(r.iv.Group), boolByte(r.iv.Voluntary), byte(r.scheme), boolByte(r.counts), r.province)
	b = binary.LittleEndian.AppendUint32(b, r.card)
	s.rec = b
	if packed {
		return s.write(bucketOfPacked(k, len(s.files)), b)
	}
	return s.write(bucketOf(holder, len(s.files)), b)
}

// eachRow calls fn with bucket b's rows in the order written: the holder packed
// (packed true) or as a string.
func (s *spill) eachRow(b int, fn func(packed uint64, holder string, r heldRow)) error {
	rd, err := s.reader(b)
	if rd == nil || err != nil {
		return err
	}
	var fixed [heldRowBytes]byte
	for {
		tag, err := rd.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		var k uint64
		var holder string
		if tag == 0 {
			var n [8]byte
			if _, err := io.ReadFull(rd, n[:]); err != nil {
				return err
			}
			k = binary.LittleEndian.Uint64(n[:])
		} else if holder, err = readString(rd); err != nil {
			return err
		}
		if _, err := io.ReadFull(rd, fixed[:]); err != nil {
			return err
		}
		r := heldRow{
			iv: coverage.Interval{
				From: civil.Date(binary.LittleEndian.Uint32(fixed[0:])), To: civil.Date(binary.LittleEndian.Uint32(fixed[4:])),
				Issuing: coverage.Province(fixed[8]), Group: coverage.PayerGroup(fixed[9]), Voluntary: fixed[10] != 0,
			},
			scheme: coverage.Scheme(fixed[11]), counts: fixed[12] != 0, province: fixed[13],
			card: binary.LittleEndian.Uint32(fixed[14:]),
		}
		fn(k, holder, r)
	}
}

// writePerson files a person under the bucket of their BHXH code (of their key
// when they have none: their rows, if any, are under their national ID).
func (s *spill) writePerson(p store.PersonRow) error {
	b := s.rec[:0]
	for _, str := range []string{p.Key, p.NationalID, p.BHXHCode, p.Sex, p.Province} {
		b = appendString(b, str)
	}
	b = binary.AppendVarint(b, p.CommuneID)
	b = binary.AppendVarint(b, p.VillageID)
	b = binary.AppendVarint(b, int64(p.Birth))
	b = append(b, boolByte(p.Resident))
	s.rec = b
	by := p.BHXHCode
	if by == "" {
		by = p.Key
	}
	return s.write(bucketOf(by, len(s.files)), b)
}

// eachPerson calls fn with bucket b's persons in the order written.
func (s *spill) eachPerson(b int, fn func(store.PersonRow) error) error {
	rd, err := s.reader(b)
	if rd == nil || err != nil {
		return err
	}
	for {
		if _, err := rd.Peek(1); err == io.EOF {
			return nil
		}
		var p store.PersonRow
		for _, str := range []*string{&p.Key, &p.NationalID, &p.BHXHCode, &p.Sex, &p.Province} {
			if *str, err = readString(rd); err != nil {
				return err
			}
		}
		var birth int64
		for _, n := range []*int64{&p.CommuneID, &p.VillageID, &birth} {
			if *n, err = binary.ReadVarint(rd); err != nil {
				return err
			}
		}
		p.Birth = civil.Date(birth)
		res, err := rd.ReadByte()
		if err != nil {
			return err
		}
		p.Resident = res != 0
		if err := fn(p); err != nil {
			return err
		}
	}
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func readString(rd *bufio.Reader) (string, error) {
	n, err := binary.ReadUvarint(rd)
	if err != nil {
		return "", err
	}
	if n == 0 {
		return "", nil
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(rd, buf); err != nil {
		return "", err
	}
	return string(buf), nil
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}
