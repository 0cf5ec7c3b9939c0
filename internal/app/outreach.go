package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/geo"
	"github.com/phusong/phusong/internal/outreach"
	"github.com/phusong/phusong/internal/store"
)

// outreachPlace is a list's commune and, optionally, village on a date.
type outreachPlace struct {
	atlas   *geo.Atlas
	date    civil.Date
	commune *geo.Unit
	village *geo.Unit // nil: the whole commune
	// communes and villages are the other filings whose persons may live in the
	// place on its date (filings).
	communes, villages []int64
}

// target is the unit whose grants decide access: the village when one is named.
func (p outreachPlace) target() *geo.Unit {
	if p.village != nil {
		return p.village
	}
	return p.commune
}

func (p outreachPlace) area() store.OutreachArea {
	a := store.OutreachArea{CommuneID: p.commune.ID, Communes: p.communes, Villages: p.villages}
	if p.village != nil {
		a.VillageID = p.village.ID
	}
	return a
}

// filings finds the units other than the place whose persons may live in it on its
// date: for a village, the villages lineage carries onto it; for a commune, the
// communes lineage carries onto it, and the villages of the commune (or carried onto
// them) that were ever under another commune. placeRows keeps those who do.
func (p *outreachPlace) filings() {
	if p.village != nil {
		p.villages = unitIDs(carriedOnto(p.atlas, p.village, p.date))
		return
	}
	mine := map[int64]bool{p.commune.ID: true}
	for _, c := range carriedOnto(p.atlas, p.commune, p.date) {
		mine[c.ID] = true
		p.communes = append(p.communes, c.ID)
	}
	for _, w := range p.atlas.Children(p.commune.ID, p.date) {
		for _, v := range append([]*geo.Unit{w}, carriedOnto(p.atlas, w, p.date)...) {
			if slices.ContainsFunc(v.Parents, func(pp geo.ParentPeriod) bool { return !mine[pp.ParentID] }) {
				p.villages = append(p.villages, v.ID)
			}
		}
	}
}

func unitIDs(us []*geo.Unit) []int64 {
	out := make([]int64, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

// placeRows keeps the rows of persons who may live in the place on its date, each
// placed on that date's boundaries: its commune and village then, where the records
// placed it (filed under an earlier unit), and whether the residence is to confirm.
func (p outreachPlace) placeRows(rows []outreach.Row) []outreach.Row {
	seen := map[[2]int64]filedPlace{}
	out := rows[:0]
	for _, r := range rows {
		k := [2]int64{r.CommuneID, r.VillageID}
		fp, ok := seen[k]
		if !ok {
			fp = placeFiled(p.atlas, r.CommuneID, r.VillageID, p.date)
			seen[k] = fp
		}
		if !fp.in(p.commune, p.village) {
			continue
		}
		r.CommuneID, r.VillageID = p.commune.ID, 0
		if v := fp.village(); v != nil {
			r.VillageID = v.ID
		} else if p.village != nil {
			r.VillageID = p.village.ID
		}
		r.FiledUnder, r.ToConfirm = fp.filed, fp.confirm
		out = append(out, r)
	}
	return out
}

// findPlace resolves a commune code and an optional village code on a date. Lists
// are drawn per commune (PRODUCT.md M6); a province or district is refused.
func (a *App) findPlace(ctx context.Context, unitCode, villageCode string, d civil.Date) (outreachPlace, error) {
	atlas, err := a.Atlas(ctx)
	if err != nil {
		return outreachPlace{}, err
	}
	u, err := atlas.Find(strings.TrimSpace(unitCode), d)
	if err != nil {
		return outreachPlace{}, err
	}
	if u.Level != geo.Commune {
		return outreachPlace{}, fault.Newf(fault.Invalid, "danh sách vận động lập theo xã/phường; %s không phải xã/phường", "outreach lists are per commune; %s is not a commune", u.Code)
	}
	p := outreachPlace{atlas: atlas, date: d, commune: u}
	if villageCode = strings.TrimSpace(villageCode); villageCode != "" {
		if p.village, err = atlas.FindVillage(u.ID, villageCode, d); err != nil {
			return outreachPlace{}, err
		}
	}
	p.filings()
	if p.communes, p.villages, err = a.Store.Filed(ctx, p.communes, p.villages); err != nil {
		return outreachPlace{}, err
	}
	return p, nil
}

// grantsOf narrows a scope to the grants of some roles.
func grantsOf(sc *auth.Scope, atlas *geo.Atlas, roles ...auth.Role) *auth.Scope {
	var gs []auth.Grant
	for _, g := range sc.Grants {
		for _, r := range roles {
			if g.Role == r {
				gs = append(gs, g)
			}
		}
	}
	return auth.NewScope(sc.UserID, sc.Username, gs, atlas)
}

// isOfficer reports whether the caller is an admin, BHXH officer or commune officer
// of a unit: those who assign lists and may record any contact there.
func isOfficer(sc *auth.Scope, atlas *geo.Atlas, unitID int64) bool {
	return grantsOf(sc, atlas, auth.Admin, auth.BHXHOfficer, auth.CommuneOfficer).Can(auth.UnitsRead, unitID)
}

// Outreach computes a list (kind uncovered, expiring, lapsed or students) for a
// commune, or one of its villages, on a date; days is the expiring horizon (0: the
// default, or for a collector the longest horizon of their assignments).
//
// Access: auth.FiguresRead on the unit gives the whole list; auth.OutreachWork
// alone (a collector) gives only the rows inside the areas of the caller's own
// assignments of that kind — nothing before a list is assigned. Identifiers are
// masked unless the caller has auth.PersonalRead on the unit.
func (a *App) Outreach(ctx context.Context, sc *auth.Scope, kind, unitCode string, d civil.Date, days int, villageCode string) (*outreach.List, error) {
	k, err := outreach.ParseKind(kind)
	if err != nil {
		return nil, err
	}
	if days < 0 || days > 3660 {
		return nil, fault.New(fault.Invalid, "số ngày phải từ 0 đến 3660", "days must be between 0 and 3660")
	}
	p, err := a.findPlace(ctx, unitCode, villageCode, d)
	if err != nil {
		return nil, err
	}
	t := p.target()
	full := sc.Can(auth.FiguresRead, t.ID)
	if !full && !sc.Can(auth.OutreachWork, t.ID) {
		return nil, fault.ErrForbidden
	}
	var own []outreach.Assignment
	if !full {
		if own, err = a.ownAssignments(ctx, sc, k, p); err != nil {
			return nil, err
		}
	}
	l := newList(k, p, d, listDays(k, days, own))
	l.OwnQueue = !full
	if err := a.fillList(ctx, l, p, own, full); err != nil {
		return nil, err
	}
	if !sc.Can(auth.PersonalRead, t.ID) {
		l.Mask()
	}
	return l, nil
}

func newList(k outreach.Kind, p outreachPlace, d civil.Date, days int) *outreach.List {
	l := &outreach.List{Kind: k, Title: k.Title(), UnitCode: p.commune.Code, UnitName: p.commune.NameOn(d).FullName, Date: d}
	if p.village != nil {
		l.VillageCode, l.VillageName = p.village.Code, p.village.NameOn(d).FullName
	}
	if k == outreach.Expiring {
		l.Days = days
	}
	return l
}

// listDays is the expiring horizon: asked, else the collector's assignments', else the default.
func listDays(k outreach.Kind, days int, own []outreach.Assignment) int {
	if k != outreach.Expiring || days > 0 {
		return days
	}
	for _, as := range own {
		days = max(days, as.Days)
	}
	if days == 0 {
		days = outreach.DefaultDays
	}
	return days
}

// ownAssignments are the caller's assignments of a kind that lie in the place.
func (a *App) ownAssignments(ctx context.Context, sc *auth.Scope, k outreach.Kind, p outreachPlace) ([]outreach.Assignment, error) {
	all, err := a.Store.Assignments(ctx, sc.UserID, k)
	if err != nil {
		return nil, err
	}
	var out []outreach.Assignment
	for _, as := range all {
		if groundOf(p.atlas, as, p.date).in(p.atlas, p) {
			out = append(out, as)
		}
	}
	return out, nil
}

// fillList computes the rows, keeps a collector's own areas, applies the outcomes
// and names the units.
func (a *App) fillList(ctx context.Context, l *outreach.List, p outreachPlace, own []outreach.Assignment, full bool) error {
	if !full && len(own) == 0 {
		l.ApplyContacts(nil, nil)
		return nil
	}
	rows, err := a.outreachRows(ctx, store.OutreachQuery{Kind: l.Kind, Area: p.area(), Date: l.Date, Days: l.Days})
	if err != nil {
		return err
	}
	if !full {
		rows = inAssignments(p.atlas, rows, own, l.Date) // on the units the rows are filed under
	}
	rows = p.placeRows(rows)
	contacts, err := a.Store.LatestContacts(ctx, p.area(), l.Date)
	if err != nil {
		return err
	}
	l.ApplyContacts(rows, contacts)
	for i := range l.Rows {
		r := &l.Rows[i]
		r.CommuneCode = p.commune.Code
		if v := p.atlas.Unit(r.VillageID); v != nil && r.VillageID != 0 {
			r.VillageCode = v.Code
		}
	}
	outreach.Sort(l.Rows)
	return nil
}

// outreachRows computes a list's rows. On a store partitioned by province, with the
// coverage index current, the rows filed under the area's BHXH codes are looked up
// only in the provinces the index places them in (engine.codeProvinces): at 10M
// persons on PostgreSQL, looking a commune's 25,000 codes up in all 35 partitions of
// persons and cards was most of a list's time. The index says where the rows are for
// the registry version it was built on; a list computed while an import committed
// another is computed again without it.
func (a *App) outreachRows(ctx context.Context, q store.OutreachQuery) ([]outreach.Row, error) {
	provinces, ver, err := a.listProvinces(ctx, q.Area)
	if err != nil {
		return nil, err
	}
	if provinces == nil {
		return a.Store.OutreachRows(ctx, q)
	}
	narrowed := q
	narrowed.Area.Provinces = provinces
	rows, err := a.Store.OutreachRows(ctx, narrowed)
	if err != nil {
		return nil, err
	}
	now, err := a.Store.RegistryVersion(ctx)
	if err != nil {
		return nil, err
	}
	if now != ver {
		return a.Store.OutreachRows(ctx, q)
	}
	return rows, nil
}

// listProvinces are the provinces to look an area's BHXH codes up in, with the
// registry version they hold for; nil when the store is not partitioned or the
// coverage index is not current.
func (a *App) listProvinces(ctx context.Context, area store.OutreachArea) ([]string, string, error) {
	if !a.Store.Partitioned() {
		return nil, "", nil
	}
	ver, err := a.Store.RegistryVersion(ctx)
	if err != nil {
		return nil, "", err
	}
	e := a.currentEngine(ver)
	if e == nil {
		return nil, "", nil
	}
	codes, err := a.Store.AreaCodes(ctx, area)
	if err != nil {
		return nil, "", err
	}
	provinces, ok := e.codeProvinces(codes)
	if !ok {
		return nil, "", nil
	}
	return provinces, ver, nil
}

// inAssignments keeps the rows, as filed, that one of the assignments covers on d.
func inAssignments(atlas *geo.Atlas, rows []outreach.Row, own []outreach.Assignment, d civil.Date) []outreach.Row {
	grounds := make([]assignmentGround, len(own))
	for i, as := range own {
		grounds[i] = groundOf(atlas, as, d)
	}
	var out []outreach.Row
	for _, r := range rows {
		for _, g := range grounds {
			if g.covers(atlas, r.CommuneID, r.VillageID) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// ExportFormats are the formats a list is exported in.
var ExportFormats = []string{"csv", "json", "xlsx"}

// ExportOutreach writes a list computed by Outreach as CSV, JSON or XLSX and audits
// the export: export.personal when identifiers are shown, export.masked otherwise.
func (a *App) ExportOutreach(ctx context.Context, sc *auth.Scope, l *outreach.List, format string, w io.Writer) error {
	var err error
	switch format {
	case "csv":
		err = outreach.WriteCSV(w, l)
	case "xlsx":
		err = outreach.WriteXLSX(w, l)
	case "json":
		err = writeIndentedJSON(w, l)
	default:
		return fault.Newf(fault.Invalid, "định dạng phải là csv, json hoặc xlsx, không phải %q", "the format must be csv, json or xlsx, not %q", format)
	}
	if err != nil {
		return err
	}
	action := "export.personal"
	if l.Masked {
		action = "export.masked"
	}
	a.audit(ctx, sc, action, outreachObject(l), fmt.Sprintf("date=%s days=%d format=%s rows=%d", l.Date, l.Days, format, len(l.Rows)))
	return nil
}

func outreachObject(l *outreach.List) string {
	obj := "outreach/" + string(l.Kind) + "/" + l.UnitCode
	if l.VillageCode != "" {
		obj += "/" + l.VillageCode
	}
	return obj
}

// Assign hands a list (kind, commune or village, date, horizon) to a collector.
// The caller must be an admin, BHXH officer or commune officer of the unit, and the
// collector must hold a collector grant covering it.
func (a *App) Assign(ctx context.Context, sc *auth.Scope, kind, unitCode string, d civil.Date, days int, villageCode, collectorUsername string) (*outreach.Assignment, error) {
	k, err := outreach.ParseKind(kind)
	if err != nil {
		return nil, err
	}
	p, err := a.findPlace(ctx, unitCode, villageCode, d)
	if err != nil {
		return nil, err
	}
	if !isOfficer(sc, p.atlas, p.target().ID) {
		return nil, fault.ErrForbidden
	}
	u, err := a.Store.UserByName(ctx, strings.TrimSpace(collectorUsername))
	if err != nil {
		return nil, err
	}
	grants, err := a.Store.Grants(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if !grantsOf(&auth.Scope{Grants: grants}, p.atlas, auth.Collector).Can(auth.OutreachWork, p.target().ID) {
		return nil, fault.Newf(fault.Invalid, "%s không phải người thu được giao địa bàn này", "%s is not a collector granted this area", u.Username)
	}
	if k == outreach.Expiring && days == 0 {
		days = outreach.DefaultDays
	}
	as := &outreach.Assignment{Kind: k, UnitID: p.commune.ID, UnitCode: p.commune.Code, Date: d, Days: days,
		CollectorID: u.ID, Collector: u.Username, AssignedBy: sc.UserID}
	if p.village != nil {
		as.VillageID, as.VillageCode = p.village.ID, p.village.Code
	}
	if err := a.Store.AddAssignment(ctx, as); err != nil {
		return nil, err
	}
	a.audit(ctx, sc, "outreach.assign", fmt.Sprintf("outreach/%s/%s", k, p.commune.Code),
		fmt.Sprintf("id=%d village=%s date=%s days=%d collector=%s", as.ID, as.VillageCode, d, days, u.Username))
	return as, nil
}

// RecordContact records the outcome of contacting a person: by the collector of an
// assignment whose area holds the person (the contact is filed under the latest
// such assignment), or by an officer of the person's commune.
func (a *App) RecordContact(ctx context.Context, sc *auth.Scope, personKey, outcome, note string, d civil.Date) (*outreach.Contact, error) {
	o, err := outreach.ParseOutcome(strings.TrimSpace(outcome))
	if err != nil {
		return nil, err
	}
	personKey = strings.TrimSpace(personKey)
	if personKey == "" || strings.Contains(personKey, "*") {
		return nil, fault.New(fault.Invalid, "cần mã người (số định danh) không bị che", "need the person's unmasked key (national ID)")
	}
	if len(note) > 2000 {
		return nil, fault.New(fault.Invalid, "ghi chú quá dài (tối đa 2000 byte)", "the note is too long (at most 2000 bytes)")
	}
	place, err := a.Store.PersonPlace(ctx, personKey)
	if err != nil {
		return nil, err
	}
	c := &outreach.Contact{PersonKey: personKey, Outcome: o, Note: strings.TrimSpace(note), ContactedOn: d, RecordedBy: sc.UserID}
	if c.AssignmentID, err = a.contactRight(ctx, sc, place, d); err != nil {
		return nil, err
	}
	if err := a.Store.AddContact(ctx, c); err != nil {
		return nil, err
	}
	a.audit(ctx, sc, "outreach.contact", personKey, fmt.Sprintf("id=%d outcome=%s date=%s assignment=%d", c.ID, o, d, c.AssignmentID))
	return c, nil
}

// contactRight checks that the caller may record a contact on d with a person whose
// records place them in filed, and finds the assignment it belongs to (0 for an
// officer without one). The person is placed on d's boundaries first (placeFiled):
// a collector of a merged village reaches the persons filed under the villages
// merged into it; a person of a split unit may be reached from each side.
func (a *App) contactRight(ctx context.Context, sc *auth.Scope, filed store.OutreachArea, d civil.Date) (int64, error) {
	atlas, err := a.Atlas(ctx)
	if err != nil {
		return 0, err
	}
	var places []store.OutreachArea
	fp := placeFiled(atlas, filed.CommuneID, filed.VillageID, d)
	if v := fp.village(); v != nil && len(fp.communes) == 1 {
		places = append(places, store.OutreachArea{CommuneID: fp.communes[0].ID, VillageID: v.ID})
	} else {
		for _, c := range fp.communes {
			places = append(places, store.OutreachArea{CommuneID: c.ID})
		}
	}
	if len(places) == 0 {
		places = append(places, filed)
	}
	var own []outreach.Assignment // the caller's, read when a place needs them
	read := false
	for _, place := range places {
		unit := place.CommuneID
		if place.VillageID != 0 {
			unit = place.VillageID
		}
		var found int64
		if sc.Can(auth.OutreachWork, unit) && sc.UserID > 0 {
			if !read {
				if own, err = a.Store.Assignments(ctx, sc.UserID, ""); err != nil {
					return 0, err
				}
				read = true
			}
			for _, as := range own {
				if groundOf(atlas, as, d).covers(atlas, filed.CommuneID, filed.VillageID) {
					found = as.ID
				}
			}
		}
		if found != 0 || isOfficer(sc, atlas, unit) {
			return found, nil
		}
	}
	return 0, fault.ErrForbidden
}

func writeIndentedJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
