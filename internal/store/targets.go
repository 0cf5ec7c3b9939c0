package store

import (
	"context"
	"database/sql"

	"github.com/phusong/phusong/internal/civil"
)

// TargetRow is a target as stored.
type TargetRow struct {
	UnitID    int64
	Indicator string
	Deadline  civil.Date
	Value     string
	Document  string
}

// Targets are the targets set for some units.
func (s *Store) Targets(ctx context.Context, unitIDs []int64) ([]TargetRow, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(unitIDs))
	for i, id := range unitIDs {
		args[i] = id
	}
	var out []TargetRow
	err := s.each(ctx, s.rd, "SELECT unit_id, indicator, deadline, value, document FROM targets WHERE unit_id IN ("+placeholders(len(unitIDs))+") ORDER BY unit_id, indicator, deadline", func(r *sql.Rows) error {
		var t TargetRow
		if err := r.Scan(&t.UnitID, &t.Indicator, &t.Deadline, &t.Value, &t.Document); err != nil {
			return err
		}
		out = append(out, t)
		return nil
	}, args...)
	return out, err
}

// SaveTargets writes targets (a split of a parent's target), replacing those with the
// same unit, indicator and deadline, in one transaction.
func (s *Store) SaveTargets(ctx context.Context, rows []TargetRow, setBy string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		vals := make([][]any, len(rows))
		for i, t := range rows {
			vals[i] = []any{t.UnitID, t.Indicator, t.Deadline, t.Value, t.Document, setBy}
		}
		return s.upsertMany(ctx, tx, "targets", []string{"unit_id", "indicator", "deadline", "value", "document", "set_by"}, "unit_id, indicator, deadline",
			"value = excluded.value, document = excluded.document, set_by = excluded.set_by", vals)
	})
}
