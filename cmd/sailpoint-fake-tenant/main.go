// Command sailpoint-fake-tenant serves the project's fake ISC tenant on a
// loopback port, for the demo and for trying the provider by hand. It holds
// the fixture tasks and accepts the fake client credentials.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/faketenant"
	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	urlFile := flag.String("url-file", "", "write the base URL to this file once listening")
	runningReads := flag.Int("launch-running-reads", faketenant.DefaultScript.RunningReads,
		"reads that find a launched task still running before it ends")
	launchStatus := flag.String("launch-status", faketenant.DefaultScript.Status,
		"completion status a launched task ends with (SUCCESS, WARNING, ERROR, ...)")
	logRequests := flag.Bool("log-requests", true, "print one line per request: method, path and status (never a header or body)")
	flag.Parse()

	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !sailpoint.IsLoopbackHost(host) {
		log.Fatalf("refusing to listen on %q: the fake tenant serves loopback addresses only", *addr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	baseURL := "http://" + ln.Addr().String()
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(baseURL+"\n"), 0o600); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("fake SailPoint tenant at %s (client id %q)\n", baseURL, faketenant.DefaultClientID)

	tenant := faketenant.New()
	// An identity refresh that is still running on its first two reads and
	// finished on the third, for the demo's wait.
	tenant.PutTaskSequence(refreshTaskID, refreshRunning, refreshRunning, refreshDone)
	// Launched aggregations and identity processing run, then end, as the
	// flags say.
	tenant.ScriptLaunches(faketenant.Script{RunningReads: *runningReads, Status: *launchStatus})
	for _, src := range faketenant.FixtureSources {
		fmt.Printf("source %q: id %s\n", src.Name, src.ID)
	}
	var handler http.Handler = tenant
	if *logRequests {
		handler = logged(tenant)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}

// logged prints each request's method, path and status, so a demo can
// count what the provider sent (the launches, above all).
func logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		fmt.Printf("%s %s %d\n", r.Method, r.URL.Path, sw.status)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}

// refreshTaskID is the demo's task that finishes while it is waited for.
const refreshTaskID = "2c9180867b6d2f51017b6f3a1b2c0d60"

var (
	refreshRunning = []byte(`{"id":"` + refreshTaskID + `","type":"QUARTZ","uniqueName":"Identity Refresh","description":"Refresh identities",
"parentName":null,"launcher":"pipeline","target":null,"created":"2026-11-28T11:58:00Z","modified":"2026-11-28T11:59:00Z",
"launched":"2026-11-28T11:58:01Z","completed":null,"completionStatus":null,"messages":[],"returns":[],
"attributes":{"identityCount":0},"progress":"Refreshing identities","percentComplete":60}`)
	refreshDone = []byte(`{"id":"` + refreshTaskID + `","type":"QUARTZ","uniqueName":"Identity Refresh","description":"Refresh identities",
"parentName":null,"launcher":"pipeline","target":null,"created":"2026-11-28T11:58:00Z","modified":"2026-11-28T12:00:05Z",
"launched":"2026-11-28T11:58:01Z","completed":"2026-11-28T12:00:05Z","completionStatus":"SUCCESS","messages":[],"returns":[],
"attributes":{"identityCount":4210},"progress":"Completed","percentComplete":100}`)
)
