// Package server assembles the HTTP application: web pages, the JSON API, health
// and metrics, with graceful shutdown.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/phusong/phusong/internal/api"
	"github.com/phusong/phusong/internal/app"
	"github.com/phusong/phusong/internal/httpx"
	"github.com/phusong/phusong/internal/web"
)

// Options configure the server.
type Options struct {
	SecureCookies bool
}

// Handler is the whole application as one http.Handler.
func Handler(a *app.App, opt Options) (http.Handler, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv := httpx.NewServer(a, a.Log, reg)
	srv.SecureCookie = opt.SecureCookies
	mux := http.NewServeMux()
	api.Mount(mux, srv)
	if err := web.Mount(mux, srv); err != nil {
		return nil, err
	}
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.Store.DB().PingContext(ctx); err != nil {
			http.Error(w, "database: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		_ = httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok", "store": string(a.Store.Dialect())})
	})
	return mux, nil
}

// Serve listens on addr until ctx ends, then shuts down gracefully. ready, if not
// nil, receives the bound address (useful with port 0).
func Serve(ctx context.Context, a *app.App, addr string, opt Options, ready func(addr string)) error {
	h, err := Handler(a, opt)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn)}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}
