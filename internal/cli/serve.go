package cli

import (
	"fmt"
	"os/signal"
	"syscall"

	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/demo"
	"github.com/phusong/phusong/internal/server"
)

func init() {
	register("serve", "run the web application and JSON API (--demo loads demo data first)", runServe)
	register("demo", "load the demo data into the database and exit", runDemo)
}

// demoPersons sizes the demo province (tests make it small).
var demoPersons int64 = demo.DefaultPersons

func runServe(e *env, args []string) error {
	f := newFlags(e, "serve", false, false)
	addr := f.String("addr", "127.0.0.1:8080", "address to listen on")
	withDemo := f.Bool("demo", false, "load demo data into an empty database first")
	secure := f.Bool("secure-cookies", false, "mark cookies Secure (serving behind TLS)")
	memLimit := f.String("memory-limit", "", "soft limit of the Go heap, such as 20GiB (default: GOMEMLIMIT, else 80% of the machine's or cgroup's memory)")
	if _, err := f.parse(args); err != nil {
		return err
	}
	limit, err := setMemoryLimit(*memLimit, e.getenv)
	if err != nil {
		return err
	}
	a, done, err := f.open(e)
	if err != nil {
		return err
	}
	defer done()
	a.KeepIndex = true // imports through the server update the index as they commit
	if limit > 0 {
		a.Log.Info("memory limit", "MiB", limit>>20)
	}
	if *withDemo {
		if err := loadDemo(e, a); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(e.ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		// Build the coverage index while the first pages load.
		if n, took, err := a.WarmCoverage(ctx); err == nil {
			a.Log.Info("coverage index ready", "persons", n, "ms", took.Milliseconds())
		}
	}()
	return server.Serve(ctx, a, *addr, server.Options{SecureCookies: *secure}, func(bound string) {
		fmt.Fprintf(e.stdout, "Phủ Sóng: http://%s (%s)\n", bound, a.Store.Dialect())
	})
}

func runDemo(e *env, args []string) error {
	f := newFlags(e, "demo", false, false)
	if _, err := f.parse(args); err != nil {
		return err
	}
	a, done, err := f.open(e)
	if err != nil {
		return err
	}
	defer done()
	return loadDemo(e, a)
}

func loadDemo(e *env, a *app.App) error {
	accs, loaded, err := demo.Load(e.ctx, a, demo.Options{Persons: demoPersons, Log: e.stdout})
	if err != nil {
		return err
	}
	if !loaded {
		fmt.Fprintln(e.stdout, "Cơ sở dữ liệu đã có tài khoản; không nạp lại dữ liệu demo. / The database already has accounts; demo data not loaded again.")
		return nil
	}
	demo.Print(e.stdout, accs)
	return nil
}
