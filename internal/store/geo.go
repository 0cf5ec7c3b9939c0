package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/geo"
)

const geoVersionKey = "geo_version"

// seedReference loads the official geography and the policy tables into a database
// that lacks them.
func (s *Store) seedReference(ctx context.Context) error {
	seeds := []struct {
		key  string
		what string
		load func(context.Context) error
	}{
		{geoVersionKey, "reference geography", s.seedGeography},
		{policyVersionKey, "policy tables", s.seedPolicy},
	}
	for _, sd := range seeds {
		v, err := s.Meta(ctx, sd.key)
		if err != nil {
			return err
		}
		if v != "" {
			continue
		}
		if err := sd.load(ctx); err != nil {
			return fmt.Errorf("load %s: %w", sd.what, err)
		}
	}
	return nil
}

func (s *Store) seedGeography(ctx context.Context) error {
	ch, err := geo.Reference()
	if err != nil {
		return err
	}
	return s.ApplyGeoChange(ctx, ch)
}

// ApplyGeoChange writes a geography change in one transaction, rebuilds the subtree
// closure and bumps the geography version so every process reloads its atlas.
func (s *Store) ApplyGeoChange(ctx context.Context, ch *geo.Change) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkNewIDs(ctx, tx, ch); err != nil {
			return err
		}
		if err := s.insertUnits(ctx, tx, ch); err != nil {
			return err
		}
		if err := s.closePeriods(ctx, tx, ch); err != nil {
			return err
		}
		if err := s.updateShares(ctx, tx, ch.ShareUpdate); err != nil {
			return err
		}
		if err := s.rebuildClosure(ctx, tx); err != nil {
			return err
		}
		return s.bumpVersion(ctx, tx, geoVersionKey)
	})
}

func (s *Store) metaTx(ctx context.Context, q querier, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, s.q("SELECT value FROM meta WHERE key = ?"), key).Scan(&v)
	return v, err
}

// checkNewIDs refuses a change computed against an older geography than the stored one.
func (s *Store) checkNewIDs(ctx context.Context, tx *sql.Tx, ch *geo.Change) error {
	if len(ch.NewUnits) == 0 {
		return nil
	}
	var maxID sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT MAX(id) FROM units").Scan(&maxID); err != nil {
		return err
	}
	for _, u := range ch.NewUnits {
		if u.ID <= maxID.Int64 {
			return fault.New(fault.Conflict, "địa giới đã thay đổi trong lúc nhập; hãy nhập lại", "the geography changed meanwhile; import again")
		}
	}
	return nil
}

func (s *Store) insertUnits(ctx context.Context, tx *sql.Tx, ch *geo.Change) error {
	var units, names, parents, links [][]any
	for _, u := range ch.NewUnits {
		units = append(units, []any{u.ID, u.Code, string(u.Level), u.ValidFrom, civil.Open(u.ValidTo)})
		for _, n := range u.Names {
			names = append(names, nameRow(u.ID, n))
		}
		for _, p := range u.Parents {
			parents = append(parents, []any{u.ID, p.From, civil.Open(p.To), p.ParentID})
		}
	}
	for _, n := range ch.NewNames {
		names = append(names, nameRow(n.UnitID, n.NamePeriod))
	}
	for _, p := range ch.NewParents {
		parents = append(parents, []any{p.UnitID, p.From, civil.Open(p.To), p.ParentID})
	}
	for _, l := range ch.NewLinks {
		links = append(links, []any{l.FromID, l.ToID, l.SharePPM, l.Date, l.Kind, l.Source, l.ShareSetBy})
	}
	steps := []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"units", []string{"id", "code", "level", "valid_from", "valid_to"}, units},
		{"unit_names", []string{"unit_id", "valid_from", "valid_to", "name", "full_name", "unit_type", "name_en"}, names},
		{"unit_parents", []string{"unit_id", "valid_from", "valid_to", "parent_id"}, parents},
		{"unit_links", []string{"from_id", "to_id", "share_ppm", "event_date", "kind", "source", "share_set_by"}, links},
	}
	for _, st := range steps {
		if err := s.insertMany(ctx, tx, st.table, st.cols, st.rows); err != nil {
			return err
		}
	}
	return nil
}

func nameRow(id int64, n geo.NamePeriod) []any {
	return []any{id, n.From, civil.Open(n.To), n.Name, n.FullName, n.Type, n.NameEN}
}

func (s *Store) closePeriods(ctx context.Context, tx *sql.Tx, ch *geo.Change) error {
	for _, e := range ch.EndUnits {
		if _, err := tx.ExecContext(ctx, s.q("UPDATE units SET valid_to = ? WHERE id = ?"), e.To, e.UnitID); err != nil {
			return err
		}
	}
	for table, ends := range map[string][]geo.End{"unit_names": ch.EndNames, "unit_parents": ch.EndParents} {
		for _, e := range ends {
			if _, err := tx.ExecContext(ctx, s.q("UPDATE "+table+" SET valid_to = ? WHERE unit_id = ? AND valid_from = ?"), e.To, e.UnitID, e.From); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) updateShares(ctx context.Context, tx *sql.Tx, links []geo.Link) error {
	for _, l := range links {
		if _, err := tx.ExecContext(ctx, s.q("UPDATE unit_links SET share_ppm = ?, share_set_by = ? WHERE from_id = ? AND to_id = ?"),
			l.SharePPM, l.ShareSetBy, l.FromID, l.ToID); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) rebuildClosure(ctx context.Context, tx *sql.Tx) error {
	units, links, err := s.loadGeography(ctx, tx)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM unit_closure"); err != nil {
		return err
	}
	var rows [][]any
	geo.NewAtlas(units, links).Closure(func(a, d int64) { rows = append(rows, []any{a, d}) })
	return s.insertMany(ctx, tx, "unit_closure", []string{"ancestor_id", "descendant_id"}, rows)
}

// Atlas is the geography in memory, reloaded when another write changed it.
func (s *Store) Atlas(ctx context.Context) (*geo.Atlas, error) {
	ver, err := s.Meta(ctx, geoVersionKey)
	if err != nil {
		return nil, err
	}
	s.atlasMu.Lock()
	defer s.atlasMu.Unlock()
	if s.atlas != nil && s.atlasVer == ver {
		return s.atlas, nil
	}
	units, links, err := s.loadGeography(ctx, s.rd)
	if err != nil {
		return nil, err
	}
	s.atlas, s.atlasVer = geo.NewAtlas(units, links), ver
	return s.atlas, nil
}

func (s *Store) loadGeography(ctx context.Context, q querier) ([]*geo.Unit, []geo.Link, error) {
	byID := map[int64]*geo.Unit{}
	var units []*geo.Unit
	err := s.each(ctx, q, "SELECT id, code, level, valid_from, valid_to FROM units ORDER BY id", func(r *sql.Rows) error {
		u := &geo.Unit{}
		var lvl string
		var to civil.NullDate
		if err := r.Scan(&u.ID, &u.Code, &lvl, &u.ValidFrom, &to); err != nil {
			return err
		}
		u.Level, u.ValidTo = geo.Level(lvl), to.Date
		byID[u.ID] = u
		units = append(units, u)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = s.each(ctx, q, "SELECT unit_id, valid_from, valid_to, name, full_name, unit_type, name_en FROM unit_names ORDER BY unit_id, valid_from", func(r *sql.Rows) error {
		var id int64
		var n geo.NamePeriod
		var to civil.NullDate
		if err := r.Scan(&id, &n.From, &to, &n.Name, &n.FullName, &n.Type, &n.NameEN); err != nil {
			return err
		}
		n.To = to.Date
		byID[id].Names = append(byID[id].Names, n)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = s.each(ctx, q, "SELECT unit_id, valid_from, valid_to, parent_id FROM unit_parents ORDER BY unit_id, valid_from", func(r *sql.Rows) error {
		var id int64
		var p geo.ParentPeriod
		var to civil.NullDate
		if err := r.Scan(&id, &p.From, &to, &p.ParentID); err != nil {
			return err
		}
		p.To = to.Date
		byID[id].Parents = append(byID[id].Parents, p)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var links []geo.Link
	err = s.each(ctx, q, "SELECT from_id, to_id, share_ppm, event_date, kind, source, share_set_by FROM unit_links ORDER BY from_id, to_id", func(r *sql.Rows) error {
		var l geo.Link
		if err := r.Scan(&l.FromID, &l.ToID, &l.SharePPM, &l.Date, &l.Kind, &l.Source, &l.ShareSetBy); err != nil {
			return err
		}
		links = append(links, l)
		return nil
	})
	return units, links, err
}

// each runs a query and calls fn for every row.
func (s *Store) each(ctx context.Context, q querier, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
