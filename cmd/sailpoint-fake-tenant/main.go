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

	srv := &http.Server{Handler: faketenant.New(), ReadHeaderTimeout: 10 * time.Second}
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
