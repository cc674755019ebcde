package faketenant

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// SpecValidator checks answers against the official OpenAPI files, one
// entry document per API version (testdata/spec/entry).
type SpecValidator struct {
	docs map[string]*openapi3.T
}

// SpecDir is the repository's copy of the spec, found from this source
// file so tests in any package can use it.
func SpecDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "spec")
}

// LoadSpec loads the entry documents for every version from dir.
func LoadSpec(dir string) (*SpecValidator, error) {
	v := &SpecValidator{docs: map[string]*openapi3.T{}}
	for version := range Versions {
		path := filepath.Join(dir, "entry", "task-status."+version+".openapi.yaml")
		if _, err := os.Stat(path); err != nil {
			return nil, err
		}
		loader := openapi3.NewLoader()
		loader.IsExternalRefsAllowed = true
		doc, err := loader.LoadFromFile(path)
		if err != nil {
			return nil, fmt.Errorf("loading %s: %w", path, err)
		}
		// Upstream examples do not always match their schemas (a PATCH example
		// is an array where the schema wants a scalar); examples are not
		// the contract, so only the schemas are checked.
		if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err != nil {
			return nil, fmt.Errorf("%s is not a valid OpenAPI document: %w", path, err)
		}
		v.docs[version] = doc
	}
	return v, nil
}

// Validate checks one answer to a GET of the task-status API. specPath is
// the path template relative to the version's server ("/task-status/{id}"
// or "/task-status/v1/{id}").
func (v *SpecValidator) Validate(version, specPath string, req *http.Request, status int, header http.Header, body []byte) error {
	doc, ok := v.docs[version]
	if !ok {
		return fmt.Errorf("no spec for API version %q", version)
	}
	item := doc.Paths.Value(specPath)
	if item == nil || item.Get == nil {
		return fmt.Errorf("%s: no GET %s in the spec", version, specPath)
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req,
			Route:   &routers.Route{Spec: doc, Path: specPath, PathItem: item, Method: http.MethodGet, Operation: item.Get},
		},
		Status:  status,
		Header:  header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	input.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		return fmt.Errorf("%s GET %s answered %d against the spec: %w", version, req.URL.Path, status, err)
	}
	return nil
}

// SpecPath is the spec's path template for a request of an API version.
func SpecPath(version string, single bool) string {
	p := "/task-status"
	if version == "v1" {
		p = "/task-status/v1"
	}
	if single {
		p += "/{id}"
	}
	return p
}

// recorder keeps the status and body of an answer so it can be checked
// against the spec after it is sent.
type recorder struct {
	http.ResponseWriter
	status     int
	body       bytes.Buffer
	beyondSpec bool
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("hijacking is not supported")
	}
	return hj.Hijack()
}

func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
