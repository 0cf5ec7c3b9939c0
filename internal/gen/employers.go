package gen

import "strings"

// Employer kinds and the participant code their workers' cards carry
// (forms-and-codes.md §8.3). Weights are per mille of employers; state bodies are
// fewer but larger in reality, here every employer draws workers alike.
type employerKind struct {
	kind   string
	group  string // the card code of most workers
	alt    string // the card code of contract workers in state units (CH)
	weight uint32
	bhtn   bool // workers pay BHTN (công chức of state bodies do not)
	prefix string
	budget bool // identified by a 7-digit budget-relation code (mã QHNS), CV 1804
	suffix []string
}

var employerKinds = []employerKind{
	{kind: "enterprise", group: "DN", weight: 760, bhtn: true, prefix: "Công ty TNHH", suffix: []string{"Thương mại", "Xây dựng", "Sản xuất", "Dịch vụ", "May mặc", "Thực phẩm", "Vận tải", "Cơ khí", "Điện tử", "Nông sản"}},
	{kind: "cooperative", group: "HX", weight: 40, bhtn: true, prefix: "Hợp tác xã", suffix: []string{"Nông nghiệp", "Dịch vụ", "Thủy sản", "Vận tải"}},
	{kind: "state_body", group: "HC", alt: "CH", weight: 80, prefix: "Ủy ban nhân dân", budget: true},
	{kind: "public_service", group: "HC", alt: "CH", weight: 90, bhtn: true, prefix: "Trường", budget: true, suffix: []string{"Mầm non", "Tiểu học", "Trung học cơ sở", "Trung học phổ thông"}},
	{kind: "other_org", group: "TK", weight: 25, bhtn: true, prefix: "Hội", suffix: []string{"Nông dân", "Phụ nữ", "Cựu chiến binh", "Chữ thập đỏ"}},
	{kind: "foreign_org", group: "NN", weight: 5, bhtn: true, prefix: "Văn phòng đại diện", suffix: []string{"Tổ chức phi chính phủ", "Quỹ phát triển", "Tổ chức quốc tế"}},
}

var employerKindCum = func() []uint32 {
	w := make([]uint32, len(employerKinds))
	for i, k := range employerKinds {
		w[i] = k.weight
	}
	return cumulative(w)
}()

var brandWords = []string{"Minh", "Phát", "Thành", "Công", "Hòa", "Bình", "An", "Phúc", "Thịnh", "Hưng",
	"Long", "Việt", "Nam", "Tân", "Đại", "Sao", "Mai", "Hồng", "Trường", "Quang"}

// employer k of commune c, drawn from the seed and k alone so that any worker can
// refer to it before or after it is written. The name is drawn only when asked for.
type employer struct {
	code  string
	tax   [10]byte
	name  string
	kind  *employerKind
	place *commune
}

func (g *generator) employer(k int64, c *commune, named bool) employer {
	r := rng{s: hash64(g.seed, uint64(k)<<8|0xe)}
	kind := &employerKinds[r.pick(employerKindCum)]
	e := employer{tax: taxCode(g.seed, c.province, k), kind: kind, place: c}
	if kind.budget {
		// mã QHNS: 7 digits; made unique from the tax code's scattered digits
		e.code = string(e.tax[3:]) + kind.group
	} else {
		e.code = string(e.tax[:]) + kind.group
	}
	if named {
		e.name = employerName(&r, kind, c)
	}
	return e
}

func employerName(r *rng, k *employerKind, c *commune) string {
	place := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(c.name, "Phường "), "Xã "), "Đặc khu ")
	var b strings.Builder
	b.WriteString(k.prefix)
	if len(k.suffix) > 0 {
		b.WriteByte(' ')
		b.WriteString(k.suffix[r.intn(len(k.suffix))])
	}
	switch k.kind {
	case "enterprise":
		b.WriteByte(' ')
		b.WriteString(brandWords[r.intn(len(brandWords))])
		b.WriteByte(' ')
		b.WriteString(brandWords[r.intn(len(brandWords))])
	case "state_body":
		b.WriteByte(' ')
		b.WriteString(c.name)
		return b.String()
	}
	b.WriteByte(' ')
	b.WriteString(place)
	return b.String()
}

// employerPlan numbers the employers of the selected communes: commune i owns
// [start[i], start[i]+count[i]). byProvince lists each province's communes with the
// running total of their employers, to draw an employer anywhere in a province.
type employerPlan struct {
	start, count []int64
	byProvince   map[string]*provinceEmployers
}

type provinceEmployers struct {
	communes []int   // indexes into the selected communes
	cum      []int64 // running totals of employers
}

// workersPerEmployer sets how many employers a commune gets: about one per 40
// compulsory workers (≈ 18 million participants over ≈ 400,000 units).
const workersPerEmployer = 40

func newEmployerPlan(cs []commune, alloc []int64) employerPlan {
	p := employerPlan{start: make([]int64, len(cs)), count: make([]int64, len(cs)), byProvince: map[string]*provinceEmployers{}}
	var next int64
	for i := range cs {
		n := (alloc[i]*21/100 + workersPerEmployer - 1) / workersPerEmployer
		if cs[i].ward {
			n = n * 3 / 2
		}
		if alloc[i] > 0 && n == 0 {
			n = 1
		}
		p.start[i], p.count[i] = next, n
		next += n
		if n == 0 {
			continue
		}
		pe := p.byProvince[cs[i].province]
		if pe == nil {
			pe = &provinceEmployers{}
			p.byProvince[cs[i].province] = pe
		}
		total := n
		if len(pe.cum) > 0 {
			total += pe.cum[len(pe.cum)-1]
		}
		pe.communes = append(pe.communes, i)
		pe.cum = append(pe.cum, total)
	}
	return p
}

// inProvince draws an employer of a province: the commune index and employer number.
func (p employerPlan) inProvince(r *rng, province string) (int, int64, bool) {
	pe := p.byProvince[province]
	if pe == nil {
		return 0, 0, false
	}
	x := int64(r.next() % uint64(pe.cum[len(pe.cum)-1]))
	lo, hi := 0, len(pe.cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if pe.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	i := pe.communes[lo]
	return i, p.start[i] + int64(r.intn(int(p.count[i]))), true
}

// inCommune draws an employer of commune i.
func (p employerPlan) inCommune(r *rng, i int) (int64, bool) {
	if p.count[i] == 0 {
		return 0, false
	}
	return p.start[i] + int64(r.next()%uint64(p.count[i])), true
}
