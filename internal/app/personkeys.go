package app

import (
	"slices"
	"strings"

	"github.com/phusong/phusong/internal/store"
)

// personIndex maps the keys the registry names persons by — the person key, the
// BHXH code a card or period is filed under, "id:" + national ID — to positions in
// the coverage index. These keys are digits, so they are kept as numbers, and most
// of them in two sorted arrays (12 bytes a key, where a map takes about 38): at 100
// million persons this is 2.4 GB rather than 7.7. Keys set since the arrays were
// last compacted sit in a map beside them; a key of another shape is kept as it is.
type personIndex struct {
	keys  []uint64         // sorted
	pos   []int32          // of keys[i]; -1: removed since the last compaction
	num   map[uint64]int32 // set since the last compaction, and not in keys
	other map[string]int32
}

func newPersonIndex() *personIndex {
	return &personIndex{num: map[uint64]int32{}, other: map[string]int32{}}
}

// Tags of packed keys. A national ID names the same person as a person key and as
// a holder ("id:" + ID): a person with a national ID is keyed by it.
const (
	tagNationalID = 1 << 60 // 12 digits: person key, or holder "id:" + national ID
	tagBHXHHolder = 2 << 60 // 10 digits: the BHXH code cards and periods are filed under
	tagBHXHKey    = 3 << 60 // "bhxh:" + 10 digits: the key of a person without a national ID
)

// packKey packs a key of one of the three digit shapes into a number.
func packKey(k string) (uint64, bool) {
	var tag uint64
	switch {
	case strings.HasPrefix(k, "id:") && len(k) == 15:
		k, tag = k[3:], tagNationalID
	case strings.HasPrefix(k, "bhxh:") && len(k) == 15:
		k, tag = k[5:], tagBHXHKey
	case len(k) == 12:
		tag = tagNationalID
	case len(k) == 10:
		tag = tagBHXHHolder
	default:
		return 0, false
	}
	v, ok := store.Digits(k)
	return v | tag, ok
}

// at is where a packed key sits in the sorted arrays, or -1.
func (x *personIndex) at(n uint64) int {
	if i, ok := slices.BinarySearch(x.keys, n); ok {
		return i
	}
	return -1
}

func (x *personIndex) get(k string) (int32, bool) {
	n, ok := packKey(k)
	if !ok {
		p, found := x.other[k]
		return p, found
	}
	if p, found := x.num[n]; found {
		return p, true
	}
	if i := x.at(n); i >= 0 && x.pos[i] >= 0 {
		return x.pos[i], true
	}
	return 0, false
}

func (x *personIndex) set(k string, pos int32) {
	n, ok := packKey(k)
	if !ok {
		x.other[k] = pos
		return
	}
	if i := x.at(n); i >= 0 {
		x.pos[i] = pos
		return
	}
	x.num[n] = pos
	// A build sets millions of keys in a row: compacted as they come, the map holds
	// an eighth of them at most (at 10M persons, a rebuild's map took 478 MB before
	// its one compaction at the end, the arrays 228 MB).
	x.compact()
}

func (x *personIndex) remove(k string) {
	n, ok := packKey(k)
	if !ok {
		delete(x.other, k)
		return
	}
	delete(x.num, n)
	if i := x.at(n); i >= 0 {
		x.pos[i] = -1
	}
}

// compact moves the keys set since the last compaction into the sorted arrays, once
// they are many (an eighth of the arrays, at least 4,096), and drops removed keys.
func (x *personIndex) compact() {
	if len(x.num) < max(4096, len(x.keys)/8) {
		return
	}
	add := make([]uint64, 0, len(x.num))
	for n := range x.num {
		add = append(add, n)
	}
	slices.Sort(add)
	keys := make([]uint64, 0, len(x.keys)+len(add))
	pos := make([]int32, 0, len(x.keys)+len(add))
	i, j := 0, 0
	for i < len(x.keys) || j < len(add) {
		if j == len(add) || (i < len(x.keys) && x.keys[i] < add[j]) {
			if x.pos[i] >= 0 {
				keys, pos = append(keys, x.keys[i]), append(pos, x.pos[i])
			}
			i++
			continue
		}
		keys, pos = append(keys, add[j]), append(pos, x.num[add[j]])
		j++
	}
	x.keys, x.pos, x.num = keys, pos, map[uint64]int32{}
}

// unpackKey is packKey's key back as the holder it names: a national ID as "id:" +
// the ID, a BHXH code as its 10 digits, a person key without national ID as "bhxh:"
// + the code.
func unpackKey(n uint64) string {
	v := n &^ (3 << 60)
	switch n & (3 << 60) {
	case tagNationalID:
		return "id:" + undigits(v, 12)
	case tagBHXHKey:
		return "bhxh:" + undigits(v, 10)
	}
	return undigits(v, 10)
}
