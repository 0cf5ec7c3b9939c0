package app

import "strings"

// personIndex maps the keys the registry names persons by — the person key, the
// BHXH code a card or period is filed under, "id:" + national ID — to positions in
// the coverage index. These keys are digits, so they are kept as numbers: at 100
// million persons a map of strings would need several times the memory of the
// index itself. A key of another shape is kept as it is.
type personIndex struct {
	num   map[uint64]int32
	other map[string]int32
}

func newPersonIndex() personIndex {
	return personIndex{num: map[uint64]int32{}, other: map[string]int32{}}
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
	var v uint64
	for i := 0; i < len(k); i++ {
		c := k[i] - '0'
		if c > 9 {
			return 0, false
		}
		v = v*10 + uint64(c)
	}
	return v | tag, true
}

func (x personIndex) get(k string) (int32, bool) {
	if n, ok := packKey(k); ok {
		p, found := x.num[n]
		return p, found
	}
	p, found := x.other[k]
	return p, found
}

func (x personIndex) set(k string, pos int32) {
	if n, ok := packKey(k); ok {
		x.num[n] = pos
		return
	}
	x.other[k] = pos
}

func (x personIndex) remove(k string) {
	if n, ok := packKey(k); ok {
		delete(x.num, n)
		return
	}
	delete(x.other, k)
}
