package faketenant

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// SpecValidator checks answers, and launch requests, against the official
// OpenAPI files: per API version, the task-status, the launch and the
// SP-Config entry documents (testdata/spec/entry).
type SpecValidator struct {
	docs map[string][]*openapi3.T
}

// SpecDir is the repository's copy of the spec, found from this source
// file so tests in any package can use it.
func SpecDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "spec")
}

// specSets are the entry documents loaded for each version.
var specSets = []string{"task-status", "launch", "sp-config"}

// LoadSpec loads the entry documents for every version from dir.
func LoadSpec(dir string) (*SpecValidator, error) {
	v := &SpecValidator{docs: map[string][]*openapi3.T{}}
	for version := range Versions {
		for _, set := range specSets {
			path := filepath.Join(dir, "entry", set+"."+version+".openapi.yaml")
			if _, err := os.Stat(path); err != nil {
				return nil, err
			}
			loader := openapi3.NewLoader()
			loader.IsExternalRefsAllowed = true
			doc, err := loader.LoadFromFile(path)
			if err != nil {
				return nil, fmt.Errorf("loading %s: %w", path, err)
			}
			fillSpConfigRuleItems(doc)
			// Upstream examples and defaults do not always match their
			// schemas (testdata/spec/README.md lists them: a PATCH example,
			// LoadAccountsTask's success default 'true' and its hour-42
			// dates); they are not the contract, so only schemas are checked.
			if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation(), openapi3.DisableSchemaDefaultsValidation()); err != nil {
				return nil, fmt.Errorf("%s is not a valid OpenAPI document: %w", path, err)
			}
			v.docs[version] = append(v.docs[version], doc)
		}
	}
	return v, nil
}

// route finds the operation of method on specPath (the path template
// relative to the version's server, such as "/task-status/{id}" or
// "/sources/v1/{id}/load-accounts").
func (v *SpecValidator) route(version, specPath, method string) (*routers.Route, error) {
	docs, ok := v.docs[version]
	if !ok {
		return nil, fmt.Errorf("no spec for API version %q", version)
	}
	for _, doc := range docs {
		item := doc.Paths.Value(specPath)
		if item == nil {
			continue
		}
		if op := item.GetOperation(method); op != nil {
			return &routers.Route{Spec: doc, Path: specPath, PathItem: item, Method: method, Operation: op}, nil
		}
	}
	return nil, fmt.Errorf("%s: no %s %s in the spec", version, method, specPath)
}

// validate checks one answer to req against the spec.
func (v *SpecValidator) validate(version, specPath string, req *http.Request, status int, header http.Header, body []byte) error {
	route, err := v.route(version, specPath, req.Method)
	if err != nil {
		return err
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: route},
		Status:                 status,
		Header:                 header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	input.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), input); err != nil {
		return fmt.Errorf("%s %s %s answered %d against the spec: %w", version, req.Method, req.URL.Path, status, err)
	}
	return nil
}

// validateRequest checks a request (its headers, path parameters and
// body) against the spec; the request's body is consumed. Security is
// the tenant's own check, not the validator's.
func (v *SpecValidator) validateRequest(version, specPath string, req *http.Request, pathParams map[string]string) error {
	route, err := v.route(version, specPath, req.Method)
	if err != nil {
		return err
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: pathParams,
		Route:      route,
		Options:    &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), input); err != nil {
		return fmt.Errorf("%s %s %s: the request does not match the spec: %w", version, req.Method, req.URL.Path, err)
	}
	return nil
}
