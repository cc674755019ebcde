package sailpoint_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// A file at the provider's limit (256 MiB) is streamed from disk as the
// launch is sent: the upload allocates far less than the file, and the
// tenant receives every byte, with its length announced.
func TestLaunchStreamsItsFile(t *testing.T) {
	const size = 256 << 20
	name := filepath.Join(t.TempDir(), "at-the-limit.csv")
	f, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	var received int64
	var sum string
	var contentLength int64
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) {
		contentLength = r.ContentLength
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if part.FormName() == "file" {
				h := sha256.New()
				received, _ = io.Copy(h, part)
				sum = hex.EncodeToString(h.Sum(nil))
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"task":{"id":"2c9180835d2e5168015d32f890ca1581"}}`))
	})
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, ClientID: "id", ClientSecret: "secret"})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = sailpoint.AccountAggregationOp.Start(context.Background(), c, sailpoint.AccountAggregation{
		SourceID: "src", File: &sailpoint.LaunchFile{Name: "at-the-limit.csv", Path: name, Size: size},
	})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	zeros := sha256.New()
	_, _ = io.Copy(zeros, io.LimitReader(zeroReader{}, size))
	if received != size || sum != hex.EncodeToString(zeros.Sum(nil)) || contentLength <= size {
		t.Fatalf("the tenant received %d bytes (%s) of a body of %d, want %d", received, sum, contentLength, size)
	}
	// The server's reading is in this process too: both sides stream.
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Errorf("uploading %d bytes allocated %d bytes", size, grew)
	}
	t.Logf("uploading %d bytes allocated %d bytes", size, after.TotalAlloc-before.TotalAlloc)
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// A file whose size changed since it was read (planned, hashed) is
// refused as the launch is prepared to be sent: no POST, and the task
// certainly did not start.
func TestLaunchRefusesAFileThatChanged(t *testing.T) {
	name := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(name, []byte("id,name\n1,Ada\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var posts int
	srv, _ := tokenServer(t, func(w http.ResponseWriter, r *http.Request) { posts++ })
	c := newClient(t, sailpoint.Config{BaseURL: srv.URL, AccessToken: "static"})
	file := &sailpoint.LaunchFile{Name: "people.csv", Path: name, Size: int64(len("id,name\n1,Ada\n"))}
	if err := os.WriteFile(name, []byte("id,name\n1,Ada\n2,Grace\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := sailpoint.AccountAggregationOp.Start(context.Background(), c, sailpoint.AccountAggregation{SourceID: "src", File: file})
	if err == nil || !strings.Contains(err.Error(), "changed after it was read for the upload (14 bytes, now 22)") || posts != 0 || sailpoint.MayHaveStarted(err) {
		t.Errorf("%v after %d POSTs", err, posts)
	}
	if err := os.Remove(name); err != nil {
		t.Fatal(err)
	}
	_, err = sailpoint.AccountAggregationOp.Start(context.Background(), c, sailpoint.AccountAggregation{SourceID: "src", File: file})
	if !errors.Is(err, os.ErrNotExist) || posts != 0 || sailpoint.MayHaveStarted(err) {
		t.Errorf("a file gone: %v after %d POSTs", err, posts)
	}
}
