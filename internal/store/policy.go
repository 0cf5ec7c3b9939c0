package store

import (
	"context"
	"database/sql"
	"strings"

	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/policy"
)

const policyVersionKey = "policy_version"

// seedPolicy loads the bundled policy tables into a new database.
func (s *Store) seedPolicy(ctx context.Context) error {
	return s.ReplacePolicy(ctx, policy.DefaultRules(), nil)
}

// PolicyVersion changes whenever the policy tables do.
func (s *Store) PolicyVersion(ctx context.Context) (string, error) {
	return s.Meta(ctx, policyVersionKey)
}

// ReplacePolicy writes the whole set of rules (and, when topUps is not nil, of
// top-ups) in one transaction. The caller has validated the set with policy.NewBook.
func (s *Store) ReplacePolicy(ctx context.Context, rules []policy.Rule, topUps []policy.TopUp) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM policy_rules"); err != nil {
			return err
		}
		rows := make([][]any, 0, len(rules))
		for _, r := range rules {
			rows = append(rows, []any{r.Parameter, r.Key, string(r.Value), r.ValidFrom, civil.Open(r.ValidTo), r.Source})
		}
		if err := s.insertMany(ctx, tx, "policy_rules", []string{"parameter", "key", "value", "valid_from", "valid_to", "source"}, rows); err != nil {
			return err
		}
		if topUps != nil {
			if err := s.replaceTopUps(ctx, tx, topUps); err != nil {
				return err
			}
		}
		return s.bumpVersion(ctx, tx, policyVersionKey)
	})
}

func (s *Store) replaceTopUps(ctx context.Context, tx *sql.Tx, list []policy.TopUp) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM policy_topups"); err != nil {
		return err
	}
	rows := make([][]any, 0, len(list))
	for _, t := range list {
		rows = append(rows, []any{t.Province, t.Scheme, t.Group, string(t.Percent), t.ValidFrom, civil.Open(t.ValidTo), t.Resolution, strings.Join(t.Communes, ";")})
	}
	return s.insertMany(ctx, tx, "policy_topups", []string{"province_code", "scheme", "grp", "percent", "valid_from", "valid_to", "resolution", "communes"}, rows)
}

func (s *Store) bumpVersion(ctx context.Context, tx *sql.Tx, key string) error {
	// One statement, so that two transactions bumping at once count twice: the second
	// waits for the first's row and adds one to what it wrote.
	_, err := tx.ExecContext(ctx, s.q(`INSERT INTO meta (key, value) VALUES (?, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT)`), key)
	return err
}

// Policy reads the rules and top-ups in force in the database.
func (s *Store) Policy(ctx context.Context) ([]policy.Rule, []policy.TopUp, error) {
	var rules []policy.Rule
	err := s.each(ctx, s.rd, "SELECT parameter, key, value, valid_from, valid_to, source FROM policy_rules ORDER BY parameter, key, valid_from", func(r *sql.Rows) error {
		var x policy.Rule
		var v string
		var to civil.NullDate
		if err := r.Scan(&x.Parameter, &x.Key, &v, &x.ValidFrom, &to, &x.Source); err != nil {
			return err
		}
		x.Value, x.ValidTo = policy.Decimal(v), to.Date
		rules = append(rules, x)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	var tops []policy.TopUp
	err = s.each(ctx, s.rd, "SELECT province_code, scheme, grp, percent, valid_from, valid_to, resolution, communes FROM policy_topups ORDER BY province_code, scheme, grp, valid_from", func(r *sql.Rows) error {
		var t policy.TopUp
		var p, communes string
		var to civil.NullDate
		if err := r.Scan(&t.Province, &t.Scheme, &t.Group, &p, &t.ValidFrom, &to, &t.Resolution, &communes); err != nil {
			return err
		}
		t.Percent, t.ValidTo = policy.Decimal(p), to.Date
		if communes != "" {
			t.Communes = strings.Split(communes, ";")
		}
		tops = append(tops, t)
		return nil
	})
	return rules, tops, err
}
