package gen

import (
	"strconv"

	"github.com/phusong/phusong/internal/civil"
)

type member struct {
	birth                 civil.Date
	female                bool
	family, middle, given string
	birthPrefix           string // 2-digit pre-2025 province of birth registration
	nid                   [12]byte
	bhxh                  [10]byte
}

type household struct {
	members  []member
	village  int
	id       []byte
	poor     bool // hộ nghèo: HN cards
	nearPoor bool // hộ cận nghèo: CN cards
	farm     bool // farm household of average living standard: GB cards
}

// Household shapes and their weights (per cent). Together they give households of
// 1–7 members averaging about 3.5, and an age pyramid close to Vietnam's (about a
// quarter under 18, an eighth 60 and over).
const (
	single = iota
	couple
	nuclear
	threeGen
	singleParent
)

var shapeCum = cumulative([]uint32{9, 13, 50, 23, 5})

// Poverty shares per mille of households (multidimensional poverty, 2022–2025
// standard): rural communes have more poor and near-poor households than wards.
func poverty(r *rng, c *commune, h *household) {
	u := r.intn(1000)
	poor, near := 30, 35
	if c.ward {
		poor, near = 6, 10
	}
	h.poor = u < poor
	h.nearPoor = !h.poor && u < poor+near
	h.farm = !c.ward && !h.poor && !h.nearPoor && r.intn(100) < 3
}

// household generates one household of commune i (at most left members) and writes
// its members. It returns the number of members.
func (g *generator) household(r *rng, i, villages int, seq, left int64) (int64, error) {
	c := &g.communes[i]
	h := &g.hh
	h.members = h.members[:0]
	h.village = r.between(1, villages)
	h.id = appendSeq(append(append(h.id[:0], c.code...), '-'), seq)
	poverty(r, c, h)
	g.shape(r, c, h)
	if int64(len(h.members)) > left {
		h.members = h.members[:left]
	}
	for k := range h.members {
		if err := g.member(r, i, h, &h.members[k]); err != nil {
			return 0, err
		}
	}
	return int64(len(h.members)), nil
}

// appendSeq writes n with at least six digits.
func appendSeq(b []byte, n int64) []byte {
	for w := int64(100_000); w > n && w > 1; w /= 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, n, 10)
}

func (g *generator) shape(r *rng, c *commune, h *household) {
	family := drawFamily(r, c.north)
	switch r.pick(shapeCum) {
	case single:
		age := r.between(20, 39)
		if r.chance(0.55) {
			age = r.between(60, 92)
		}
		g.add(r, c, h, "", age, r.chance(0.5))
	case couple:
		age := r.between(22, 34)
		if r.chance(0.6) {
			age = r.between(50, 85)
		}
		g.add(r, c, h, family, age, false)
		g.add(r, c, h, "", max(18, age-r.between(0, 5)), true)
	case nuclear:
		g.family(r, c, h, family, r.pick(childCum)+1)
	case threeGen:
		father := g.family(r, c, h, family, r.pick(childCum)+1)
		gf := min(100, father+r.between(22, 32))
		switch r.intn(3) {
		case 0:
			g.add(r, c, h, family, gf, false)
		case 1:
			g.add(r, c, h, "", gf-r.between(0, 5), true)
		default:
			g.add(r, c, h, family, gf, false)
			g.add(r, c, h, "", gf-r.between(0, 5), true)
		}
	case singleParent:
		kids := r.between(1, 2)
		eldest := r.between(0, 20)
		female := r.chance(0.8)
		g.add(r, c, h, family, eldest+r.between(20, 35), female)
		g.children(r, c, h, family, eldest, kids)
	}
}

var childCum = cumulative([]uint32{30, 50, 17, 3})

// family adds father, mother and children; it returns the father's age.
func (g *generator) family(r *rng, c *commune, h *household, family string, kids int) int {
	eldest := r.between(0, 24)
	mother := eldest + r.between(20, 33)
	father := mother + r.between(0, 6)
	g.add(r, c, h, family, father, false)
	g.add(r, c, h, "", mother, true)
	g.children(r, c, h, family, eldest, kids)
	return father
}

func (g *generator) children(r *rng, c *commune, h *household, family string, eldest, kids int) {
	age := eldest
	for k := 0; k < kids && age >= 0; k++ {
		g.add(r, c, h, family, age, r.chance(0.48))
		age -= r.between(1, 6)
	}
}

// add appends a member aged age on AsOf (family "" draws the person's own family
// name: wives keep theirs, as Vietnamese women do).
func (g *generator) add(r *rng, c *commune, h *household, family string, age int, female bool) {
	if len(h.members) == 7 {
		return
	}
	if family == "" {
		family = drawFamily(r, c.north)
	}
	birth := g.asOf - civil.Date(age*365+age/4+r.intn(365))
	by := yearOf(birth)
	h.members = append(h.members, member{
		birth: birth, female: female, family: family,
		middle: drawMiddle(r, female, by), given: drawGiven(r, female),
		birthPrefix: g.birthPrefix(r, c, age),
	})
}

// birthPrefix: most people were born where they live; migrants (many in the wards of
// the big industrial provinces) elsewhere.
func (g *generator) birthPrefix(r *rng, c *commune, age int) string {
	p := 0.07
	switch {
	case age < 18:
		p = 0.03
	case c.ward && industrial[c.province]:
		p = 0.25
	}
	if r.chance(p) {
		return g.birthCodes[r.pick(g.birthCum)]
	}
	return c.oldProv
}

// appendName writes "Family Middle Given".
func appendName(b []byte, m *member) []byte {
	b = append(b, m.family...)
	b = append(b, ' ')
	b = append(b, m.middle...)
	b = append(b, ' ')
	return append(b, m.given...)
}
