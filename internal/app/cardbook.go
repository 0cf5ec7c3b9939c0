package app

import (
	"math"
	"sync"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/coverage"
)

// cardBook keeps, per person of the index, the BHYT cards stored under their BHXH
// code, each with the key the store upserts it on (cardKey with valid_from). A card
// file is merged into them (engine.storedOf, replaceSeq) as the store's upsert merges
// it into the table, so the daily file of renewed and cancelled cards needs no read of the
// holders' stored cards at all: before the book, that read (about 100,000 holders,
// beside the write of the file) bounded the time until the dashboard showed the file.
//
// The book knows a person once a rebuild, or an import that added them or gave them
// cards, told it their cards; a person read again from the store (refreshIntervals,
// refreshBatch) is forgotten — so are both persons under a BHXH code two share, read
// again after a rebuild — and one whose rows are scattered (scatteredRows) is never
// kept: their cards are read from the store, as before. The book reflects the
// registry at the index's version (engine.ver): it changes only with the index,
// under engMu.
//
// A card takes 8 bytes (bookCard; at 1M persons, 2.95M cards: 24 MB), and a person 6.
type cardBook struct {
	mu    sync.RWMutex // for prefetch.want, which asks from an import's goroutine
	off   []uint32     // per position: the person's first card in cards
	n     []uint16     // per position: how many; unbooked: not known
	cards bookCards
	spare int // slots in cards no person uses any more
}

// bookCards holds the cards in chunks, so that the book grows without copying what
// it holds: a slice grown by append leaves the old array as garbage at each growth,
// hundreds of megabytes at 10M persons.
type bookCards struct {
	chunks [][]bookCard
	n      int
}

const bookChunk = 1 << 16

func (c *bookCards) at(i int) *bookCard { return &c.chunks[i/bookChunk][i%bookChunk] }

// grow adds n slots at the end and returns the first.
func (c *bookCards) grow(n int) int {
	first := c.n
	for c.n+n > len(c.chunks)*bookChunk {
		c.chunks = append(c.chunks, make([]bookCard, bookChunk))
	}
	c.n += n
	return first
}

// bookCard is a card packed in a word (8 bytes; unpacked it took 16, 472 MB of the
// 29.5M cards at 10M persons):
//
//	bits  0–15  valid_from, days since 1970-01-01
//	bits 16–31  valid_to, the same; bookOpen: open-ended (civil.Max)
//	bits 32–52  cardKey (below 1<<20; a card number not of 15 characters: 1<<20)
//	bits 53–59  issuing province (below 100)
//	bits 60–63  payer group
//
// A card that does not fit (a date before 1970 or after 2149) is not booked: its
// holder's cards are read from the store, as for a person the book does not know.
type bookCard uint64

const (
	bookOpen    = 0xFFFF
	bookOddKey  = 1 << 20 // cardKey of a card number not of 15 characters
	bookKeyBits = 21
)

// packCard packs a card; false when it does not fit.
func packCard(key uint32, iv coverage.Interval) (bookCard, bool) {
	from, to := int64(iv.From), int64(iv.To)
	switch {
	case from < 0 || from >= bookOpen:
		return 0, false
	case iv.To == civil.Max:
		to = bookOpen
	case to < 0 || to >= bookOpen:
		return 0, false
	}
	switch {
	case key == 1<<31:
		key = bookOddKey
	case key >= bookOddKey:
		return 0, false
	}
	if iv.Issuing >= 1<<7 || iv.Group >= 1<<4 {
		return 0, false
	}
	return bookCard(uint64(from) | uint64(to)<<16 | uint64(key)<<32 | uint64(iv.Issuing)<<(32+bookKeyBits) | uint64(iv.Group)<<(39+bookKeyBits)), true
}

// unpack is the card as the index takes it.
func (c bookCard) unpack() keyedInterval {
	key := uint32(c>>32) & (1<<bookKeyBits - 1)
	if key == bookOddKey {
		key = 1 << 31
	}
	to := civil.Date(uint16(c >> 16))
	if to == bookOpen {
		to = civil.Max
	}
	return keyedInterval{key: ivKey{card: key}, scheme: coverage.BHYT, counts: true,
		iv: coverage.Interval{From: civil.Date(uint16(c)), To: to,
			Issuing: coverage.Province(c >> (32 + bookKeyBits) & (1<<7 - 1)), Group: coverage.PayerGroup(c >> (39 + bookKeyBits))}}
}

// unbooked is the count of a person the book does not know.
const unbooked = math.MaxUint16

// known reports whether the book holds the person's cards.
func (b *cardBook) known(pos int32) bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.has(pos)
}

func (b *cardBook) has(pos int32) bool { return int(pos) < len(b.n) && b.n[pos] != unbooked }

// get appends the person's cards, as the index takes them, to buf[:0]; false when
// the book does not know them. Only engMu's holder calls it (the book's only writer).
func (b *cardBook) get(pos int32, buf []keyedInterval) ([]keyedInterval, bool) {
	buf = buf[:0]
	if !b.has(pos) {
		return buf, false
	}
	o := int(b.off[pos])
	for i := o; i < o+int(b.n[pos]); i++ {
		buf = append(buf, b.cards.at(i).unpack())
	}
	return buf, true
}

// set makes the BHYT intervals of list the person's cards (the other schemes' are
// left out). A person with a card that does not pack (bookCard) is not booked.
func (b *cardBook) set(pos int32, list []keyedInterval) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.grow(pos)
	n, fits := 0, true
	for _, k := range list {
		if k.scheme == coverage.BHYT && k.counts {
			n++
			_, ok := packCard(k.key.card, k.iv)
			fits = fits && ok
		}
	}
	if n >= unbooked || !fits {
		b.drop(pos)
		return
	}
	old := int(b.n[pos])
	if old == unbooked {
		old = 0
	}
	o := int(b.off[pos])
	if n > old {
		b.spare += old
		o = b.cards.grow(n)
	} else {
		b.spare += old - n
	}
	b.off[pos], b.n[pos] = uint32(o), uint16(n)
	i := o
	for _, k := range list {
		if k.scheme == coverage.BHYT && k.counts {
			*b.cards.at(i), _ = packCard(k.key.card, k.iv)
			i++
		}
	}
	b.maybeCompact()
}

// forget makes the person unknown: their cards are read from the store when a file
// changes them.
func (b *cardBook) forget(pos int32) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if int(pos) < len(b.n) {
		b.drop(pos)
		b.maybeCompact()
	}
}

// maybeCompact compacts once more than half the slots are spare.
func (b *cardBook) maybeCompact() {
	if b.spare > bookChunk && b.spare > b.cards.n/2 {
		b.compact()
	}
}

func (b *cardBook) drop(pos int32) {
	if n := b.n[pos]; n != unbooked {
		b.spare += int(n)
	}
	b.off[pos], b.n[pos] = 0, unbooked
}

// grow makes room for positions up to pos, unknown.
func (b *cardBook) grow(pos int32) {
	for int(pos) >= len(b.n) {
		b.off, b.n = append(b.off, 0), append(b.n, unbooked)
	}
}

// compact rewrites the cards without the slots no person uses.
func (b *cardBook) compact() {
	var out bookCards
	for pos, n := range b.n {
		if n == unbooked {
			continue
		}
		o := int(b.off[pos])
		to := out.grow(int(n))
		b.off[pos] = uint32(to)
		for i := range int(n) {
			*out.at(to + i) = *b.cards.at(o + i)
		}
	}
	b.cards, b.spare = out, 0
}

// size is how many persons the book knows and how many cards it holds.
func (b *cardBook) size() (persons, cards int) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, n := range b.n {
		if n != unbooked {
			persons++
			cards += int(n)
		}
	}
	return persons, cards
}
