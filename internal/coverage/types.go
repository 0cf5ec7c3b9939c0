package coverage

import (
	"fmt"
	"strconv"

	"github.com/phusong/phusong/internal/civil"
)

// Scheme is one of the three insurance schemes.
type Scheme uint8

const (
	BHYT Scheme = iota // bảo hiểm y tế, health insurance
	BHXH               // bảo hiểm xã hội, social insurance (compulsory or voluntary)
	BHTN               // bảo hiểm thất nghiệp, unemployment insurance
	numSchemes
)

var schemeNames = [numSchemes]string{"bhyt", "bhxh", "bhtn"}

func (s Scheme) String() string {
	if s < numSchemes {
		return schemeNames[s]
	}
	return "scheme(" + strconv.Itoa(int(s)) + ")"
}

// ParseScheme reads bhyt, bhxh or bhtn.
func ParseScheme(s string) (Scheme, error) {
	for i, n := range schemeNames {
		if n == s {
			return Scheme(i), nil
		}
	}
	return 0, fmt.Errorf("chế độ không hợp lệ %q, cần bhyt|bhxh|bhtn / invalid scheme %q, want bhyt|bhxh|bhtn", s, s)
}

// Basis says where a covered person is counted: where they live, or where their
// card was issued.
type Basis uint8

const (
	ByResidence Basis = iota
	ByIssuing
)

func (b Basis) String() string {
	if b == ByIssuing {
		return "issuing"
	}
	return "residence"
}

// ParseBasis reads residence or issuing.
func ParseBasis(s string) (Basis, error) {
	switch s {
	case "residence":
		return ByResidence, nil
	case "issuing":
		return ByIssuing, nil
	}
	return 0, fmt.Errorf("cách tính không hợp lệ %q, cần residence|issuing / invalid basis %q, want residence|issuing", s, s)
}

// PayerGroup is who pays the BHYT contribution, the six groups of Law 51/2024
// (Law on Health Insurance Art 12 as amended, from 1 July 2025).
type PayerGroup uint8

const (
	GroupUnknown          PayerGroup = iota
	GroupEmployerEmployee            // 1: employer and/or employee pay
	GroupBHXHFund                    // 2: the BHXH fund pays
	GroupStateBudget                 // 3: the state budget pays
	GroupStateSupported              // 4: the state budget supports
	GroupHousehold                   // 5: self-paid, by household
	GroupOther                       // 6: others under other laws
	numGroups
)

var groupNames = [numGroups]string{"unknown", "employer_employee", "bhxh_fund", "state_budget", "state_supported", "household", "other"}

func (g PayerGroup) String() string {
	if g < numGroups {
		return groupNames[g]
	}
	return "group(" + strconv.Itoa(int(g)) + ")"
}

// ParsePayerGroup reads the registry's group names (employer_employee … other).
func ParsePayerGroup(s string) (PayerGroup, error) {
	for i, n := range groupNames {
		if n == s {
			return PayerGroup(i), nil
		}
	}
	return 0, fmt.Errorf("nhóm đối tượng không hợp lệ %q / invalid payer group %q", s, s)
}

// Sex of a person.
type Sex uint8

const (
	SexUnknown Sex = iota
	Male
	Female
	numSexes
)

var sexNames = [numSexes]string{"unknown", "male", "female"}

func (s Sex) String() string {
	if s < numSexes {
		return sexNames[s]
	}
	return "sex(" + strconv.Itoa(int(s)) + ")"
}

// AgeBand is a band of whole years of age.
type AgeBand uint8

const (
	Age0to5 AgeBand = iota
	Age6to17
	Age18to59
	Age60to79
	Age80Plus
	numBands
)

var bandNames = [numBands]string{"0-5", "6-17", "18-59", "60-79", "80+"}

// bandStarts are the ages at which each band after the first begins.
var bandStarts = [numBands - 1]int{6, 18, 60, 80}

func (a AgeBand) String() string {
	if a < numBands {
		return bandNames[a]
	}
	return "band(" + strconv.Itoa(int(a)) + ")"
}

// AgeBandOn is the band of a person born on birth, on day d.
func AgeBandOn(birth, d civil.Date) AgeBand {
	t := bandChanges(birth)
	b := Age0to5
	for _, c := range t {
		if int32(d) >= c {
			b++
		}
	}
	return b
}

// bandChanges are the days a person born on birth enters bands 6-17, 18-59, 60-79
// and 80+. time.Date normalises 29 February of a common year to 1 March.
func bandChanges(birth civil.Date) [numBands - 1]int32 {
	y, m, d := birth.Time().Date()
	var t [numBands - 1]int32
	for i, age := range bandStarts {
		t[i] = int32(civil.Of(y+age, m, d))
	}
	return t
}

// Dim is a breakdown of covered persons.
type Dim uint8

const (
	DimPayerGroup Dim = iota // BHYT only: the group of the card in force
	DimSex
	DimAgeBand
	DimKind // BHXH only: compulsory or voluntary
	numDims
)

var dimNames = [numDims]string{"payer_group", "sex", "age_band", "kind"}

func (d Dim) String() string {
	if d < numDims {
		return dimNames[d]
	}
	return "dim(" + strconv.Itoa(int(d)) + ")"
}

// ParseDim reads payer_group, sex, age_band or kind.
func ParseDim(s string) (Dim, error) {
	for i, n := range dimNames {
		if n == s {
			return Dim(i), nil
		}
	}
	return 0, fmt.Errorf("cách chia không hợp lệ %q, cần payer_group|sex|age_band|kind / invalid group-by %q, want payer_group|sex|age_band|kind", s, s)
}

var kindNames = [2]string{"compulsory", "voluntary"}

// Province is a 2-digit province code (01 Hà Nội … 96 Cà Mau, 97 Ministry of
// Defence); 0 means unknown.
type Province uint8

const numProvinces = 100

// ParseProvince reads a 2-digit code such as "01" or "79".
func ParseProvince(s string) (Province, error) {
	n, err := strconv.Atoi(s)
	if err != nil || len(s) != 2 || n < 0 || n >= numProvinces {
		return 0, fmt.Errorf("mã tỉnh không hợp lệ %q, cần 2 chữ số / invalid province code %q, want 2 digits", s, s)
	}
	return Province(n), nil
}

func (p Province) String() string { return fmt.Sprintf("%02d", uint8(p)) }

// Interval is one card or participation period, valid on From and To and every day
// between; To is civil.Max when open-ended.
type Interval struct {
	From, To  civil.Date
	Issuing   Province   // BHYT: the province that issued the card
	Group     PayerGroup // BHYT: the card's group; GroupUnknown takes the person's group
	Voluntary bool       // BHXH: voluntary (tự nguyện) rather than compulsory
}

// NoVillage is the Village of a person whose village is not known.
const NoVillage int32 = -1

// Person is one person as the Builder reads them. Commune and Village are positions
// in the Builder's Commune and Village lists.
type Person struct {
	Commune int32
	Village int32       // NoVillage when not known; ignored when the index has no villages
	Moves   []Residence // later residences, if the person moved
	Sex     Sex
	Birth   civil.Date
	Group   PayerGroup // the person's group, for cards that carry none
	BHYT    []Interval
	BHXH    []Interval
	BHTN    []Interval
}

// Intervals is the person's list for scheme s.
func (p *Person) Intervals(s Scheme) []Interval {
	switch s {
	case BHYT:
		return p.BHYT
	case BHXH:
		return p.BHXH
	}
	return p.BHTN
}

// Residence is where a person lives from From on (until their next residence).
type Residence struct {
	From    civil.Date
	Commune int32
	Village int32 // NoVillage when not known
}

// Commune is a commune (xã, phường, đặc khu) of the index and its province.
type Commune struct {
	Code     string
	Province Province
}

// Village is a village (thôn, ấp, bản, tổ dân phố) and the position of its commune.
type Village struct {
	Code    string
	Commune int32
}

// Count is one value of a breakdown and the persons covered under it.
type Count struct {
	Value   string `json:"value"`
	Covered int64  `json:"covered"`
}

// Point is a count on one date of a series.
type Point struct {
	Date    civil.Date `json:"date"`
	Covered int64      `json:"covered"`
}
