package registry

import (
	"strings"

	"github.com/phusong/phusong/internal/civil"
)

// Kinds of file a reader takes. The first seven are the plain CSV layouts of
// PRODUCT.md §5; the last three are the BHXH offices' lists (forms-and-codes.md §2–4),
// as CSV or XLSX.
const (
	KindPersons      = "persons"
	KindResidents    = "residents"
	KindCards        = "bhyt_cards"
	KindBHXHPeriods  = "bhxh_periods"
	KindBHTNPeriods  = "bhtn_periods"
	KindDenominators = "denominators"
	KindTargets      = "targets"
	KindD02          = "d02-lt"
	KindD03          = "d03-ts"
	KindD05          = "d05-ts"
)

// Kinds lists every kind Read accepts.
var Kinds = []string{KindPersons, KindResidents, KindCards, KindBHXHPeriods, KindBHTNPeriods,
	KindDenominators, KindTargets, KindD02, KindD03, KindD05}

// RefusesRepeats reports whether Read refuses a file of this kind that names one
// registry row twice (a person, a card by number and valid_from, a period by holder,
// scheme, employer and valid_from): the plain layouts of the registry. The BHXH lists
// may repeat a person (a D03-TS with both Tăng and Giảm), and the last row wins.
func RefusesRepeats(kind string) bool {
	switch strings.ToLower(strings.TrimSpace(kind)) {
	case KindPersons, KindResidents, KindCards, KindBHXHPeriods, KindBHTNPeriods:
		return true
	}
	return false
}

// Units resolves geography for an import. The caller binds it to the import date, so
// a code means the unit in force that day (PRODUCT.md M1).
type Units interface {
	// Commune finds a commune (xã, phường, đặc khu) by its code, with the code of
	// its province.
	Commune(code string) (id int64, province string, ok bool)
	// Village finds a village or residential group (thôn, tổ dân phố) of a commune.
	Village(communeID int64, code string) (id int64, ok bool)
	// Unit finds any administrative unit by code (for denominators and targets).
	Unit(code string) (id int64, ok bool)
}

// Row is one record a reader emits: Person, Resident, Card, Period, Stop,
// Denominator or Target. SourceRow is the file row it came from, counted as a
// spreadsheet shows it (the CSV header is row 1).
type Row interface {
	SourceRow() int
	isRow()
}

// Precision says how much of a birth date a list gave (D02's "Loại ngày sinh",
// Viettel's ChiCoNamSinh): a year-only birth is stored as 1 January of that year.
type Precision string

const (
	PrecisionDay     Precision = ""        // the whole date
	PrecisionMonth   Precision = "month"   // month and year; the day is 1
	PrecisionYear    Precision = "year"    // the year; the date is 1 January
	PrecisionUnknown Precision = "unknown" // not given (D05-TS has no birth date)
)

// Person is someone in the insurance registry.
type Person struct {
	Row            int        `json:"row"`
	NationalID     string     `json:"national_id,omitempty"` // 12 digits
	BHXHCode       string     `json:"bhxh_code,omitempty"`   // 10 digits
	FullName       string     `json:"full_name"`
	BirthDate      civil.Date `json:"birth_date"`
	BirthPrecision Precision  `json:"birth_precision,omitempty"`
	Sex            Sex        `json:"sex,omitempty"`
	CommuneCode    string     `json:"commune_code,omitempty"`
	CommuneID      int64      `json:"commune_id,omitempty"`
	ProvinceCode   string     `json:"province_code,omitempty"`
	VillageCode    string     `json:"village_code,omitempty"`
	VillageID      int64      `json:"village_id,omitempty"`
	HouseholdID    string     `json:"household_id,omitempty"`
}

// Resident is someone in the population database (cơ sở dữ liệu quốc gia về dân
// cư): a Person without a BHXH code. NationalID is always set.
type Resident struct {
	Row          int        `json:"row"`
	NationalID   string     `json:"national_id"`
	FullName     string     `json:"full_name"`
	BirthDate    civil.Date `json:"birth_date"`
	Sex          Sex        `json:"sex"`
	CommuneCode  string     `json:"commune_code"`
	CommuneID    int64      `json:"commune_id"`
	ProvinceCode string     `json:"province_code"`
	VillageCode  string     `json:"village_code,omitempty"`
	VillageID    int64      `json:"village_id,omitempty"`
	HouseholdID  string     `json:"household_id,omitempty"`
}

// Card is a BHYT card. It is valid on ValidFrom and on ValidTo (PRODUCT.md §5);
// ValidTo is civil.Max when open-ended.
type Card struct {
	Row             int        `json:"row"`
	CardNo          string     `json:"card_no,omitempty"` // 15 characters or the 10-digit 2021 form
	BHXHCode        string     `json:"bhxh_code,omitempty"`
	NationalID      string     `json:"national_id,omitempty"` // when a list gave a ĐDCN instead (CV 1804)
	GroupCode       string     `json:"group_code"`            // mã đối tượng
	PayerGroup      PayerGroup `json:"payer_group"`
	BenefitLevel    int        `json:"benefit_level"`
	ValidFrom       civil.Date `json:"valid_from"`
	ValidTo         civil.Date `json:"valid_to"`
	IssuingProvince string     `json:"issuing_province,omitempty"` // 2 digits; empty when a list does not say
	InitialFacility string     `json:"initial_facility,omitempty"` // nơi ĐK KCB ban đầu, 5 characters
}

// Scheme is a kind of participation period.
type Scheme string

const (
	BHXHCompulsory Scheme = "bhxh_compulsory"
	BHXHVoluntary  Scheme = "bhxh_voluntary"
	BHTN           Scheme = "bhtn"
	// BHYTCompulsory is BHYT paid through the employer, read from D02-LT. It is
	// evidence of coverage when the card file is missing; the card remains the
	// reference for BHYT coverage.
	BHYTCompulsory Scheme = "bhyt_compulsory"
	// BHYT names a BHYT card in a Stop read from D03-TS "II. Giảm".
	BHYT Scheme = "bhyt"
)

// Period is a participation period of one person. Salary is the contribution salary
// (compulsory, BHTN) or the declared income (voluntary) in đồng per month.
type Period struct {
	Row          int        `json:"row"`
	Scheme       Scheme     `json:"scheme"`
	BHXHCode     string     `json:"bhxh_code,omitempty"`
	NationalID   string     `json:"national_id,omitempty"` // when a list gave a ĐDCN instead
	EmployerCode string     `json:"employer_code,omitempty"`
	ValidFrom    civil.Date `json:"valid_from"`
	ValidTo      civil.Date `json:"valid_to"`
	Salary       int64      `json:"salary"`
	// SalaryCoefficient is the hệ số lương of state payroll staff as an exact
	// decimal ("2.34") when D02-LT gives one instead of an amount; Salary is then 0
	// and the caller multiplies by the base salary in force.
	SalaryCoefficient string `json:"salary_coefficient,omitempty"`
}

// Stop is a decrease (giảm) from a BHXH list: the person's participation in the
// scheme ends the day before From.
type Stop struct {
	Row          int        `json:"row"`
	Scheme       Scheme     `json:"scheme"`
	BHXHCode     string     `json:"bhxh_code,omitempty"`
	NationalID   string     `json:"national_id,omitempty"`
	EmployerCode string     `json:"employer_code,omitempty"`
	From         civil.Date `json:"from"`
}

// Denominator is the population and labour force of a unit in a year (PRODUCT.md M2).
type Denominator struct {
	Row         int    `json:"row"`
	UnitCode    string `json:"unit_code"`
	UnitID      int64  `json:"unit_id"`
	Year        int    `json:"year"`
	Population  int64  `json:"population"`
	LabourForce int64  `json:"labour_force"`
}

// Indicator is a target indicator (PRODUCT.md §5 targets).
type Indicator string

const (
	BHYTPopulationPct  Indicator = "bhyt_population_pct"
	BHXHLabourPct      Indicator = "bhxh_labour_pct"
	BHTNLabourPct      Indicator = "bhtn_labour_pct"
	VoluntaryBHXHCount Indicator = "voluntary_bhxh_count"
)

// Indicators lists the four target indicators.
var Indicators = []Indicator{BHYTPopulationPct, BHXHLabourPct, BHTNLabourPct, VoluntaryBHXHCount}

// Percent reports whether the indicator is a percentage (else a count).
func (i Indicator) Percent() bool { return i != VoluntaryBHXHCount }

// Target is a target set for a unit (PRODUCT.md M5). Value is an exact decimal as
// written ("95.15", "1200").
type Target struct {
	Row       int        `json:"row"`
	UnitCode  string     `json:"unit_code"`
	UnitID    int64      `json:"unit_id"`
	Indicator Indicator  `json:"indicator"`
	Deadline  civil.Date `json:"deadline"`
	Value     string     `json:"value"`
	Document  string     `json:"document"`
}

func (p Person) SourceRow() int      { return p.Row }
func (r Resident) SourceRow() int    { return r.Row }
func (c Card) SourceRow() int        { return c.Row }
func (p Period) SourceRow() int      { return p.Row }
func (s Stop) SourceRow() int        { return s.Row }
func (d Denominator) SourceRow() int { return d.Row }
func (t Target) SourceRow() int      { return t.Row }

func (Person) isRow()      {}
func (Resident) isRow()    {}
func (Card) isRow()        {}
func (Period) isRow()      {}
func (Stop) isRow()        {}
func (Denominator) isRow() {}
func (Target) isRow()      {}
