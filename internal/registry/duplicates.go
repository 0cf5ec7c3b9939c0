package registry

import (
	"strconv"

	"github.com/phusong/phusong/internal/civil"
)

// FindingKind names what the duplicate check found (PRODUCT.md M3: "the same person
// appearing twice … is detected and reported").
type FindingKind string

const (
	// CodeUnderTwoIDs: one BHXH code under two national IDs.
	CodeUnderTwoIDs FindingKind = "bhxh_code_two_national_ids"
	// IDWithTwoCodes: one national ID with two BHXH codes.
	IDWithTwoCodes FindingKind = "national_id_two_bhxh_codes"
	// PossibleSamePerson: same name key, birth date and sex in one commune, under
	// different identifiers.
	PossibleSamePerson FindingKind = "possible_same_person"
	// OverlappingCards: one person holding two BHYT cards valid on a common day.
	OverlappingCards FindingKind = "overlapping_cards"
)

// Evidence is one record behind a finding.
type Evidence struct {
	Source     string     `json:"source"` // the file (or table) the record came from
	Row        int        `json:"row"`
	NationalID string     `json:"national_id,omitempty"`
	BHXHCode   string     `json:"bhxh_code,omitempty"`
	CardNo     string     `json:"card_no,omitempty"`
	ValidFrom  civil.Date `json:"valid_from,omitzero"`
	ValidTo    civil.Date `json:"valid_to,omitzero"`
}

// Finding is a suspected duplicate: the shared key and the first record met with it
// beside the record that conflicts.
type Finding struct {
	Kind   FindingKind `json:"kind"`
	Key    string      `json:"key"`
	First  Evidence    `json:"first"`
	Second Evidence    `json:"second"`
}

// Detector finds duplicates in one pass over persons and cards, in any order and
// from any number of files. It keeps, per distinct key, one small record (identifiers
// packed into integers), and per person the validity spans of the cards seen, so its
// memory follows the number of distinct people and cards, not of rows.
type Detector struct {
	report  func(Finding)
	sources []string
	srcIdx  map[string]uint32
	byCode  map[uint64]seenID // BHXH code → first national ID
	byID    map[uint64]seenID // national ID → first BHXH code
	byLook  map[string]seenID // name|birth|sex|commune → first identifiers
	cards   map[uint64][]span // person (code or ID) → cards
	told    map[[3]uint64]bool
}

type seenID struct {
	other uint64 // the other identifier, packed; 0 none
	code  uint64 // packed BHXH code (byLook only)
	src   uint32
	row   int32
}

type span struct {
	card     string
	from, to civil.Date
	src      uint32
	row      int32
}

// NewDetector makes a detector that calls report for each finding as it is found.
func NewDetector(report func(Finding)) *Detector {
	return &Detector{report: report, srcIdx: map[string]uint32{}, byCode: map[uint64]seenID{},
		byID: map[uint64]seenID{}, byLook: map[string]seenID{}, cards: map[uint64][]span{}, told: map[[3]uint64]bool{}}
}

// pack turns a 10- or 12-digit identifier into a non-zero integer (0 = none); the
// kind of identifier is kept in the top bits so a code and an ID never collide.
func pack(s string, kind uint64) uint64 {
	if s == "" {
		return 0
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n >= 1<<60 {
		return 0
	}
	return kind<<60 | n
}

const (
	tagCode uint64 = 1
	tagID   uint64 = 2
)

func unpack(v uint64) string {
	switch v >> 60 {
	case tagCode:
		return leftPad(v&(1<<60-1), 10)
	case tagID:
		return leftPad(v&(1<<60-1), 12)
	}
	return ""
}

func leftPad(n uint64, w int) string {
	s := strconv.FormatUint(n, 10)
	for len(s) < w {
		s = "0" + s
	}
	return s
}

func (d *Detector) source(s string) uint32 {
	if i, ok := d.srcIdx[s]; ok {
		return i
	}
	d.sources = append(d.sources, s)
	d.srcIdx[s] = uint32(len(d.sources) - 1)
	return d.srcIdx[s]
}

// AddPerson takes a person read from source.
func (d *Detector) AddPerson(source string, p Person) {
	src := d.source(source)
	code, id := pack(p.BHXHCode, tagCode), pack(p.NationalID, tagID)
	here := Evidence{Source: source, Row: p.Row, NationalID: p.NationalID, BHXHCode: p.BHXHCode}
	if code != 0 && id != 0 {
		d.pair(d.byCode, code, id, src, p.Row, CodeUnderTwoIDs, here)
		d.pair(d.byID, id, code, src, p.Row, IDWithTwoCodes, here)
	}
	if p.CommuneCode == "" || p.BirthPrecision == PrecisionUnknown || p.Sex == SexNone {
		return
	}
	look := NameKey(p.FullName) + "|" + p.BirthDate.String() + "|" + string(p.Sex) + "|" + p.CommuneCode
	first, ok := d.byLook[look]
	if !ok {
		d.byLook[look] = seenID{other: id, code: code, src: src, row: int32(p.Row)}
		return
	}
	if differ(first.other, id) || differ(first.code, code) {
		d.tell(Finding{Kind: PossibleSamePerson, Key: look,
			First: Evidence{Source: d.sources[first.src], Row: int(first.row), NationalID: unpack(first.other), BHXHCode: unpack(first.code)}, Second: here},
			id, code)
	}
}

// AddResident takes a resident (the population database): only the look-alike check
// applies, since a resident has no BHXH code.
func (d *Detector) AddResident(source string, r Resident) {
	d.AddPerson(source, Person{Row: r.Row, NationalID: r.NationalID, FullName: r.FullName, BirthDate: r.BirthDate, Sex: r.Sex, CommuneCode: r.CommuneCode})
}

func differ(a, b uint64) bool { return a != 0 && b != 0 && a != b }

// pair records key → other; a different other later is a finding.
func (d *Detector) pair(m map[uint64]seenID, key, other uint64, src uint32, row int, kind FindingKind, here Evidence) {
	first, ok := m[key]
	if !ok {
		m[key] = seenID{other: other, src: src, row: int32(row)}
		return
	}
	if first.other == other {
		return
	}
	ev := Evidence{Source: d.sources[first.src], Row: int(first.row)}
	if kind == CodeUnderTwoIDs {
		ev.BHXHCode, ev.NationalID = unpack(key), unpack(first.other)
	} else {
		ev.NationalID, ev.BHXHCode = unpack(key), unpack(first.other)
	}
	d.tell(Finding{Kind: kind, Key: unpack(key), First: ev, Second: here}, first.other, other)
}

// tell reports a finding once per kind, key and pair of conflicting values.
func (d *Detector) tell(f Finding, a, b uint64) {
	if a > b {
		a, b = b, a
	}
	k := [3]uint64{hashKey(string(f.Kind) + "\x00" + f.Key), a, b}
	if d.told[k] {
		return
	}
	d.told[k] = true
	d.report(f)
}

func hashKey(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}

// AddCard takes a card read from source. Two cards of one person (by BHXH code, else
// national ID) valid on a common day are a finding; the same card number with the
// same dates met again is the same card, not a second one.
func (d *Detector) AddCard(source string, c Card) {
	who := pack(c.BHXHCode, tagCode)
	if who == 0 {
		who = pack(c.NationalID, tagID)
	}
	if who == 0 {
		return
	}
	src := d.source(source)
	here := span{card: c.CardNo, from: c.ValidFrom, to: c.ValidTo, src: src, row: int32(c.Row)}
	for _, s := range d.cards[who] {
		if s.card == here.card && s.from == here.from && s.to == here.to {
			return
		}
	}
	for _, s := range d.cards[who] {
		if s.from <= here.to && here.from <= s.to {
			d.tell(Finding{Kind: OverlappingCards, Key: unpack(who),
				First:  Evidence{Source: d.sources[s.src], Row: int(s.row), BHXHCode: c.BHXHCode, NationalID: c.NationalID, CardNo: s.card, ValidFrom: s.from, ValidTo: s.to},
				Second: Evidence{Source: source, Row: c.Row, BHXHCode: c.BHXHCode, NationalID: c.NationalID, CardNo: c.CardNo, ValidFrom: c.ValidFrom, ValidTo: c.ValidTo}},
				uint64(s.src)<<32|uint64(uint32(s.row)), uint64(src)<<32|uint64(uint32(c.Row)))
		}
	}
	d.cards[who] = append(d.cards[who], here)
}
