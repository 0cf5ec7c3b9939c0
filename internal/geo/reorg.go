package geo

import (
	"fmt"
	"io"
	"math/big"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/importer"
)

// Kinds of reorganisation rows.
const (
	ReorgRename   = "rename"   // same unit, new name or type
	ReorgReparent = "reparent" // same unit, new parent
	ReorgMerge    = "merge"    // sources end, new units begin
	ReorgSplit    = "split"
	ReorgPartial  = "partial" // part of a source goes to a target
)

// UnitTypes are the types a unit of each level may have, with the word that starts
// its full name ("Xã", "Phường", "Thành phố" …).
var UnitTypes = map[Level]map[string]string{
	Province: {"tinh": "Tỉnh", "thanh_pho_tw": "Thành phố"},
	District: {"quan": "Quận", "huyen": "Huyện", "thi_xa": "Thị xã", "thanh_pho_thuoc_tinh": "Thành phố", "thanh_pho_thuoc_tp_tw": "Thành phố"},
	Commune:  {"xa": "Xã", "phuong": "Phường", "thi_tran": "Thị trấn", "dac_khu": "Đặc khu"},
	Village:  VillageTypes,
}

// ParseReorg reads reorganisations decided after 1 July 2025 (the 2025 one is built
// by Reference):
//
//	date,kind,from_code,to_code,share,to_name,to_full_name,to_type,to_parent_code,source
//	2026-04-30,rename,75,75,,,Thành phố Đồng Nai,thanh_pho_tw,,NQ 30/2026/QH16
//	2027-01-01,merge,00004,00004,,Ba Đình,Phường Ba Đình,phuong,,NQ …
//	2027-01-01,merge,00008,00004,,,,,,NQ …
//
// Only date, kind, from_code and to_code are required columns (to_name_en may be
// added). A rename or reparent keeps the unit (valid the day before date) and opens
// a new name or parent period on date; empty fields keep the old value. All merge,
// split and partial rows of one date are one event: each source ends the day before,
// each to_code becomes a new unit on date (even when it reuses a source's code), and
// each row is a lineage link with its share — a fraction (0.25) or a percent (25%);
// rows without a share get equal parts of what the source has left. The units under
// an ended unit follow it when it has one successor; otherwise they need reparent
// rows of the same date. Dates are processed in order, each against the geography
// the earlier ones left. A file already in force gives an empty change.
//
// A village is written COMMUNE/VILLAGE: as a source, with its commune's code the day
// before; as a new unit, with the code of the commune it lives in from the date
// (which may be a new unit of the same date). Its events link villages only, and a
// date that would leave two villages of one commune with one code is refused.
func ParseReorg(a *Atlas, file string, r io.Reader) (*Change, error) {
	s, f, err := openSheet(file, r, "date", "kind", "from_code", "to_code")
	if err != nil {
		return nil, err
	}
	days := readReorgDays(f)
	if err := s.c.Err(); err != nil {
		return nil, err
	}
	run := &reorgRun{sheet: s, state: a, out: &Change{}}
	for i, d := range days {
		run.day(d, i == len(days)-1)
	}
	if err := s.c.Err(); err != nil {
		return nil, err
	}
	foldIntoNewUnits(run.out)
	return run.out, nil
}

// reorgRow is one checked line of a reorganisation file.
type reorgRow struct {
	row                         int
	date                        civil.Date
	kind, from, to              string
	share                       *big.Rat // nil: equal part of what is left
	name, fullName, typ, nameEN string
	parent, source              string
}

func (r reorgRow) isEvent() bool { return r.kind != ReorgRename && r.kind != ReorgReparent }

// reorgDay is every row of one date.
type reorgDay struct {
	date                       civil.Date
	events, renames, reparents []reorgRow
}

func readReorgDays(f *importer.CSV) []*reorgDay {
	byDate := map[civil.Date]*reorgDay{}
	seen := map[string]int{}
	for f.Next() {
		r, ok := readReorgRow(f)
		if !ok {
			continue
		}
		key := fmt.Sprint(r.date, r.kind, r.from)
		if r.isEvent() {
			key = fmt.Sprint(r.date, "event", r.from, "→", r.to)
		}
		if first, dup := seen[key]; dup {
			f.Bad("from_code", fmt.Sprintf("lặp lại dòng %d", first), fmt.Sprintf("repeats row %d", first))
			continue
		}
		seen[key] = r.row
		d := byDate[r.date]
		if d == nil {
			d = &reorgDay{date: r.date}
			byDate[r.date] = d
		}
		switch r.kind {
		case ReorgRename:
			d.renames = append(d.renames, r)
		case ReorgReparent:
			d.reparents = append(d.reparents, r)
		default:
			d.events = append(d.events, r)
		}
	}
	days := make([]*reorgDay, 0, len(byDate))
	for _, d := range byDate {
		days = append(days, d)
	}
	sort.Slice(days, func(i, j int) bool { return days[i].date < days[j].date })
	return days
}

func readReorgRow(f *importer.CSV) (reorgRow, bool) {
	r := reorgRow{row: f.Row(), kind: strings.ToLower(f.Get("kind")), typ: strings.ToLower(f.Get("to_type")),
		parent: f.Get("to_parent_code"), source: f.Get("source")}
	ok := readReorgDate(f, &r)
	switch r.kind {
	case ReorgRename, ReorgReparent, ReorgMerge, ReorgSplit, ReorgPartial:
	default:
		f.Bad("kind", fmt.Sprintf("loại %q không có; dùng rename, reparent, merge, split hoặc partial", r.kind),
			fmt.Sprintf("unknown kind %q; use rename, reparent, merge, split or partial", r.kind))
		ok = false
	}
	var okCode bool
	r.from, okCode = readUnitCode(f, "from_code", true)
	ok = okCode && ok
	r.to, okCode = readUnitCode(f, "to_code", r.isEvent())
	ok = okCode && ok
	r.share, okCode = readShare(f, "share", true)
	ok = okCode && ok
	for _, t := range []struct {
		col string
		dst *string
	}{{"to_name", &r.name}, {"to_full_name", &r.fullName}, {"to_name_en", &r.nameEN}, {"source", &r.source}} {
		*t.dst, okCode = readText(f, t.col)
		ok = okCode && ok
	}
	return r, ok && checkKindFields(f, &r)
}

func readReorgDate(f *importer.CSV, r *reorgRow) bool {
	d, ok := f.Date("date", false)
	if ok && (d <= civil.Min || d >= civil.Max) {
		f.Bad("date", "ngày nằm ngoài khoảng cho phép", "date is out of range")
		return false
	}
	r.date = d
	return ok
}

// checkKindFields checks what each kind needs.
func checkKindFields(f *importer.CSV, r *reorgRow) bool {
	if r.isEvent() {
		return true
	}
	if r.to == "" {
		r.to = r.from
	}
	switch {
	case r.to != r.from:
		f.Bad("to_code", "đổi tên/đổi trực thuộc giữ nguyên mã; đổi mã dùng merge hoặc split",
			"rename and reparent keep the code; a new code needs merge or split")
	case r.share != nil:
		f.Bad("share", "tỷ lệ chỉ dùng cho merge, split, partial", "a share is only for merge, split, partial")
	case r.kind == ReorgRename && r.name == "" && r.fullName == "" && r.typ == "" && r.nameEN == "":
		f.Bad("to_name", "đổi tên cần to_name, to_full_name hoặc to_type", "a rename needs to_name, to_full_name or to_type")
	case r.kind == ReorgReparent && r.parent == "":
		f.Bad("to_parent_code", "thiếu mã đơn vị cấp trên mới", "the new parent's code is missing")
	default:
		return true
	}
	return false
}

// readUnitCode reads a province, district or commune code (digits only), or a village
// as COMMUNE/VILLAGE: its commune's code on the day, a slash, its code in that commune.
func readUnitCode(f *importer.CSV, col string, required bool) (string, bool) {
	v := f.Get(col)
	if v == "" && !required {
		return "", true
	}
	commune, village, isVillage := strings.Cut(v, "/")
	if commune == "" || len(commune) > 10 || strings.Trim(commune, "0123456789") != "" {
		f.Bad(col, fmt.Sprintf("mã %q không hợp lệ, cần 1–10 chữ số, hoặc MÃ_XÃ/MÃ_THÔN cho thôn, tổ dân phố", v),
			fmt.Sprintf("invalid code %q, want 1 to 10 digits, or COMMUNE/VILLAGE for a village", v))
		return "", false
	}
	if isVillage && (village == "" || utf8.RuneCountInString(village) > MaxVillageCode || strings.IndexFunc(village, badCodeRune) >= 0) {
		f.Bad(col, fmt.Sprintf("mã thôn trong %q phải có 1–%d ký tự, không có khoảng trắng", v, MaxVillageCode),
			fmt.Sprintf("the village code in %q must have 1 to %d characters and no spaces", v, MaxVillageCode))
		return "", false
	}
	return v, true
}

// FindCode is the unit a code names on d: a province, district or commune by its
// code, or a village by COMMUNE/VILLAGE (as reorganisation files and commands write
// them).
func (a *Atlas) FindCode(code string, d civil.Date) (*Unit, error) {
	village, commune, ok := villagePart(code)
	if !ok {
		return a.Find(code, d)
	}
	c, err := a.Find(commune, d)
	if err != nil {
		return nil, err
	}
	return a.FindVillage(c.ID, village, d)
}

// Ref is the code FindCode takes for u on d: its own, or COMMUNE/VILLAGE for a
// village (its commune on d, or on its last day when it has ended by d).
func (a *Atlas) Ref(u *Unit, d civil.Date) string {
	if u.Level != Village {
		return u.Code
	}
	if !u.ValidOn(d) {
		d = max(min(d, u.LastDay()), u.ValidFrom)
	}
	if c := a.Unit(u.ParentOn(d)); c != nil {
		return VillageRef(c.Code, u.Code)
	}
	return u.Code
}

// VillageRef is how a village is named beside the other units: COMMUNE/VILLAGE.
func VillageRef(commune, village string) string { return commune + "/" + village }

// villagePart is the village's own code in COMMUNE/VILLAGE, and its commune's code.
func villagePart(code string) (village, commune string, ok bool) {
	commune, village, ok = strings.Cut(code, "/")
	return village, commune, ok
}

func readText(f *importer.CSV, col string) (string, bool) {
	v := f.Get(col)
	if utf8.RuneCountInString(v) > 200 || strings.IndexFunc(v, unicode.IsControl) >= 0 {
		f.Bad(col, "quá 200 ký tự hoặc có ký tự điều khiển", "over 200 characters or has control characters")
		return "", false
	}
	return v, true
}

// reorgRun carries the geography from one date to the next.
type reorgRun struct {
	*sheet
	state *Atlas // the geography with the earlier dates applied
	out   *Change
	// touched are the villages the current date creates or moves, with the row and
	// column that did it: their codes must stay unique in their commune.
	touched map[int64]reorgCell
}

type reorgCell struct {
	row int
	col string
}

func (run *reorgRun) touch(id int64, row int, col string) {
	if _, ok := run.touched[id]; !ok {
		run.touched[id] = reorgCell{row, col}
	}
}

func (run *reorgRun) day(d *reorgDay, last bool) {
	before := dayBefore(d.date)
	moved := map[int64]bool{} // units given a new parent by a reparent row of this date
	for _, r := range d.reparents {
		if u, err := run.state.FindCode(r.from, before); err == nil {
			moved[u.ID] = true
		}
	}
	run.touched = map[int64]reorgCell{}
	part := run.event(d.date, d.events, moved)
	next := run.state
	if !part.Empty() && (!last || len(d.renames)+len(d.reparents) > 0 || len(run.touched) > 0) {
		next = next.withChange(part) // the geography rebuilt costs tens of milliseconds
	}
	edits := &Change{}
	for _, r := range d.renames {
		run.rename(next, r, edits)
	}
	for _, r := range d.reparents {
		run.reparent(next, r, edits)
	}
	appendChange(run.out, part)
	appendChange(run.out, edits)
	if run.c.Count() > 0 || (last && len(run.touched) == 0) {
		return
	}
	if !edits.Empty() {
		next = next.withChange(edits)
	}
	run.villageClashes(next, d.date)
	run.state = next
}

// villageLabel is a village's full name on d, with the COMMUNE/VILLAGE it had the day
// before when it existed then.
func villageLabel(a *Atlas, v *Unit, d civil.Date) string {
	name := v.NameOn(d).FullName
	if prev := a.Unit(v.ParentOn(dayBefore(d))); prev != nil {
		name += " " + VillageRef(prev.Code, v.Code)
	}
	return name
}

// villageClashes reports the villages created or moved on d that share their code
// with another village of their commune on d: a village is found by its commune and
// code, so two villages of one commune merged together must be merged or renumbered
// by the same file.
func (run *reorgRun) villageClashes(a *Atlas, d civil.Date) {
	ids := make([]int64, 0, len(run.touched))
	for id := range run.touched {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		u := a.Unit(id)
		if u == nil || !u.ValidOn(d) {
			continue
		}
		p := u.ParentOn(d)
		for _, o := range a.villages[villageKey{p, u.Code}] {
			if _, both := run.touched[o.ID]; o.ID == id || !o.ValidOn(d) || o.ParentOn(d) != p || (both && o.ID < id) {
				continue
			}
			c, commune := run.touched[id], a.Unit(p)
			run.add(c.row, c.col, fmt.Sprintf("từ ngày %s xã %s có hai thôn/tổ mã %s (%s và %s); hợp nhất hoặc đổi mã một thôn trong cùng tệp",
				d.VN(), commune.Code, u.Code, villageLabel(a, u, d), villageLabel(a, o, d)),
				fmt.Sprintf("from %s commune %s has two villages with code %s (%s and %s); merge them or give one a new code in the same file",
					d, commune.Code, u.Code, villageLabel(a, u, d), villageLabel(a, o, d)))
		}
	}
}

// unitThrough is the unit with the row's from_code the day before its date, which
// must go on existing on the date.
func (run *reorgRun) unitThrough(s *Atlas, r reorgRow) *Unit {
	u, err := s.FindCode(r.from, dayBefore(r.date))
	if err != nil {
		run.addErr(r.row, "from_code", err)
		return nil
	}
	if !u.ValidOn(r.date) {
		run.add(r.row, "from_code", fmt.Sprintf("đơn vị %s kết thúc ngày %s, trước ngày này", r.from, u.ValidTo.VN()),
			fmt.Sprintf("unit %s ends on %s, before this date", r.from, u.ValidTo))
		return nil
	}
	return u
}

func (run *reorgRun) rename(s *Atlas, r reorgRow, ch *Change) {
	u := run.unitThrough(s, r)
	if u == nil {
		return
	}
	np, ok := run.renamed(u, r)
	if !ok {
		return
	}
	if cur := u.NameOn(r.date); cur.Name == np.Name && cur.FullName == np.FullName && cur.Type == np.Type && cur.NameEN == np.NameEN {
		return // already in force
	}
	i := periodOn(len(u.Names), func(i int) (civil.Date, civil.Date) { return u.Names[i].From, u.Names[i].To }, dayBefore(r.date))
	if i < 0 || !u.Names[i].To.IsOpen() {
		run.laterRecorded(r, "tên", "name")
		return
	}
	ch.EndNames = append(ch.EndNames, End{UnitID: u.ID, From: u.Names[i].From, To: dayBefore(r.date)})
	ch.NewNames = append(ch.NewNames, UnitName{UnitID: u.ID, NamePeriod: np})
}

// renamed is the unit's name from the row's date: empty fields keep the old value,
// and a new name or type without a full name gets one built from the type's word.
func (run *reorgRun) renamed(u *Unit, r reorgRow) (NamePeriod, bool) {
	old := u.NameOn(dayBefore(r.date))
	np := NamePeriod{From: r.date, To: civil.Max, Name: or(r.name, old.Name), Type: or(r.typ, old.Type), FullName: r.fullName, NameEN: r.nameEN}
	word, ok := UnitTypes[u.Level][np.Type]
	if r.typ != "" && !ok {
		run.badType(r.row, u.Level, r.typ)
		return np, false
	}
	if np.FullName == "" {
		np.FullName = old.FullName
		if np.Name != old.Name || np.Type != old.Type {
			if word == "" {
				run.add(r.row, "to_full_name", "thiếu tên đầy đủ mới", "the new full name is missing")
				return np, false
			}
			np.FullName = word + " " + np.Name
		}
	}
	if np.NameEN == "" && np.Name == old.Name {
		np.NameEN = old.NameEN
	}
	return np, true
}

func (run *reorgRun) badType(row int, l Level, typ string) {
	var list []string
	for t := range UnitTypes[l] {
		list = append(list, t)
	}
	sort.Strings(list)
	run.add(row, "to_type", fmt.Sprintf("loại %q không dùng cho cấp %s (dùng: %s)", typ, l, strings.Join(list, ", ")),
		fmt.Sprintf("type %q is not for a %s (use: %s)", typ, l, strings.Join(list, ", ")))
}

func (run *reorgRun) laterRecorded(r reorgRow, vi, en string) {
	run.add(r.row, "date", fmt.Sprintf("đã có %s khác ghi nhận sau ngày %s; nhập các thay đổi theo thứ tự ngày", vi, dayBefore(r.date).VN()),
		fmt.Sprintf("a later %s is already recorded after %s; import changes in date order", en, dayBefore(r.date)))
}

func (run *reorgRun) reparent(s *Atlas, r reorgRow, ch *Change) {
	u := run.unitThrough(s, r)
	if u == nil {
		return
	}
	before := dayBefore(r.date)
	i := periodOn(len(u.Parents), func(i int) (civil.Date, civil.Date) { return u.Parents[i].From, u.Parents[i].To }, before)
	if i < 0 || u.Parents[i].ParentID == 0 {
		run.add(r.row, "from_code", "đơn vị cấp tỉnh không có cấp trên", "a province has no parent")
		return
	}
	p := run.parentOn(s, r, s.Unit(u.Parents[i].ParentID).Level)
	if p == nil || u.ParentOn(r.date) == p.ID {
		return // bad, or already under that parent
	}
	if !u.Parents[i].To.IsOpen() {
		run.laterRecorded(r, "cấp trên", "parent")
		return
	}
	ch.EndParents = append(ch.EndParents, End{UnitID: u.ID, From: u.Parents[i].From, To: before})
	ch.NewParents = append(ch.NewParents, UnitParent{UnitID: u.ID, ParentPeriod: ParentPeriod{From: r.date, To: civil.Max, ParentID: p.ID}})
	if u.Level == Village {
		run.touch(u.ID, r.row, "to_parent_code")
	}
}

// parentOn resolves to_parent_code on the row's date; it must be of level want.
func (run *reorgRun) parentOn(s *Atlas, r reorgRow, want Level) *Unit {
	p, err := s.Find(r.parent, r.date)
	if err != nil {
		run.addErr(r.row, "to_parent_code", err)
		return nil
	}
	if p.Level != want {
		run.add(r.row, "to_parent_code", fmt.Sprintf("%s là cấp %s, cần cấp %s", r.parent, p.Level, want),
			fmt.Sprintf("%s is a %s, want a %s", r.parent, p.Level, want))
		return nil
	}
	return p
}

// periodOn is the index of the period holding d, or -1.
func periodOn(n int, period func(int) (civil.Date, civil.Date), d civil.Date) int {
	for i := range n {
		if from, to := period(i); d.Within(from, to) {
			return i
		}
	}
	return -1
}

func or(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// appendChange adds the parts of src to dst.
func appendChange(dst, src *Change) {
	dst.NewUnits = append(dst.NewUnits, src.NewUnits...)
	dst.EndUnits = append(dst.EndUnits, src.EndUnits...)
	dst.NewNames = append(dst.NewNames, src.NewNames...)
	dst.EndNames = append(dst.EndNames, src.EndNames...)
	dst.NewParents = append(dst.NewParents, src.NewParents...)
	dst.EndParents = append(dst.EndParents, src.EndParents...)
	dst.NewLinks = append(dst.NewLinks, src.NewLinks...)
	dst.ShareUpdate = append(dst.ShareUpdate, src.ShareUpdate...)
}

// withChange is the geography after ch, as a new Atlas; a is not changed (the units
// ch touches are copied).
func (a *Atlas) withChange(ch *Change) *Atlas {
	copies := map[int64]*Unit{}
	for _, u := range ch.NewUnits {
		copies[u.ID] = copyUnit(u)
	}
	editUnits(ch, func(id int64) *Unit {
		if c, ok := copies[id]; ok {
			return c
		}
		if u := a.units[id]; u != nil {
			copies[id] = copyUnit(u)
		}
		return copies[id]
	})
	units := make([]*Unit, 0, len(a.units)+len(ch.NewUnits))
	for id, u := range a.units {
		if c, ok := copies[id]; ok {
			u = c
		}
		units = append(units, u)
	}
	for _, u := range ch.NewUnits {
		units = append(units, copies[u.ID])
	}
	sort.Slice(units, func(i, j int) bool { return units[i].ID < units[j].ID })
	return NewAtlas(units, append(a.linksWith(ch.ShareUpdate), ch.NewLinks...))
}

// linksWith is every link of the atlas, re-shared by updates.
func (a *Atlas) linksWith(updates []Link) []Link {
	shares := map[[2]int64]Link{}
	for _, l := range updates {
		shares[[2]int64{l.FromID, l.ToID}] = l
	}
	from := make([]int64, 0, len(a.succ))
	for id := range a.succ {
		from = append(from, id)
	}
	slices.Sort(from)
	var out []Link
	for _, id := range from {
		for _, l := range a.succ[id] {
			if u, ok := shares[[2]int64{l.FromID, l.ToID}]; ok {
				l.SharePPM, l.ShareSetBy = u.SharePPM, u.ShareSetBy
			}
			out = append(out, l)
		}
	}
	return out
}

func copyUnit(u *Unit) *Unit {
	c := *u
	c.Names = slices.Clone(u.Names)
	c.Parents = slices.Clone(u.Parents)
	return &c
}

// editUnits applies the ends and new periods of ch to the units get returns (nil:
// leave alone).
func editUnits(ch *Change, get func(int64) *Unit) {
	touched := map[*Unit]bool{}
	for _, e := range ch.EndUnits {
		if u := get(e.UnitID); u != nil {
			u.ValidTo = e.To
		}
	}
	for _, e := range ch.EndNames {
		if u := get(e.UnitID); u != nil {
			for i := range u.Names {
				if u.Names[i].From == e.From {
					u.Names[i].To = e.To
				}
			}
		}
	}
	for _, n := range ch.NewNames {
		if u := get(n.UnitID); u != nil {
			u.Names = append(u.Names, n.NamePeriod)
			touched[u] = true
		}
	}
	for _, e := range ch.EndParents {
		if u := get(e.UnitID); u != nil {
			for i := range u.Parents {
				if u.Parents[i].From == e.From {
					u.Parents[i].To = e.To
				}
			}
		}
	}
	for _, p := range ch.NewParents {
		if u := get(p.UnitID); u != nil {
			u.Parents = append(u.Parents, p.ParentPeriod)
			touched[u] = true
		}
	}
	for u := range touched {
		slices.SortStableFunc(u.Names, func(x, y NamePeriod) int { return int(x.From) - int(y.From) })
		slices.SortStableFunc(u.Parents, func(x, y ParentPeriod) int { return int(x.From) - int(y.From) })
	}
}

// foldIntoNewUnits writes the later edits of units created by the same change into
// those units, so that every end and period in ch refers to a unit already stored.
func foldIntoNewUnits(ch *Change) {
	fresh := map[int64]*Unit{}
	for _, u := range ch.NewUnits {
		fresh[u.ID] = u
	}
	if len(fresh) == 0 {
		return
	}
	onNew := func(id int64) bool { return fresh[id] != nil }
	sub := &Change{}
	ch.EndUnits, sub.EndUnits = splitBy(ch.EndUnits, func(e End) bool { return onNew(e.UnitID) })
	ch.EndNames, sub.EndNames = splitBy(ch.EndNames, func(e End) bool { return onNew(e.UnitID) })
	ch.EndParents, sub.EndParents = splitBy(ch.EndParents, func(e End) bool { return onNew(e.UnitID) })
	ch.NewNames, sub.NewNames = splitBy(ch.NewNames, func(n UnitName) bool { return onNew(n.UnitID) })
	ch.NewParents, sub.NewParents = splitBy(ch.NewParents, func(p UnitParent) bool { return onNew(p.UnitID) })
	editUnits(sub, func(id int64) *Unit { return fresh[id] })
}

// splitBy returns the items for which in is false, then those for which it is true.
func splitBy[T any](items []T, in func(T) bool) (out, matched []T) {
	for _, it := range items {
		if in(it) {
			matched = append(matched, it)
		} else {
			out = append(out, it)
		}
	}
	return out, matched
}

// reorgEvent is the merge, split and partial rows of one date.
type reorgEvent struct {
	run          *reorgRun
	s            *Atlas
	date, before civil.Date
	sources      map[string]*Unit // by from_code; nil when it did not resolve
	srcOrder     []string
	rowsOf       map[string][]reorgRow // by from_code
	ended        map[int64]bool        // the sources' IDs
	targets      map[string]*reorgTarget
	tgtOrder     []string
	ppm          map[[2]string]int64 // (from_code, to_code) → share
}

// reorgTarget is a to_code of an event: a unit that begins on the date.
type reorgTarget struct {
	code    string
	first   reorgRow       // the first row naming it
	spec    reorgRow       // name, type and parent given once for it
	specRow map[string]int // column → the row that gave it
	level   Level
	unit    *Unit
}

var levelRank = map[Level]int{Province: 0, District: 1, Commune: 2, Village: 3}

func (run *reorgRun) event(date civil.Date, rows []reorgRow, moved map[int64]bool) *Change {
	if len(rows) == 0 {
		return &Change{}
	}
	ev := &reorgEvent{run: run, s: run.state, date: date, before: dayBefore(date),
		sources: map[string]*Unit{}, rowsOf: map[string][]reorgRow{}, ended: map[int64]bool{},
		targets: map[string]*reorgTarget{}, ppm: map[[2]string]int64{}}
	start := run.c.Count()
	ev.resolveSources(rows)
	ev.collectTargets(rows)
	ev.computeShares()
	if run.c.Count() > start {
		return &Change{}
	}
	if ev.allEnded() {
		ev.checkApplied()
		return &Change{} // in force already, or a problem
	}
	if !ev.sourcesOpen() || !ev.codesFree() {
		return &Change{}
	}
	ch := &Change{}
	ev.createTargets(ch)
	if run.c.Count() > start {
		return &Change{}
	}
	ev.link(ch)
	ev.endSources(ch)
	ev.moveChildren(ch, moved)
	if run.c.Count() > start {
		return &Change{}
	}
	return ch
}

func (ev *reorgEvent) resolveSources(rows []reorgRow) {
	for _, r := range rows {
		if _, done := ev.sources[r.from]; !done {
			u, err := ev.s.FindCode(r.from, ev.before)
			if err != nil {
				ev.run.addErr(r.row, "from_code", err)
			} else {
				ev.ended[u.ID] = true
			}
			ev.sources[r.from] = u
			ev.srcOrder = append(ev.srcOrder, r.from)
		}
		ev.rowsOf[r.from] = append(ev.rowsOf[r.from], r)
	}
}

func (ev *reorgEvent) collectTargets(rows []reorgRow) {
	for _, r := range rows {
		t := ev.targets[r.to]
		if t == nil {
			t = &reorgTarget{code: r.to, first: r, specRow: map[string]int{}}
			ev.targets[r.to] = t
			ev.tgtOrder = append(ev.tgtOrder, r.to)
		}
		ev.mergeSpec(t, r)
		src := ev.sources[r.from]
		if src == nil {
			continue
		}
		switch {
		case t.level == "":
			t.level = src.Level
		case t.level != src.Level:
			ev.run.add(r.row, "from_code", fmt.Sprintf("các đơn vị nguồn của %s khác cấp nhau", r.to), fmt.Sprintf("the sources of %s are of different levels", r.to))
		}
		ev.checkTargetCode(r, src)
	}
	for _, code := range ev.tgtOrder {
		ev.checkSpec(ev.targets[code])
	}
}

// checkTargetCode checks that a new code fits its source: a village becomes a village
// (COMMUNE/VILLAGE), any other unit a code of as many digits as its own.
func (ev *reorgEvent) checkTargetCode(r reorgRow, src *Unit) {
	_, _, toVillage := villagePart(r.to)
	switch {
	case src.Level == Village && !toVillage:
		ev.run.add(r.row, "to_code", fmt.Sprintf("%s là thôn/tổ dân phố: mã mới cần dạng MÃ_XÃ/MÃ_THÔN", r.from),
			fmt.Sprintf("%s is a village: the new code must be COMMUNE/VILLAGE", r.from))
	case src.Level != Village && toVillage:
		ev.run.add(r.row, "to_code", fmt.Sprintf("%s không phải thôn/tổ dân phố: mã mới không có dấu /", r.from),
			fmt.Sprintf("%s is not a village: the new code has no slash", r.from))
	case src.Level != Village && len(r.to) != len(src.Code):
		ev.run.add(r.row, "to_code", fmt.Sprintf("mã mới %s phải có %d chữ số như mã %s", r.to, len(src.Code), src.Code),
			fmt.Sprintf("new code %s must have %d digits, as %s has", r.to, len(src.Code), src.Code))
	}
}

// mergeSpec takes the target's name, type and parent from the rows that give them;
// two rows may not give different values.
func (ev *reorgEvent) mergeSpec(t *reorgTarget, r reorgRow) {
	for _, f := range []struct {
		col      string
		dst, val *string
	}{{"to_name", &t.spec.name, &r.name}, {"to_full_name", &t.spec.fullName, &r.fullName}, {"to_type", &t.spec.typ, &r.typ},
		{"to_name_en", &t.spec.nameEN, &r.nameEN}, {"to_parent_code", &t.spec.parent, &r.parent}} {
		switch {
		case *f.val == "":
		case *f.dst == "":
			*f.dst, t.specRow[f.col] = *f.val, r.row
		case *f.dst != *f.val:
			ev.run.add(r.row, f.col, fmt.Sprintf("khác giá trị %q của dòng %d cho mã %s", *f.dst, t.specRow[f.col], t.code),
				fmt.Sprintf("differs from %q given in row %d for code %s", *f.dst, t.specRow[f.col], t.code))
		}
	}
}

// checkSpec checks that a new unit has a name and a type of its level.
func (ev *reorgEvent) checkSpec(t *reorgTarget) {
	if t.spec.name == "" {
		ev.run.add(t.first.row, "to_name", fmt.Sprintf("thiếu tên cho đơn vị mới %s", t.code), fmt.Sprintf("the new unit %s needs a name", t.code))
	}
	if t.spec.typ == "" {
		ev.run.add(t.first.row, "to_type", fmt.Sprintf("thiếu loại cho đơn vị mới %s", t.code), fmt.Sprintf("the new unit %s needs a type", t.code))
		return
	}
	if t.level == "" {
		return // its sources did not resolve
	}
	word, ok := UnitTypes[t.level][t.spec.typ]
	if !ok {
		ev.run.badType(or0(t.specRow["to_type"], t.first.row), t.level, t.spec.typ)
	}
	if t.spec.fullName == "" && t.spec.name != "" {
		t.spec.fullName = word + " " + t.spec.name
	}
}

func or0(v, def int) int {
	if v != 0 {
		return v
	}
	return def
}

// computeShares fills empty shares with equal parts of what each source has left (the
// documented default) and converts them to parts per million.
func (ev *reorgEvent) computeShares() {
	one := big.NewRat(1, 1)
	for _, code := range ev.srcOrder {
		rows := ev.rowsOf[code]
		left, empty := new(big.Rat).Set(one), 0
		for _, r := range rows {
			if r.share == nil {
				empty++
			} else {
				left.Sub(left, r.share)
			}
		}
		if empty > 0 && left.Sign() <= 0 {
			ev.run.add(rows[0].row, "share", fmt.Sprintf("các tỷ lệ đã cho của %s đã đủ 1, không còn phần cho dòng để trống", code),
				fmt.Sprintf("the shares given for %s already make 1, leaving nothing for the rows without a share", code))
			continue
		}
		shares := make([]*big.Rat, len(rows))
		for i, r := range rows {
			shares[i] = r.share
			if r.share == nil {
				shares[i] = new(big.Rat).Quo(left, big.NewRat(int64(empty), 1))
			}
		}
		ppm, ok := ev.run.wholeShares(rows[0].row, code, shares)
		for i, r := range rows {
			if ok {
				ev.ppm[[2]string{r.from, r.to}] = ppm[i]
			}
		}
	}
}

// allEnded reports whether every source already ends the day before: the event is
// recorded (or conflicts with what is).
func (ev *reorgEvent) allEnded() bool {
	for _, u := range ev.sources {
		if u.ValidTo != ev.before {
			return false
		}
	}
	return true
}

func (ev *reorgEvent) checkApplied() {
	if ev.applied() {
		return
	}
	r := ev.rowsOf[ev.srcOrder[0]][0]
	ev.run.add(r.row, "from_code", fmt.Sprintf("các đơn vị nguồn đã kết thúc ngày %s theo một sự kiện khác với tệp này", ev.before.VN()),
		fmt.Sprintf("the sources already end on %s by an event other than this file's", ev.before))
}

// applied reports whether the geography already holds this event: the same new units
// from the date and the same links (with these shares, unless someone re-set them).
func (ev *reorgEvent) applied() bool {
	for code, t := range ev.targets {
		u, err := ev.s.FindCode(code, ev.date)
		if err != nil || u.ValidFrom != ev.date || u.Level != t.level || len(ev.s.Predecessors(u.ID)) != len(ev.sourcesOf(code)) {
			return false
		}
		t.unit = u
	}
	for _, code := range ev.srcOrder {
		succ := ev.s.Successors(ev.sources[code].ID)
		if len(succ) != len(ev.rowsOf[code]) {
			return false
		}
		for _, r := range ev.rowsOf[code] {
			to, ppm := ev.targets[r.to].unit.ID, ev.ppm[[2]string{r.from, r.to}]
			if !slices.ContainsFunc(succ, func(l Link) bool { return l.ToID == to && (l.ShareSetBy != "" || l.SharePPM == ppm) }) {
				return false
			}
		}
	}
	return true
}

// sourcesOpen checks that no source has an end recorded already.
func (ev *reorgEvent) sourcesOpen() bool {
	ok := true
	for _, code := range ev.srcOrder {
		if u := ev.sources[code]; !u.ValidTo.IsOpen() {
			ev.run.add(ev.rowsOf[code][0].row, "from_code", fmt.Sprintf("đơn vị %s đã có ngày kết thúc %s", code, u.ValidTo.VN()),
				fmt.Sprintf("unit %s already ends on %s", code, u.ValidTo))
			ok = false
		}
	}
	return ok
}

// codesFree checks that no unit other than the sources holds a new code on or after
// the date: codes are reused only from units that end.
func (ev *reorgEvent) codesFree() bool {
	ok := true
	for _, code := range ev.tgtOrder {
		for _, v := range ev.s.Versions(code) { // villages: checked once the day is applied (villageClashes)
			if v.ValidTo >= ev.date && !ev.ended[v.ID] {
				ev.run.add(ev.targets[code].first.row, "to_code", fmt.Sprintf("mã %s đang dùng cho %s từ %s; chỉ dùng lại mã của đơn vị kết thúc trong đợt này", code, v.NameOn(ev.date).FullName, v.ValidFrom.VN()),
					fmt.Sprintf("code %s is held by %s from %s; only a code of a unit ended by this event can be reused", code, v.NameOn(ev.date).FullName, v.ValidFrom))
				ok = false
			}
		}
	}
	return ok
}

// createTargets makes the new units, upper levels first so that a new commune can be
// placed under a new province of the same event.
func (ev *reorgEvent) createTargets(ch *Change) {
	order := slices.Clone(ev.tgtOrder)
	sort.SliceStable(order, func(i, j int) bool {
		return levelRank[ev.targets[order[i]].level] < levelRank[ev.targets[order[j]].level]
	})
	next := ev.s.MaxID()
	for _, code := range order {
		t := ev.targets[code]
		pid, ok := ev.targetParent(t)
		if !ok {
			continue
		}
		next++
		own := code
		if v, _, ok := villagePart(code); ok {
			own = v
			ev.run.touch(next, t.first.row, "to_code")
		}
		t.unit = &Unit{ID: next, Code: own, Level: t.level, ValidFrom: ev.date, ValidTo: civil.Max,
			Names: []NamePeriod{{From: ev.date, To: civil.Max, Name: t.spec.name, FullName: t.spec.fullName, Type: t.spec.typ, NameEN: t.spec.nameEN}}}
		if pid != 0 {
			t.unit.Parents = []ParentPeriod{{From: ev.date, To: civil.Max, ParentID: pid}}
		}
		ch.NewUnits = append(ch.NewUnits, t.unit)
	}
}

// sourcesOf are the from_codes of a target, in file order.
func (ev *reorgEvent) sourcesOf(to string) []string {
	var out []string
	for _, code := range ev.srcOrder {
		if slices.ContainsFunc(ev.rowsOf[code], func(r reorgRow) bool { return r.to == to }) {
			out = append(out, code)
		}
	}
	return out
}

// targetsOf are the to_codes of a source, in file order.
func (ev *reorgEvent) targetsOf(from string) []string {
	var out []string
	for _, r := range ev.rowsOf[from] {
		out = append(out, r.to)
	}
	return out
}

// targetParent is to_parent_code on the date, or else the parent of the target's
// first source if it goes on (or passes wholly to one new unit of this event).
func (ev *reorgEvent) targetParent(t *reorgTarget) (int64, bool) {
	row := or0(t.specRow["to_parent_code"], t.first.row)
	if _, commune, ok := villagePart(t.code); ok {
		// A new village's commune is the one its code names, on the date.
		if t.spec.parent != "" && t.spec.parent != commune {
			ev.run.add(row, "to_parent_code", fmt.Sprintf("thôn mới %s thuộc xã %s theo mã của nó, không phải %s", t.code, commune, t.spec.parent),
				fmt.Sprintf("the new village %s is in commune %s by its code, not %s", t.code, commune, t.spec.parent))
			return 0, false
		}
		t.spec.parent = commune
		return ev.namedParent(t, row, Commune)
	}
	first := ev.sources[ev.sourcesOf(t.code)[0]]
	pid := first.ParentOn(ev.before)
	if pid == 0 {
		if t.spec.parent != "" {
			ev.run.add(row, "to_parent_code", "đơn vị cấp tỉnh không có cấp trên", "a province has no parent")
			return 0, false
		}
		return 0, true
	}
	old := ev.s.Unit(pid)
	if t.spec.parent != "" {
		return ev.namedParent(t, row, old.Level)
	}
	if ev.ended[old.ID] {
		if ts := ev.targetsOf(old.Code); len(ts) == 1 && ev.targets[ts[0]].unit != nil {
			return ev.targets[ts[0]].unit.ID, true
		}
	} else if old.ValidOn(ev.date) {
		return old.ID, true
	}
	ev.run.add(row, "to_parent_code", fmt.Sprintf("cần mã cấp trên cho %s: cấp trên cũ %s không còn từ ngày %s", t.code, old.Code, ev.date.VN()),
		fmt.Sprintf("%s needs to_parent_code: its old parent %s does not go on from %s", t.code, old.Code, ev.date))
	return 0, false
}

func (ev *reorgEvent) namedParent(t *reorgTarget, row int, want Level) (int64, bool) {
	if nt := ev.targets[t.spec.parent]; nt != nil && nt.level == want {
		if nt.unit == nil {
			return 0, false // nt has a problem already
		}
		return nt.unit.ID, true
	}
	p := ev.run.parentOn(ev.s, reorgRow{row: row, date: ev.date, parent: t.spec.parent}, want)
	if p == nil {
		return 0, false
	}
	if ev.ended[p.ID] {
		ev.run.add(row, "to_parent_code", fmt.Sprintf("%s kết thúc ngày %s trong chính đợt này", p.Code, ev.before.VN()),
			fmt.Sprintf("%s ends on %s in this very event", p.Code, ev.before))
		return 0, false
	}
	return p.ID, true
}

func (ev *reorgEvent) link(ch *Change) {
	for _, code := range ev.srcOrder {
		for _, r := range ev.rowsOf[code] {
			ch.NewLinks = append(ch.NewLinks, Link{FromID: ev.sources[code].ID, ToID: ev.targets[r.to].unit.ID,
				SharePPM: ev.ppm[[2]string{r.from, r.to}], Date: ev.date, Kind: r.kind, Source: r.source})
		}
	}
}

// endSources closes each source, and its name and parent in force, the day before.
func (ev *reorgEvent) endSources(ch *Change) {
	for _, code := range ev.srcOrder {
		u := ev.sources[code]
		ch.EndUnits = append(ch.EndUnits, End{UnitID: u.ID, From: u.ValidFrom, To: ev.before})
		if i := periodOn(len(u.Names), func(i int) (civil.Date, civil.Date) { return u.Names[i].From, u.Names[i].To }, ev.before); i >= 0 && u.Names[i].To > ev.before {
			ch.EndNames = append(ch.EndNames, End{UnitID: u.ID, From: u.Names[i].From, To: ev.before})
		}
		if i := periodOn(len(u.Parents), func(i int) (civil.Date, civil.Date) { return u.Parents[i].From, u.Parents[i].To }, ev.before); i >= 0 && u.Parents[i].To > ev.before {
			ch.EndParents = append(ch.EndParents, End{UnitID: u.ID, From: u.Parents[i].From, To: ev.before})
		}
	}
}

// moveChildren puts the units under an ended source under its one successor. Under a
// source split over several units they cannot follow it, unless they are sources too
// or a reparent row of the date moves them.
func (ev *reorgEvent) moveChildren(ch *Change, moved map[int64]bool) {
	for _, code := range ev.srcOrder {
		src, ts := ev.sources[code], ev.targetsOf(code)
		var stuck []string
		for _, k := range ev.s.Children(src.ID, ev.before) {
			if !k.ValidOn(ev.date) || ev.ended[k.ID] || moved[k.ID] {
				continue
			}
			i := periodOn(len(k.Parents), func(i int) (civil.Date, civil.Date) { return k.Parents[i].From, k.Parents[i].To }, ev.before)
			if len(ts) != 1 || !k.Parents[i].To.IsOpen() {
				stuck = append(stuck, ev.s.Ref(k, ev.before)+" "+k.NameOn(ev.before).FullName)
				continue
			}
			ch.EndParents = append(ch.EndParents, End{UnitID: k.ID, From: k.Parents[i].From, To: ev.before})
			ch.NewParents = append(ch.NewParents, UnitParent{UnitID: k.ID, ParentPeriod: ParentPeriod{From: ev.date, To: civil.Max, ParentID: ev.targets[ts[0]].unit.ID}})
			if k.Level == Village {
				ev.run.touch(k.ID, ev.rowsOf[code][0].row, "from_code")
			}
		}
		if len(stuck) > 0 {
			list := strings.Join(stuck[:min(len(stuck), 5)], "; ")
			ev.run.add(ev.rowsOf[code][0].row, "from_code",
				fmt.Sprintf("%s chia cho %d đơn vị nhưng còn %d đơn vị trực thuộc chưa biết chuyển về đâu (%s); thêm dòng reparent cùng ngày", code, len(ts), len(stuck), list),
				fmt.Sprintf("%s is split over %d units but %d units under it have nowhere to go (%s); add reparent rows of the same date", code, len(ts), len(stuck), list))
		}
	}
}
