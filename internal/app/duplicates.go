package app

import (
	"context"

	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
	"github.com/phusong/phusong/internal/fault"
	"github.com/phusong/phusong/internal/registry"
)

// Duplicates lists the possible duplicate persons below a unit (M3): one BHXH code
// under two national IDs, two records that look like the same person (name, birth
// date, sex, commune) under different IDs, overlapping cards of one holder. It needs
// the right to read personal data of the unit, and is audited as an export.
func (a *App) Duplicates(ctx context.Context, sc *auth.Scope, code string, d civil.Date) ([]registry.Finding, error) {
	atlas, u, err := a.UnitAt(ctx, sc, code, d)
	if err != nil {
		return nil, err
	}
	if !sc.Can(auth.PersonalRead, u.ID) {
		return nil, fault.ErrForbidden
	}
	out := []registry.Finding{}
	det := registry.NewDetector(func(f registry.Finding) { out = append(out, f) })
	err = a.Store.EachRegistryPerson(ctx, u.ID, func(p registry.Person) error {
		src := p.CommuneCode // the file the record came from
		if c := atlas.Unit(p.CommuneID); c != nil {
			p.CommuneCode = c.Code
		}
		det.AddPerson(src, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = a.Store.EachRegistryCard(ctx, u.ID, func(c registry.Card) error {
		src := c.InitialFacility
		c.InitialFacility = ""
		det.AddCard(src, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	a.audit(ctx, sc, "export.personal", "duplicates "+code, "")
	return out, nil
}
