package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/auth"
	"github.com/phusong/phusong/internal/civil"
)

func init() {
	register("user", "accounts: user add, user grant, user list", runUser)
	register("token", "API tokens: token create USERNAME", runToken)
	register("audit", "the audit log of writes and personal-data exports", runAudit)
}

func runUser(e *env, args []string) error {
	if len(args) == 0 {
		return usagef("phusong user add|grant|list …")
	}
	switch args[0] {
	case "add":
		return userAdd(e, args[1:])
	case "grant":
		return userGrant(e, args[1:])
	case "list":
		return userList(e, args[1:])
	}
	return usagef("user: lệnh con không có / unknown subcommand %q", args[0])
}

func userAdd(e *env, args []string) error {
	f := newFlags(e, "user add", false, false)
	name := f.String("name", "", "display name")
	password := f.String("password", "", "password (at least 10 characters); empty generates one and prints it")
	return f.run(e, args, func(a *app.App, _ civil.Date, pos []string) error {
		username, err := oneArg(pos, "tên đăng nhập / USERNAME")
		if err != nil {
			return err
		}
		pw, err := a.AddUser(e.ctx, app.System, username, *name, *password)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "đã tạo / created %s\n", username)
		if *password == "" {
			fmt.Fprintf(e.stdout, "mật khẩu / password: %s\n", pw)
		}
		return nil
	})
}

func userGrant(e *env, args []string) error {
	f := newFlags(e, "user grant", false, true)
	role := f.String("role", "", "role: "+roleList())
	unit := f.String("unit", "", "code of the unit the grant covers (with its subtree); empty = national")
	return f.run(e, args, func(a *app.App, d civil.Date, pos []string) error {
		username, err := oneArg(pos, "tên đăng nhập / USERNAME")
		if err != nil {
			return err
		}
		if err := a.Grant(e.ctx, app.System, username, auth.Role(*role), *unit, d); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "đã cấp / granted %s %s %s\n", username, *role, *unit)
		return nil
	})
}

func roleList() string {
	var s []string
	for _, r := range auth.Roles() {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

func userList(e *env, args []string) error {
	f := newFlags(e, "user list", true, false)
	return f.run(e, args, func(a *app.App, _ civil.Date, _ []string) error { return listUsers(e, a, *f.format) })
}

func listUsers(e *env, a *app.App, format string) error {
	users, err := a.Store.Users(e.ctx)
	if err != nil {
		return err
	}
	t := table{header: []string{"username", "display_name", "grants"}}
	type row struct {
		Username    string       `json:"username"`
		DisplayName string       `json:"display_name"`
		Grants      []auth.Grant `json:"grants"`
	}
	var js []row
	for _, u := range users {
		gs, err := a.Store.Grants(e.ctx, u.ID)
		if err != nil {
			return err
		}
		var cells []string
		for _, g := range gs {
			cells = append(cells, string(g.Role)+"@"+orNational(g.Unit))
		}
		t.rows = append(t.rows, []string{u.Username, u.DisplayName, strings.Join(cells, " ")})
		js = append(js, row{u.Username, u.DisplayName, gs})
	}
	t.json = js
	return write(e.stdout, format, t)
}

func orNational(code string) string {
	if code == "" {
		return "national"
	}
	return code
}

func runToken(e *env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usagef("phusong token create USERNAME [--name N] [--ttl 720h]")
	}
	f := newFlags(e, "token create", false, false)
	name := f.String("name", "cli", "what the token is for")
	ttl := f.Duration("ttl", 0, "lifetime, e.g. 720h; 0 = no expiry")
	pos, err := f.parse(args[1:])
	if err != nil {
		return err
	}
	username, err := oneArg(pos, "tên đăng nhập / USERNAME")
	if err != nil {
		return err
	}
	a, done, err := f.open(e)
	if err != nil {
		return err
	}
	defer done()
	tok, err := a.CreateToken(e.ctx, app.System, username, *name, *ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, tok)
	return nil
}

func runAudit(e *env, args []string) error {
	f := newFlags(e, "audit", true, false)
	action := f.String("action", "", "only this action, e.g. login, user.grant, export.personal")
	limit := f.Int("limit", 50, "how many entries, newest first")
	if _, err := f.parse(args); err != nil {
		return err
	}
	a, done, err := f.open(e)
	if err != nil {
		return err
	}
	defer done()
	es, err := a.AuditLog(e.ctx, app.System, *action, *limit)
	if err != nil {
		return err
	}
	t := table{header: []string{"at", "username", "action", "object", "detail", "ip"}, json: es}
	for _, x := range es {
		t.rows = append(t.rows, []string{x.At.Format(time.RFC3339), x.Username, x.Action, x.Object, x.Detail, x.IP})
	}
	return write(e.stdout, *f.format, t)
}
