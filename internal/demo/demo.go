// Package demo loads the demonstration data that `phusong serve --demo` and
// `phusong demo` put into an empty database: accounts for each kind of user, and
// (as later capabilities land) registry, targets and employers. The official units
// and policy tables are not demo data: every database has them.
package demo

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
)

// Account is a demo user with the password generated for it.
type Account struct {
	Username string
	Password string
	Role     auth.Role
	Unit     string
	Note     string
}

// accounts cover the roles of PRODUCT.md §2 around one real place: Lâm Đồng
// province and its ward Xuân Hương - Đà Lạt (formed from Phường 1, 2, 3, 4, 10 of Đà Lạt).
var accounts = []Account{
	{Username: "admin", Role: auth.Admin, Note: "quản trị toàn quốc / national admin"},
	{Username: "lamdong", Role: auth.CommitteeMember, Unit: "68", Note: "Ban Chỉ đạo tỉnh Lâm Đồng / Lâm Đồng steering committee"},
	{Username: "bhxh.lamdong", Role: auth.BHXHOfficer, Unit: "68", Note: "cán bộ BHXH tỉnh Lâm Đồng / Lâm Đồng BHXH officer"},
	{Username: "xuanhuong", Role: auth.CommuneOfficer, Unit: "24781", Note: "cán bộ phường Xuân Hương - Đà Lạt / ward officer"},
	{Username: "thuho.xuanhuong", Role: auth.Collector, Unit: "24781", Note: "nhân viên thu / collector"},
}

// Load fills an empty database with demo data and returns the accounts with their
// passwords. A database that already has users is left alone (loaded = false).
func Load(ctx context.Context, a *app.App, opt Options) (accs []Account, loaded bool, err error) {
	users, err := a.Store.Users(ctx)
	if err != nil {
		return nil, false, err
	}
	if len(users) > 0 {
		return nil, false, nil
	}
	for _, acc := range accounts {
		pw, err := a.AddUser(ctx, app.System, acc.Username, acc.Note, "")
		if err != nil {
			return nil, false, err
		}
		if err := a.Grant(ctx, app.System, acc.Username, acc.Role, acc.Unit, civil.Today()); err != nil {
			return nil, false, err
		}
		acc.Password = pw
		accs = append(accs, acc)
	}
	if err := loadProvince(ctx, a, opt); err != nil {
		return nil, false, err
	}
	if _, err := a.ImportPolicy(ctx, app.System, "topups", "demo-topups.csv", strings.NewReader(topUpsCSV), false); err != nil {
		return nil, false, fmt.Errorf("demo top-ups: %w", err)
	}
	return accs, true, nil
}

// topUpsCSV is a demonstration of a province's own support. It is NOT a real
// resolution of the Lâm Đồng People's Council; the resolution text says so.
const topUpsCSV = `province_code,scheme,group,percent,valid_from,valid_to,resolution
68,voluntary_bhxh,near_poor,10,2026-01-01,,DEMO – không phải nghị quyết thật / not a real resolution
68,household_bhyt,all,20,2026-01-01,,DEMO – không phải nghị quyết thật / not a real resolution
`

// Print writes the demo accounts for the person who started the demo.
func Print(w io.Writer, accs []Account) {
	fmt.Fprintln(w, "Tài khoản demo / demo accounts:")
	for _, acc := range accs {
		unit := acc.Unit
		if unit == "" {
			unit = "toàn quốc / national"
		}
		fmt.Fprintf(w, "  %-16s mật khẩu / password: %s   (%s @ %s — %s)\n", acc.Username, acc.Password, acc.Role, unit, acc.Note)
	}
}
