package app

import (
	"cmp"
	"context"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/coverage"
	"github.com/phusong/phusong/internal/registry"
	"github.com/phusong/phusong/internal/store"
)

// An import made through this process brings the coverage index up to date as soon
// as it commits, from the rows it wrote rather than by reading them back: a new
// person comes with the cards and periods of the same import, and a person who had
// no interval of a scheme gets this import's intervals of it as their whole list.
// Only what the rows alone cannot tell is read again from the store: the intervals of
// persons who already had some of that scheme (a card renewed, a period ended), and
// persons whose keys meet intervals stored before them.

// pending is what an import wrote, as the coverage index needs it.
type pending struct {
	persons   []pendingPerson
	odd       []store.PersonRow // persons whose identifiers are not plain digits
	ivs       map[string]int32  // holder → its slot in last (a key is set once: see addIv)
	last      []int32           // per holder slot: its last interval in list, +1
	list      intervalList      // the cards and periods of this import
	scratch   []keyedInterval   // one holder's, while the index takes them
	readBack  map[string]bool   // holders whose stored periods a decrease ended
	linkIDs   map[string]string // BHXH code → national ID its cards named (store.linkCodes)
	employers map[string]uint32 // employer code → number (ivKey.employer), from 1

	// What a prefetch read of the holders' stored rows before the import.
	stored      map[string][]store.IntervalRow
	storedKinds map[string]uint8

	asOf civil.Date // the date the file describes: moves take effect on it (0: none)
}

// keyedInterval is an interval as the index takes it, with its scheme and the key
// the store upserts it on, so that a row written twice in one import counts once, as
// it is stored. It keeps no string of the file's rows (which would keep their lines).
type keyedInterval struct {
	key    ivKey // with iv.From, the store's key
	iv     coverage.Interval
	prev   int32 // the holder's previous interval in the list, +1 (0: none)
	scheme coverage.Scheme
	counts bool // a scheme the index counts (not BHYT paid through the employer)
}

// ivKey is, with the valid-from date, the store's key of a card (card number) or a
// period (scheme, employer) within one holder. A card number ends with its holder's
// BHXH code, so within a holder its first five characters tell it (cardKey).
type ivKey struct {
	card     uint32
	scheme   uint8  // periods: the stored scheme (storedSchemes)
	employer uint32 // periods: the employer's number (pending.employer; 0: none)
}

func sameKey(x, y keyedInterval) bool { return x.key == y.key && x.iv.From == y.iv.From }

// intervalList holds an import's intervals in chunks, so that it grows without
// copying what it holds.
type intervalList struct{ chunks [][]keyedInterval }

const intervalChunk = 1 << 16

func (l *intervalList) add(k keyedInterval) int32 {
	n := len(l.chunks)
	if n == 0 || len(l.chunks[n-1]) == intervalChunk {
		l.chunks = append(l.chunks, make([]keyedInterval, 0, intervalChunk))
		n++
	}
	l.chunks[n-1] = append(l.chunks[n-1], k)
	return int32((n-1)*intervalChunk + len(l.chunks[n-1]) - 1)
}

func (l *intervalList) at(i int32) keyedInterval { return l.chunks[i/intervalChunk][i%intervalChunk] }

// of appends a holder's intervals to buf[:0] in the order of the file.
func (p *pending) of(h string, buf []keyedInterval) []keyedInterval {
	buf = buf[:0]
	for i := p.lastOf(h); i != 0; {
		k := p.list.at(i - 1)
		buf = append(buf, k)
		i = k.prev
	}
	slices.Reverse(buf)
	return buf
}

// storedSchemes numbers the schemes periods are stored under, for ivKey.
var storedSchemes = map[string]uint8{string(registry.BHXHCompulsory): 1, string(registry.BHXHVoluntary): 2,
	string(registry.BHTN): 3, string(registry.BHYTCompulsory): 4}

// cardKey packs the part of a card number before the BHXH code: group letters,
// benefit level, province (the 10-digit 2021 form has none).
func cardKey(cardNo string) uint32 {
	if len(cardNo) != 15 {
		return 1 << 31
	}
	province := uint32(cardNo[3]-'0')*10 + uint32(cardNo[4]-'0')
	return uint32(cardNo[0]-'A'+1)<<15 | uint32(cardNo[1]-'A'+1)<<10 | uint32(cardNo[2]-'0')<<7 | province
}

// pendingPerson is a person row of an import kept without strings (a string of a
// row would keep its whole line of the file): the national ID and BHXH code as
// numbers of 12 and 10 digits.
type pendingPerson struct {
	nid, code        uint64 // noID: none
	commune, village int32  // unit IDs (a person whose IDs do not fit is kept in odd)
	birth            civil.Date
	sex              byte
	resident         bool
	province         uint8 // the stored province (provinceByte)
	odd              int32 // ≥ 0: the row is pending.odd[odd]
}

const noID = ^uint64(0)

// digits packs a string of n digits; false for anything else ("" is noID).
func digits(s string, n int) (uint64, bool) {
	if s == "" {
		return noID, true
	}
	if len(s) != n {
		return 0, false
	}
	return store.Digits(s)
}

// provinceByte packs a two-digit province code into a byte (0: none); false for
// anything else.
func provinceByte(code string) (uint8, bool) {
	if code == "" {
		return 0, true
	}
	v, ok := digits(code, 2)
	return uint8(v) + 1, ok
}

func provinceString(b uint8) string {
	if b == 0 {
		return ""
	}
	return undigits(uint64(b-1), 2)
}

func undigits(v uint64, n int) string {
	if v == noID {
		return ""
	}
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b)
}

func (p *pending) addPerson(r store.PersonRow) {
	nid, ok1 := digits(r.NationalID, 12)
	code, ok2 := digits(r.BHXHCode, 10)
	prov, ok3 := provinceByte(r.Province)
	small := r.CommuneID == int64(int32(r.CommuneID)) && r.VillageID == int64(int32(r.VillageID))
	if !ok1 || !ok2 || !ok3 || !small || len(r.Sex) > 1 {
		r.NationalID, r.BHXHCode = strings.Clone(r.NationalID), strings.Clone(r.BHXHCode)
		r.Key = store.PersonKey(r.NationalID, r.BHXHCode)
		p.persons = append(p.persons, pendingPerson{odd: int32(len(p.odd))})
		p.odd = append(p.odd, r)
		return
	}
	pp := pendingPerson{nid: nid, code: code, commune: int32(r.CommuneID), village: int32(r.VillageID), birth: r.Birth, resident: r.Resident,
		province: prov, odd: -1}
	if r.Sex != "" {
		pp.sex = r.Sex[0]
	}
	p.persons = append(p.persons, pp)
}

// row gives a pending person back as the registry row.
func (p *pending) row(pp pendingPerson) store.PersonRow {
	if pp.odd >= 0 {
		return p.odd[pp.odd]
	}
	r := store.PersonRow{NationalID: undigits(pp.nid, 12), BHXHCode: undigits(pp.code, 10), CommuneID: int64(pp.commune),
		VillageID: int64(pp.village), Birth: pp.birth, Resident: pp.resident, Province: provinceString(pp.province)}
	r.Key = store.PersonKey(r.NationalID, r.BHXHCode)
	if pp.sex != 0 {
		r.Sex = string(rune(pp.sex))
	}
	return r
}

func newPending() *pending {
	return &pending{ivs: map[string]int32{}, readBack: map[string]bool{}, linkIDs: map[string]string{}, employers: map[string]uint32{}}
}

// employer numbers an employer code: the same number for every row that names it,
// and for a stored row's code the number a row of this import gave it (an unseen
// code gets a new one, equal to no row's).
func (p *pending) employer(code string) uint32 {
	if code == "" {
		return 0
	}
	if n, ok := p.employers[code]; ok {
		return n
	}
	n := uint32(len(p.employers) + 1)
	p.employers[strings.Clone(code)] = n
	return n
}

// addIv files an interval under its holder. A holder's first row copies the key;
// later rows only update the holder's slot, since assigning to a map key that is
// there replaces the stored key with the one given, which would keep the row's whole
// line of the file alive.
func (p *pending) addIv(h string, k keyedInterval) {
	slot, ok := p.ivs[h]
	if !ok {
		slot = int32(len(p.last))
		p.ivs[strings.Clone(h)] = slot
		p.last = append(p.last, 0)
	}
	k.prev = p.last[slot]
	p.last[slot] = p.list.add(k) + 1
}

// lastOf is the last interval of a holder in list, +1 (0: none).
func (p *pending) lastOf(h string) int32 {
	if slot, ok := p.ivs[h]; ok {
		return p.last[slot]
	}
	return 0
}

// rows is how many rows p keeps.
func (p *pending) rows() int {
	n := len(p.persons) + len(p.odd)
	if k := len(p.list.chunks); k > 0 {
		n += (k-1)*intervalChunk + len(p.list.chunks[k-1])
	}
	return n
}

// defaultPendingMax is App.PendingMax when it is 0: 16 million rows (at 10M persons,
// 690 MB of kept cards when the card file reached it).
const defaultPendingMax = 16 << 20

func (a *App) pendingMax() int { return cmp.Or(a.PendingMax, defaultPendingMax) }

func (p *pending) add(row registry.Row) {
	switch r := row.(type) {
	case registry.Person:
		p.addPerson(store.PersonRow{NationalID: r.NationalID, BHXHCode: r.BHXHCode, CommuneID: r.CommuneID,
			VillageID: r.VillageID, Sex: string(r.Sex), Birth: r.BirthDate, Province: r.ProvinceCode})
	case registry.Resident:
		p.addPerson(store.PersonRow{NationalID: r.NationalID, CommuneID: r.CommuneID, VillageID: r.VillageID,
			Sex: string(r.Sex), Birth: r.BirthDate, Resident: true, Province: r.ProvinceCode})
	case registry.Card:
		// The store files a card under its BHXH code (store.EachInterval).
		iv := coverage.Interval{From: r.ValidFrom, To: r.ValidTo}
		iv.Issuing, _ = coverage.ParseProvince(r.IssuingProvince)
		iv.Group, _ = coverage.ParsePayerGroup(string(r.PayerGroup))
		p.addIv(r.BHXHCode, keyedInterval{key: ivKey{card: cardKey(r.CardNo)}, iv: iv, scheme: coverage.BHYT, counts: true})
		if r.NationalID != "" {
			p.linkIDs[strings.Clone(r.BHXHCode)] = strings.Clone(r.NationalID)
		}
	case registry.Period:
		h := store.Holder(r.BHXHCode, r.NationalID)
		s, counts := schemeOf(string(r.Scheme))
		iv := coverage.Interval{From: r.ValidFrom, To: r.ValidTo, Voluntary: r.Scheme == registry.BHXHVoluntary}
		p.addIv(h, keyedInterval{key: ivKey{scheme: storedSchemes[string(r.Scheme)], employer: p.employer(r.EmployerCode)}, iv: iv, scheme: s, counts: counts})
	case registry.Stop:
		p.readBack[store.Holder(r.BHXHCode, r.NationalID)] = true
	}
}

func (p *pending) empty() bool {
	return len(p.persons) == 0 && len(p.ivs) == 0 && len(p.readBack) == 0
}

// addTo adds the holder's intervals in this import to a person, each key once (the
// last row wins, as the store's upsert does), and reports which schemes got some;
// scratch is the caller's buffer.
func (p *pending) addTo(cp *coverage.Person, h string, scratch *[]keyedInterval) (got [3]bool) {
	var lists [3][]keyedInterval
	*scratch = p.of(h, *scratch)
	for _, x := range *scratch {
		if x.counts {
			lists[x.scheme] = upsertKeyed(lists[x.scheme], x)
		}
	}
	for s, l := range lists {
		for _, k := range l {
			appendInterval(cp, coverage.Scheme(s), k.iv)
		}
		got[s] = len(l) > 0
	}
	return got
}

// upsertKeyed puts an interval in its scheme's list, over the one with the same key
// if there is one, as the store's upsert does.
func upsertKeyed(l []keyedInterval, y keyedInterval) []keyedInterval {
	for i := range l {
		if sameKey(l[i], y) {
			l[i].iv = y.iv
			return l
		}
	}
	return append(l, y)
}

// holderBatch bounds the holders asked for in one query (placeholder limits).
const holderBatch = 5000

// applyImport brings the coverage index up to the registry after an import made in
// this process. It applies only when the index was current before the import
// (before is the registry version then, after the version its commit wrote);
// otherwise the next query rebuilds. When another import committed in between (after
// does not follow before), the index lacks that one: it is dropped, and the next
// query rebuilds.
func (a *App) applyImport(ctx context.Context, before, after string, pend *pending) error {
	a.engMu.Lock()
	defer a.engMu.Unlock()
	e := a.eng
	if e == nil || e.ver != before {
		return nil
	}
	if !follows(before, after) {
		a.eng = nil
		return nil
	}
	if pend.empty() { // denominators or targets: nothing the index holds
		e.ver = after
		return nil
	}
	if err := e.applyPending(ctx, a.Store, pend); err != nil {
		a.eng = nil // rebuilt on the next query
		return err
	}
	st := e.lastApply
	a.Log.Debug("index updated", "merged", st.merged, "booked", st.booked, "prefetched", st.prefetched, "reread", st.reread, "whole", st.whole)
	e.forget()
	e.ver = after
	return nil
}

// follows reports whether registry version after is the one right after before
// (versions count commits from 1; "" is the registry no import has written).
func follows(before, after string) bool {
	b, err := strconv.ParseInt(cmp.Or(before, "0"), 10, 64)
	if err != nil {
		return false
	}
	a, err := strconv.ParseInt(after, 10, 64)
	return err == nil && a == b+1
}

// residentChange is a change to the resident birth lists, made once the index has
// taken the import.
type residentChange struct {
	from, to residentAt // from: the resident leaves these lists; to: joins them
}

// residentAt is where a resident is counted, with their birth date (16 bytes: ten
// million residents joining the lists in one import are 160 MB).
type residentAt struct {
	commune, village int32
	birth            civil.Date
	ok               bool // false: none
}

func residentOf(commune, village int32, birth civil.Date) residentAt {
	return residentAt{commune: commune, village: village, birth: birth, ok: true}
}

// applyPending is applyImport's work; the caller holds engMu, so only this goroutine
// writes the engine's maps (queries read them under e.mu).
func (e *engine) applyPending(ctx context.Context, st *store.Store, pend *pending) error {
	e.lastApply = applyStats{prefetched: len(pend.storedKinds)}
	// The new persons are kept as the numbers of their rows in pend (4 bytes each)
	// and made again as the index takes them (update.person): kept whole, at about
	// 150 bytes each, ten million new persons took 1.5 GB until the index had them.
	u := update{pend: pend, remake: true, bookAdded: true}
	var (
		whole    []string           // persons read back whole, by key or holder
		claimed  = newPersonIndex() // holders whose intervals went with a new person
		orphaned []string           // BHXH codes taken from their persons
	)
	for i, pp := range pend.persons {
		p := pend.row(pp)
		hs := intervalHolders(p)
		pos, known := e.personOf.get(p.Key)
		if !known {
			// A new person: their intervals are this import's, unless a holder key
			// already names someone or has intervals stored before.
			clean := true
			for _, h := range hs {
				_, taken := e.personOf.get(h)
				_, met := claimed.get(h)
				if taken || met || e.unplaced[h] > 0 || pend.readBack[h] {
					clean = false
				}
			}
			if !clean {
				whole = append(whole, p.Key)
				continue
			}
			if _, placed := e.person(p, nil); !placed {
				continue
			}
			for _, h := range hs {
				claimed.set(h, 1)
			}
			u.addPerson(i, coverage.Person{}, hasIDKey(p, func(h string) bool { return pend.lastOf(h) != 0 }))
			continue
		}
		// A known person whose record changed. A BHXH code corrected on a list
		// leaves the old code's cards and periods without a holder (the rebuild
		// counts them as unplaced): the person is read whole, and the old code no
		// longer names them.
		if old := e.codeOf(pos); old != "" && old != p.BHXHCode && !p.Resident {
			if q, ok := e.personOf.get(old); ok && q == pos {
				e.mu.Lock()
				e.personOf.remove(old)
				e.mu.Unlock()
			}
			// Another person under the old code (it was shared) takes its rows.
			orphaned = append(orphaned, old)
			whole = append(whole, p.Key, old)
			continue
		}
		// A holder key new to them that meets stored intervals, or names someone
		// else, needs the person read whole.
		fresh := false
		for _, h := range hs {
			if q, ok := e.personOf.get(h); (ok && q != pos) || (!ok && e.unplaced[h] > 0) {
				fresh = true
			}
		}
		if fresh {
			whole = append(whole, p.Key)
			continue
		}
		if cp, placed := e.person(p, nil); placed {
			moves := e.movedOn(pos, p, &cp, pend.asOf) // may give cp the village kept
			e.recordChanged(&u, pos, p, cp, moves)
		}
	}

	// Cards and periods of persons the index knows. A person with no interval of a
	// scheme gets this import's as their list; one who had some gets them merged with
	// what the prefetch read, or is read again. Only the BHXH code holds a person's
	// intervals unless scattered says otherwise. The lists are made one person at a
	// time as the index takes them (replaceSeq), so that a file of millions of
	// cards never has them all built at once.
	readWhole := map[int32]bool{}
	var known []scheduled
	for h := range pend.ivs {
		if _, met := claimed.get(h); met {
			continue
		}
		pos, ok := e.personOf.get(h)
		if !ok {
			pend.scratch = pend.of(h, pend.scratch)
			e.unplaced[h] += len(pend.scratch)
			if nid := pend.linkIDs[h]; nid != "" {
				if _, known := e.personOf.get("id:" + nid); known {
					// The store may have given the code to the person known by this
					// national ID: read them whole.
					whole = append(whole, "id:"+nid)
				}
			}
			continue
		}
		if e.scattered.has(pos) || strings.HasPrefix(h, "id:") || pend.readBack[h] {
			readWhole[pos] = true
			whole = append(whole, h)
			continue
		}
		known = append(known, scheduled{holder: h, pos: pos, got: pend.schemes(h)})
	}
	var reread []string // holders whose person had intervals of a scheme this import adds to
	var rereadCards, rereadPeriods bool
	keep := known[:0]
	for _, sc := range known {
		if readWhole[sc.pos] {
			continue
		}
		hadAny, merge := false, true
		for s, got := range sc.got {
			if !got {
				continue
			}
			sc.had[s] = e.idx.Has(sc.pos, coverage.Scheme(s))
			hadAny = hadAny || sc.had[s]
			merge = merge && e.canMerge(pend, sc.holder, sc.pos, coverage.Scheme(s), sc.had[s])
		}
		if !merge {
			// Everything this import gave them is read back with the rest.
			for s, got := range sc.got {
				rereadCards = rereadCards || got && coverage.Scheme(s) == coverage.BHYT
				rereadPeriods = rereadPeriods || got && coverage.Scheme(s) != coverage.BHYT
			}
			reread = append(reread, sc.holder)
			continue
		}
		if hadAny {
			e.lastApply.merged++
		}
		if sc.had[coverage.BHYT] && e.book.has(sc.pos) {
			e.lastApply.booked++
		}
		keep = append(keep, sc)
	}
	u.more = ahead(e.replaceSeq(pend, keep))
	for h := range pend.readBack {
		if _, ok := e.personOf.get(h); ok {
			whole = append(whole, h)
		}
	}
	if err := e.commit(&u); err != nil {
		return err
	}
	e.lastApply.reread = len(reread)
	if len(reread) > 0 {
		if err := e.refreshIntervals(ctx, st, reread, rereadCards, rereadPeriods); err != nil {
			return err
		}
	}
	slices.Sort(whole)
	whole = slices.Compact(whole)
	e.lastApply.whole = len(whole)
	for start := 0; start < len(whole); start += holderBatch {
		if err := e.refreshBatch(ctx, st, whole[start:min(start+holderBatch, len(whole))]); err != nil {
			return err
		}
	}
	return e.countUnplaced(ctx, st, orphaned)
}

// countUnplaced counts the stored cards and periods of BHXH codes no person holds
// any more, as a rebuild counts them (unplacedRows); a code that another person of
// the import took is theirs.
func (e *engine) countUnplaced(ctx context.Context, st *store.Store, codes []string) error {
	var free []string
	for _, c := range codes {
		if _, held := e.personOf.get(c); !held {
			free = append(free, c)
		}
	}
	if len(free) == 0 {
		return nil
	}
	for _, c := range free {
		delete(e.unplaced, c) // counted again, with this import's rows, from the store
	}
	return st.EachInterval(ctx, free, func(x store.IntervalRow) error {
		e.unplaced[x.Holder]++
		return nil
	})
}

// update gathers what one step changes in the index: new persons (with what the
// engine remembers of them) and changes to known ones, with the resident lists.
type update struct {
	add       []coverage.Person // the new persons, unless remake
	addRows   []int32           // the new persons' rows in pend.persons
	remake    bool              // the new persons are made again from addRows and pend (person)
	scratch   []keyedInterval   // person's
	pend      *pending
	scattered []bool
	changes   []coverage.Change
	more      iter.Seq[coverage.Change] // changes made as the index takes them, after changes
	births    []residentChange
	bookAdded bool // the new persons' cards are pend's alone: the book takes them
}

// addPerson adds a new person: their row of pend, and cp unless u.remake.
func (u *update) addPerson(row int, cp coverage.Person, scattered bool) {
	if !u.remake {
		u.add = append(u.add, cp)
	}
	u.addRows, u.scattered = append(u.addRows, int32(row)), append(u.scattered, scattered)
}

// person is the i-th new person, and whether they are a resident: as added, or made
// again from their row and the intervals of pend filed under their holders (a new
// person's are pend's alone).
func (u *update) person(e *engine, i int) (coverage.Person, bool) {
	pp := u.pend.persons[u.addRows[i]]
	if !u.remake {
		return u.add[i], u.pend.row(pp).Resident
	}
	p := u.pend.row(pp)
	cp, _ := e.person(p, nil)
	for _, h := range intervalHolders(p) {
		u.pend.addTo(&cp, h, &u.scratch)
	}
	return cp, p.Resident
}

// movedOn is how the store takes a file of date asOf that places a known person at
// cp (0008_residences.sql): the residence history they get, as changes. A commune or
// village other than their current one is a move on asOf; a village where none was
// known fills in the current residence (a correction, from when it began); a file
// that names no village for a person in the same commune keeps theirs (cp takes it).
func (e *engine) movedOn(pos int32, p store.PersonRow, cp *coverage.Person, asOf civil.Date) []coverage.Change {
	old := e.idx.Residence(pos)
	cp.Village = placedVillage(old, cp.Commune, cp.Village, p.VillageID != 0)
	if old.Commune == cp.Commune && old.Village == cp.Village {
		return nil
	}
	from := asOf
	if asOf == 0 || !isMove(old, cp.Commune, cp.Village) {
		from = old.From
	}
	return []coverage.Change{coverage.MoveTo(pos, coverage.Residence{From: from, Commune: cp.Commune, Village: cp.Village})}
}

// placedVillage is the village a file leaves a person who lived at old in, when it
// places them in commune (and village, if named): a file that names no village for
// a person in the same commune keeps theirs.
func placedVillage(old coverage.Residence, commune, village int32, named bool) int32 {
	if !named && commune == old.Commune {
		return old.Village
	}
	return village
}

// isMove reports whether placing a person who lived at old in commune and village
// (as placedVillage left it) is a move, which the store records with the residence
// before it: another commune, or another village of the same commune. A village
// where none was known only fills in the residence.
func isMove(old coverage.Residence, commune, village int32) bool {
	return old.Commune != commune || (old.Village != coverage.NoVillage && old.Village != village)
}

// maybeMoved tells the store whether a file that places a person in a commune (and
// village; 0: none named) may move them (isMove): no for a person the index has
// there already; yes for one it does not know, or places elsewhere.
func (e *engine) maybeMoved(key string, commune, village int64) bool {
	e.mu.RLock()
	pos, ok := e.personOf.get(key)
	c, cok := e.communeOf[commune]
	v, vok := e.villageOf[village]
	e.mu.RUnlock()
	if !ok || !cok {
		return true
	}
	if !vok {
		v = coverage.NoVillage
	}
	old := e.idx.Residence(pos)
	return isMove(old, c, placedVillage(old, c, v, village != 0))
}

// recordChanged records the change of a known person's record: their residence
// history changed by moves (the current residence is cp's), or their joining the
// population register.
func (e *engine) recordChanged(u *update, pos int32, p store.PersonRow, cp coverage.Person, moves []coverage.Change) {
	old := e.idx.Residence(pos)
	birth := e.idx.Birth(pos)
	wasResident := e.residents.has(pos)
	u.changes = append(u.changes, moves...)
	if old.Commune != cp.Commune || old.Village != cp.Village {
		if wasResident {
			u.births = append(u.births, residentChange{from: residentOf(old.Commune, old.Village, birth), to: residentOf(cp.Commune, cp.Village, birth)})
		}
	}
	if p.Resident && !wasResident {
		e.residents.set(pos)
		u.births = append(u.births, residentChange{to: residentOf(cp.Commune, cp.Village, birth)})
	}
	e.mu.Lock()
	e.remember(p, pos)
	e.mu.Unlock()
}

// scheduled is a holder of an import's intervals whom the index knows, with the
// schemes the import gives them and whether they had intervals of one before.
type scheduled struct {
	holder string
	pos    int32
	got    [3]bool
	had    [3]bool // of the schemes got: the index had intervals of it
}

// schemes tells which schemes the import gives a holder intervals of.
func (p *pending) schemes(h string) (got [3]bool) {
	for i := p.lastOf(h); i != 0; {
		k := p.list.at(i - 1)
		got[k.scheme] = got[k.scheme] || k.counts
		i = k.prev
	}
	return got
}

// replaceSeq gives, one holder at a time, the changes that replace their lists of
// the schemes the import gave them: this import's intervals, merged with the stored
// ones for those who had some (storedOf), each made just before the index takes it.
// The book takes each person's new cards.
func (e *engine) replaceSeq(pend *pending, known []scheduled) iter.Seq[coverage.Change] {
	return func(yield func(coverage.Change) bool) {
		var lists [3][]keyedInterval
		var ivs []coverage.Interval
		for _, sc := range known {
			for s, got := range sc.got {
				if !got {
					continue
				}
				base, _ := e.storedOf(pend, sc.holder, sc.pos, coverage.Scheme(s), sc.had[s], lists[s])
				lists[s] = pend.upsertInto(sc.holder, coverage.Scheme(s), base)
				if coverage.Scheme(s) == coverage.BHYT {
					e.book.set(sc.pos, lists[s])
				}
				ivs = ivs[:0]
				for _, k := range lists[s] {
					ivs = append(ivs, k.iv)
				}
				if !yield(coverage.Replace(sc.pos, coverage.Scheme(s), ivs)) {
					return
				}
			}
		}
	}
}

// ahead runs seq on a goroutine of its own, aheadBatch changes ahead of the one
// taking them, so that the lists of a daily file's holders are made (from the book
// and the file) while the index takes the lists made before. Each batch holds copies
// of its changes' intervals, as seq may reuse its own. The taker's stop ends seq
// before ahead returns.
func ahead(seq iter.Seq[coverage.Change]) iter.Seq[coverage.Change] {
	return func(yield func(coverage.Change) bool) {
		type batch struct {
			chs []coverage.Change
			ivs []coverage.Interval
		}
		full, free := make(chan *batch, 2), make(chan *batch, 3)
		for range cap(free) {
			free <- &batch{}
		}
		stop := make(chan struct{})
		var panicked any // a panic in seq, raised again on the taker's goroutine
		go func() {
			defer close(full)
			defer func() { panicked = recover() }()
			b := <-free
			for ch := range seq {
				at := len(b.ivs)
				b.ivs = append(b.ivs, ch.Intervals...)
				ch.Intervals = b.ivs[at:len(b.ivs):len(b.ivs)]
				if b.chs = append(b.chs, ch); len(b.chs) < aheadBatch {
					continue
				}
				full <- b
				select {
				case <-stop:
					return
				default:
				}
				select {
				case <-stop:
					return
				case b = <-free:
				}
			}
			if len(b.chs) > 0 {
				full <- b
			}
		}()
		taking := true
		for b := range full {
			for _, ch := range b.chs {
				if taking && !yield(ch) {
					taking = false
					close(stop)
				}
			}
			if taking {
				b.chs, b.ivs = b.chs[:0], b.ivs[:0]
				free <- b
			}
		}
		if panicked != nil {
			panic(panicked)
		}
	}
}

// aheadBatch is how many changes ahead hands over at a time.
const aheadBatch = 1024

// commit hands an update to the index and then updates the engine's own lists.
func (e *engine) commit(u *update) error {
	changes := slices.Values(u.changes)
	if u.more != nil {
		changes = func(yield func(coverage.Change) bool) {
			for _, ch := range u.changes {
				if !yield(ch) {
					return
				}
			}
			u.more(yield)
		}
	}
	// New residents join the birth lists where they live (applied below, with the
	// engine's lock, after the index has them).
	adds := func(yield func(coverage.Person) bool) {
		for i := range u.addRows {
			cp, resident := u.person(e, i)
			if resident {
				lv := living(cp)
				u.births = append(u.births, residentChange{to: residentOf(lv.Commune, lv.Village, lv.Birth)})
			}
			if !yield(cp) {
				return
			}
		}
	}
	first, err := e.idx.UpdateEach(adds, changes)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for i, row := range u.addRows {
		p := u.pend.row(u.pend.persons[row])
		pos := first + int32(i)
		e.remember(p, pos)
		if u.scattered[i] {
			e.scattered.set(pos)
		} else if u.bookAdded {
			var cards []keyedInterval
			if p.BHXHCode != "" {
				cards = u.pend.upsertInto(p.BHXHCode, coverage.BHYT, nil)
			}
			e.book.set(pos, cards)
		}
		if p.Resident {
			e.residents.set(pos)
		}
	}
	e.applyBirths(u.births)
	e.personOf.compact()
	return nil
}

// intervalHolders are the keys a person's cards and periods are filed under.
func intervalHolders(p store.PersonRow) []string {
	var hs []string
	if p.BHXHCode != "" {
		hs = append(hs, p.BHXHCode)
	}
	if p.NationalID != "" {
		hs = append(hs, "id:"+p.NationalID)
	}
	return hs
}

// scatteredRows reports whether a person's cards and periods are not all filed under
// their BHXH code and their province (or "00", stored before they were known): some
// are filed under "id:" + national ID, or under another province (a BHXH code that
// passed from one person to another keeps its rows where they were). Such a person
// is read whole, from every province, when an import touches them.
func scatteredRows(p store.PersonRow, ivs *heldRows) bool {
	if hasIDKey(p, ivs.has) {
		return true
	}
	if p.BHXHCode == "" {
		return false
	}
	own, ok := provinceByte(p.Province)
	unknown, _ := provinceByte(store.UnknownProvince)
	scattered := false
	ivs.each(p.BHXHCode, func(r heldRow) {
		if !ok || (r.province != own && r.province != unknown) {
			scattered = true
		}
	})
	return scattered
}

// hasIDKey reports whether the person has intervals under "id:" + national ID.
func hasIDKey(p store.PersonRow, held func(string) bool) bool {
	return p.NationalID != "" && held("id:"+p.NationalID)
}

// schemeOf maps a stored scheme to the index's; BHYT paid through the employer
// (D02-LT) is not a card and counts nowhere.
func schemeOf(s string) (coverage.Scheme, bool) {
	switch s {
	case "bhyt":
		return coverage.BHYT, true
	case "bhxh_compulsory", "bhxh_voluntary":
		return coverage.BHXH, true
	case "bhtn":
		return coverage.BHTN, true
	}
	return 0, false
}

// refreshIntervals replaces the cards (BHYT), the periods (BHXH and BHTN) or both of
// persons the index knows, read again from the store (one indexed look-up per
// batch). Each holder must be the only key their person's intervals are filed under.
func (e *engine) refreshIntervals(ctx context.Context, st *store.Store, holders []string, cards, periods bool) error {
	byPos := map[int32]*coverage.Person{}
	posOf := make(map[string]int32, len(holders))
	for _, h := range holders {
		pos, _ := e.personOf.get(h)
		posOf[h] = pos
		byPos[pos] = &coverage.Person{}
	}
	// All provinces: a card may be filed under "00" (stored before its holder was
	// known). Joined on the holder alone, PostgreSQL hashes the holders and scans the
	// cards once, which measured faster than probing the holder's two partitions.
	if err := st.EachIntervalOf(ctx, holders, store.IntervalsOf{Cards: cards, Periods: periods}, func(x store.IntervalRow) error {
		if pos, ok := posOf[x.Holder]; ok {
			addInterval(byPos[pos], x)
		}
		return nil
	}); err != nil {
		return err
	}
	changes := make([]coverage.Change, 0, 3*len(byPos))
	for pos, p := range byPos {
		if cards {
			changes = append(changes, coverage.Replace(pos, coverage.BHYT, p.BHYT))
			e.book.forget(pos) // read without keys
		}
		if periods {
			changes = append(changes, coverage.Replace(pos, coverage.BHXH, p.BHXH), coverage.Replace(pos, coverage.BHTN, p.BHTN))
		}
	}
	return e.idx.Apply(changes)
}

// refreshBatch reads persons whole — their record and every card and period under
// any of their keys — by person key, BHXH code or "id:" + national ID, and adds or
// replaces them in the index.
func (e *engine) refreshBatch(ctx context.Context, st *store.Store, holders []string) error {
	keys := make([]string, len(holders))
	for i, h := range holders {
		keys[i] = strings.TrimPrefix(h, "id:") // a national ID is its person's key
	}
	var persons []store.PersonRow
	if err := st.EachPerson(ctx, keys, func(p store.PersonRow) error {
		persons = append(persons, p)
		return nil
	}); err != nil {
		return err
	}
	persons, err := e.withSharers(ctx, st, persons)
	if err != nil {
		return err
	}
	var ivKeys []string
	for _, p := range persons {
		ivKeys = append(ivKeys, intervalHolders(p)...)
	}
	ivs := newHeldRows()
	if err := st.EachInterval(ctx, ivKeys, func(x store.IntervalRow) error {
		ivs.add(x)
		return nil
	}); err != nil {
		return err
	}
	past, err := pastResidences(ctx, st, personKeys(persons))
	if err != nil {
		return err
	}
	u := update{pend: newPending()}
	owners := map[string]string{} // BHXH code → key of the person its rows went to
	for _, p := range persons {
		scattered := scatteredRows(p, ivs)
		hs := intervalHolders(p)
		cp, ok := e.person(p, ivs)
		if !ok {
			continue
		}
		if _, taken := owners[p.BHXHCode]; !taken && p.BHXHCode != "" {
			owners[p.BHXHCode] = p.Key
		}
		for _, h := range hs {
			delete(e.unplaced, h) // their intervals have a person now
		}
		pos, known := e.personOf.get(p.Key)
		if !known {
			u.pend.addPerson(p)
			u.addPerson(len(u.pend.persons)-1, e.withHistory(cp, past[p.Key]), scattered)
			continue
		}
		u.changes = append(u.changes, coverage.Replace(pos, coverage.BHYT, cp.BHYT), coverage.Replace(pos, coverage.BHXH, cp.BHXH), coverage.Replace(pos, coverage.BHTN, cp.BHTN))
		e.book.forget(pos) // read without keys
		if scattered {
			e.scattered.set(pos)
		}
		// The history as stored, whole: a move to the first residence, then the later
		// ones; nothing for a person who never moved and lives where the index has them.
		var moves []coverage.Change
		h, now := e.withHistory(cp, past[p.Key]), e.idx.Residences(pos)
		if len(h.Moves) > 0 || len(now) > 1 || now[0].Commune != cp.Commune || now[0].Village != cp.Village {
			moves = append(moves, coverage.MoveTo(pos, coverage.Residence{From: civil.Min, Commune: h.Commune, Village: h.Village}))
			for _, m := range h.Moves {
				moves = append(moves, coverage.MoveTo(pos, m))
			}
		}
		e.recordChanged(&u, pos, p, cp, moves)
	}
	if err := e.commit(&u); err != nil {
		return err
	}
	// remember gave each code to the last of its persons; it names the first.
	e.mu.Lock()
	defer e.mu.Unlock()
	for code, key := range owners {
		if pos, ok := e.personOf.get(key); ok {
			e.personOf.set(code, pos)
		}
	}
	return nil
}

// withSharers adds to persons read whole every other person under the BHXH code of
// one of them that the code names in the index, or that another of them holds, and
// sorts them by key: the cards and periods filed under a code that two persons share
// count for the one with the smaller key (engine.person gives them to the first it
// meets), as they do in a rebuild.
func (e *engine) withSharers(ctx context.Context, st *store.Store, persons []store.PersonRow) ([]store.PersonRow, error) {
	read := make(map[string]bool, len(persons))
	seen := map[string]int{}
	var codes []string
	for _, p := range persons {
		read[p.Key] = true
		if p.BHXHCode == "" {
			continue
		}
		seen[p.BHXHCode]++
		q, held := e.personOf.get(p.BHXHCode)
		pos, known := e.personOf.get(p.Key)
		if (held && (!known || q != pos)) || seen[p.BHXHCode] == 2 {
			codes = append(codes, p.BHXHCode)
		}
	}
	for start := 0; start < len(codes); start += holderBatch {
		err := st.EachPerson(ctx, codes[start:min(start+holderBatch, len(codes))], func(p store.PersonRow) error {
			if !read[p.Key] {
				read[p.Key] = true
				persons = append(persons, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(persons, func(a, b store.PersonRow) int { return strings.Compare(a.Key, b.Key) })
	return persons, nil
}

// living is cp where they live now: at their last move, if they moved (withHistory
// gives the moves in order).
func living(cp coverage.Person) coverage.Person {
	if n := len(cp.Moves); n > 0 {
		cp.Commune, cp.Village = cp.Moves[n-1].Commune, cp.Moves[n-1].Village
	}
	return cp
}

// personKeys are the keys of some persons.
func personKeys(ps []store.PersonRow) []string {
	keys := make([]string, len(ps))
	for i, p := range ps {
		keys[i] = p.Key
	}
	return keys
}

// pastResidences reads the past residences of persons (nil: of everyone) by key.
func pastResidences(ctx context.Context, st *store.Store, keys []string) (map[string][]store.PastResidence, error) {
	out := map[string][]store.PastResidence{}
	err := st.EachPastResidence(ctx, keys, func(r store.PastResidence) error {
		out[r.Key] = append(out[r.Key], r)
		return nil
	})
	return out, err
}

// withHistory is cp, living now where cp says, with its past residences (in the
// order lived): cp's first residence is the oldest, and each move starts the next
// on the day the previous ended. A past commune the index does not hold is skipped.
func (e *engine) withHistory(cp coverage.Person, past []store.PastResidence) coverage.Person {
	if len(past) == 0 {
		return cp
	}
	var h []coverage.Residence
	for _, r := range past {
		c, ok := e.communeOf[r.CommuneID]
		if !ok {
			continue
		}
		v, ok := e.villageOf[r.VillageID]
		if !ok {
			v = coverage.NoVillage
		}
		h = append(h, coverage.Residence{From: r.MovedOut, Commune: c, Village: v})
	}
	if len(h) == 0 {
		return cp
	}
	// h[i] lived there until h[i].From; from then on, h[i+1] or cp.
	out := cp
	out.Commune, out.Village, out.Moves = h[0].Commune, h[0].Village, nil
	for i := range h {
		next := coverage.Residence{From: h[i].From, Commune: cp.Commune, Village: cp.Village}
		if i+1 < len(h) {
			next.Commune, next.Village = h[i+1].Commune, h[i+1].Village
		}
		out.Moves = append(out.Moves, next)
	}
	return out
}

// unplacedRows counts the cards and periods stored for holders not in the registry.
func (e *engine) unplacedRows() int {
	n := 0
	for _, c := range e.unplaced {
		n += c
	}
	return n
}

// addResident counts a resident of the population register for the registry
// denominators (M2: "counted from the resident registry").
func (e *engine) addResident(p coverage.Person) {
	e.births[p.Commune] = append(e.births[p.Commune], p.Birth)
	if p.Village != coverage.NoVillage {
		e.vbirths[p.Village] = append(e.vbirths[p.Village], p.Birth)
	}
}

// applyBirths changes the resident lists after the build: the residents who leave a
// list first (they were in it before the import), then those who join, appended and
// each list they joined sorted again once (a register of ten million residents
// inserted one at a time moved each list's tail for every one of them).
func (e *engine) applyBirths(changes []residentChange) {
	del := func(b []civil.Date, d civil.Date) []civil.Date {
		if i, ok := slices.BinarySearch(b, d); ok {
			return slices.Delete(b, i, i+1)
		}
		return b
	}
	for _, c := range changes {
		if r := c.from; r.ok {
			e.births[r.commune] = del(e.births[r.commune], r.birth)
			if r.village != coverage.NoVillage {
				e.vbirths[r.village] = del(e.vbirths[r.village], r.birth)
			}
		}
	}
	touched, vtouched := map[int32]bool{}, map[int32]bool{}
	for _, c := range changes {
		if r := c.to; r.ok {
			e.births[r.commune] = append(e.births[r.commune], r.birth)
			touched[r.commune] = true
			if r.village != coverage.NoVillage {
				e.vbirths[r.village] = append(e.vbirths[r.village], r.birth)
				vtouched[r.village] = true
			}
		}
	}
	for c := range touched {
		slices.Sort(e.births[c])
	}
	for v := range vtouched {
		slices.Sort(e.vbirths[v])
	}
}

// bitset is a set of positions.
type bitset []uint64

func (b bitset) has(i int32) bool {
	w := int(i >> 6)
	return w < len(b) && b[w]&(1<<(uint(i)&63)) != 0
}

func (b *bitset) set(i int32) {
	w := int(i >> 6)
	for len(*b) <= w {
		*b = append(*b, 0)
	}
	(*b)[w] |= 1 << (uint(i) & 63)
}
