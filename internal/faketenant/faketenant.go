// Package faketenant is an in-process SailPoint ISC tenant for tests and the
// demo. It serves the token endpoint, the task-status endpoints (GET, the
// lists, and the PATCH that clears a pending task), the launches, the
// account aggregation status and SP-Config (export and import jobs) of
// every API version as the OpenAPI files in testdata/spec describe them,
// and offers fault injection, scripted tasks and jobs, and a request log
// for tests to assert on.
//
// It is not a model of ISC beyond what the spec says: where the spec is
// silent (the token endpoint's error body, for one) it answers the way OAuth
// 2.0 (RFC 6749) does.
//
// Where things are: the tenant, its request log, faults, tokens and rate
// limit here; route.go routes a request to an operation of the client's
// declarations (sailpoint.Operations); launches.go answers the launches
// from their declarations (with the answer documents the spec shows, in
// launchKinds) and runs the tasks they start as tests script them; list.go
// the task list and its filters; patch.go the PATCH that clears a task;
// aggregation_status.go a running aggregation's counts; spconfig.go the
// SP-Config jobs and the configuration objects they export and import;
// fixtures.go the tasks a new tenant holds; validate.go and checked.go check answers and
// requests against the spec; recorder.go records an answer.
package faketenant

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// DefaultClientID and DefaultClientSecret are the credentials a new tenant
// accepts. They are test values and open nothing real.
const (
	DefaultClientID     = "fake-client-id"
	DefaultClientSecret = "fake-client-secret-do-not-use"
)

// retention is how long the tenant returns tasks: older ones answer 404.
const retention = 90 * 24 * time.Hour

// Request is one request the tenant answered, as tests see it. The
// Authorization header is left out of Header; Bearer holds the token sent.
type Request struct {
	Method  string
	Path    string
	Query   url.Values
	Header  http.Header
	Bearer  string
	Version string // the API version, "" for the token endpoint
	TaskID  string // for a single-task GET or PATCH
	// Operation is the launch a POST asks for, by the client's name of it
	// (sailpoint.AccountAggregationOp.Name, ..., the SP-Config export and
	// import too), "" for other requests; SourceID is its source.
	Operation string
	SourceID  string
	// AggregationID is the id of an account aggregation status GET.
	AggregationID string
	// Endpoint is the client's name of the operation it asked for, "" for
	// none (sailpoint.GetTaskStatusOp.Name, ...).
	Endpoint string
	Status   int
	Fault    bool      // answered by an injected fault
	At       time.Time // when it arrived (real time)
}

// Fault is an answer injected in place of the normal one.
type Fault struct {
	// Path limits the fault to requests whose path starts with it; ""
	// matches every API request, launches included (not the token
	// endpoint). Use TokenPath to fault the token endpoint.
	Path string
	// Method limits the fault to requests of this method; "" matches any.
	Method string
	// Times is how many matching requests it answers; 0 means 1, <0 forever.
	Times int

	Status      int
	Header      map[string]string // Retry-After, for one
	Body        string            // sent as is
	ContentType string            // "" means application/json when Body is set
	Delay       time.Duration     // wait before answering (cut short if the client goes away)
	// Reset closes the connection without an answer.
	Reset bool
	// ExpireToken makes the tenant answer as if the bearer token had just
	// expired: 401 with the spec's body, and the token stays refused.
	ExpireToken bool
	// SlowOnly delays, then serves the normal answer.
	SlowOnly bool
}

// TokenPath is the token endpoint.
const TokenPath = "/oauth/token"

// Tenant is the fake tenant. Create it with New; it is safe for concurrent
// use by the server and the test.
type Tenant struct {
	// Now is the tenant's clock, used for the 90-day retention and token
	// expiry. It defaults to fixtureNow so fixtures never age out.
	Now func() time.Time
	// RunClock is the clock tasks run by with RunByClock; nil means
	// time.Now.
	RunClock func() time.Time
	// TokenLifetime is the expires_in of issued tokens (750 s by default).
	TokenLifetime time.Duration

	mu        sync.Mutex
	clients   map[string]string
	tokens    map[string]time.Time
	tasks     map[string]*task
	order     []string
	faults    []*Fault
	log       []Request
	validator *SpecValidator
	problems  []string

	tokenClient map[string]string // token -> client id
	limit       int               // requests per window per client and version; 0 = none
	window      time.Duration
	fixedWait   int // the Retry-After of every rate-limit 429, in seconds; 0: the time until the window admits again
	recent      map[string][]time.Time

	sources  map[string]string // id -> name
	scripts  []Script          // for the next launches; the last one repeats
	launches []Launch
	// aggregations are the account aggregations whose status GET answers,
	// by id.
	aggregations map[string]*aggregation
	patches      []Patch
	// operations are what the tenant routes: sailpoint.Operations, and
	// any a test added.
	operations []*sailpoint.Operation
	spconfig   configState // SP-Config objects and jobs (spconfig.go)
	// clockedSources run their launches by the clock (RunByClock).
	clockedSources map[string]ClockedRun

	server *httptest.Server
}

type task struct {
	docs   []json.RawMessage // successive answers; the last one repeats
	reads  int
	beyond bool // carries fields or enum values the spec does not list
	// listed makes every list answer that shows the task count as a read,
	// so a launched task runs its course for a caller that only lists.
	listed bool
	// clocked, when set, answers instead of docs: a task run by the clock.
	clocked *clocked
}

// fixtureNow is the fixed "now" of the fixtures: every fixture is younger
// than 90 days at this instant, except the one meant to be expired.
var fixtureNow = time.Date(2026, time.November, 28, 12, 0, 0, 0, time.UTC)

// New builds a tenant holding the fixtures and accepting the default
// credentials. It does not listen; use Start or Handler.
func New() *Tenant {
	t := &Tenant{
		Now:           func() time.Time { return fixtureNow },
		TokenLifetime: 750 * time.Second,
		clients:       map[string]string{DefaultClientID: DefaultClientSecret},
		tokens:        map[string]time.Time{},
		tasks:         map[string]*task{},
		tokenClient:   map[string]string{},
		recent:        map[string][]time.Time{},
		sources:       map[string]string{},
		aggregations:  map[string]*aggregation{},
		operations:    sailpoint.Operations(),
	}
	for _, f := range Fixtures() {
		t.putTask(f.ID, f.Beyond, f.JSON)
	}
	for _, src := range FixtureSources {
		t.sources[src.ID] = src.Name
	}
	return t
}

// Start serves the tenant on a loopback port until Close.
func (t *Tenant) Start() *Tenant {
	t.server = httptest.NewServer(t)
	return t
}

// URL is the base URL of a started tenant.
func (t *Tenant) URL() string { return t.server.URL }

// Close stops a started tenant.
func (t *Tenant) Close() {
	if t.server != nil {
		t.server.CloseClientConnections()
		t.server.Close()
	}
}

// ValidateWith checks every answer the tenant gives against the spec from
// now on; Problems returns what failed.
func (t *Tenant) ValidateWith(v *SpecValidator) *Tenant {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.validator = v
	return t
}

// Problems lists answers that did not match the spec.
func (t *Tenant) Problems() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.problems)
}

// AddOperation routes one more operation, declared as the client's are:
// a launch is answered from its declaration alone (a task is started,
// its id where the declaration says).
func (t *Tenant) AddOperation(op *sailpoint.Operation) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.operations = append(t.operations, op)
}

// AddClient accepts another client id and secret.
func (t *Tenant) AddClient(id, secret string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.clients[id] = secret
}

// PutTask stores (or replaces) a task. Its id is read from the document.
func (t *Tenant) PutTask(doc json.RawMessage) {
	var head struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(doc, &head); err != nil || head.ID == "" {
		panic(fmt.Sprintf("faketenant: PutTask needs a JSON object with an id: %v", err))
	}
	t.putTask(head.ID, false, doc)
}

// PutTaskSequence stores a task whose successive reads return docs in turn,
// the last one repeating: a task that runs, then finishes.
func (t *Tenant) PutTaskSequence(id string, docs ...json.RawMessage) {
	t.putTask(id, false, docs...)
}

// PutBeyondSpecTask stores a task carrying fields or enum values the spec
// does not list yet; its answers are not checked against the spec.
func (t *Tenant) PutBeyondSpecTask(id string, doc json.RawMessage) {
	t.putTask(id, true, doc)
}

// PutRunningTaskSequence is PutTaskSequence for a task that also moves on
// when a list or pending-tasks answer shows it, as a launched task does: a
// task another run started, which a launch waits for.
func (t *Tenant) PutRunningTaskSequence(id string, docs ...json.RawMessage) {
	t.putTask(id, false, docs...)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tasks[id].listed = true
}

func (t *Tenant) putTask(id string, beyond bool, docs ...json.RawMessage) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.tasks[id]; !ok {
		t.order = append(t.order, id)
	}
	t.tasks[id] = &task{docs: docs, beyond: beyond}
}

// Reads is how many times a task was answered with 200.
func (t *Tenant) Reads(id string) int {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tk, ok := t.tasks[id]; ok {
		return tk.reads
	}
	return 0
}

// Inject queues a fault; faults match in the order injected.
func (t *Tenant) Inject(f Fault) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if f.Times == 0 {
		f.Times = 1
	}
	t.faults = append(t.faults, &f)
}

// ClearFaults drops every queued fault.
func (t *Tenant) ClearFaults() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.faults = nil
}

// Requests returns the request log.
func (t *Tenant) Requests() []Request {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.log)
}

// ResetLog empties the request log.
func (t *Tenant) ResetLog() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.log = nil
}

// Count returns how many logged requests match.
func (t *Tenant) Count(match func(Request) bool) int {
	n := 0
	for _, r := range t.Requests() {
		if match(r) {
			n++
		}
	}
	return n
}

// IsToken matches token requests, IsTaskGet single-task GETs, IsPatch
// task-status PATCHes, IsLaunch launch POSTs, IsAggregationStatusGet
// account aggregation status GETs (whatever the answer, faults included).
func IsToken(r Request) bool   { return r.Path == TokenPath }
func IsTaskGet(r Request) bool { return r.TaskID != "" && r.Method == http.MethodGet }
func IsPatch(r Request) bool   { return r.TaskID != "" && r.Method == http.MethodPatch }
func IsLaunch(r Request) bool  { return r.Operation != "" && r.Method == http.MethodPost }
func IsAggregationStatusGet(r Request) bool {
	return r.AggregationID != "" && r.Method == http.MethodGet
}

// IssuedTokens lists every access token handed out, so a test can look for
// them where they must not be.
func (t *Tenant) IssuedTokens() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]string, 0, len(t.tokens))
	for tok := range t.tokens {
		out = append(out, tok)
	}
	return out
}

// maxRequestBody bounds what the tenant reads of a request body.
const maxRequestBody = 32 << 20

// ServeHTTP answers one request.
func (t *Tenant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), At: time.Now()}
	rec.Header.Del("Authorization")
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		rec.Bearer = bearer
	}
	rw := &recorder{ResponseWriter: w}
	t.mu.Lock()
	rt := findRoute(t.operations, r.Method, r.URL)
	t.mu.Unlock()
	rec.Version = rt.version
	if rt.op != nil {
		rec.Endpoint = rt.op.Name
	}
	switch {
	case rt.op == sailpoint.GetTaskStatusOp || rt.op == sailpoint.ClearTaskOp:
		rec.TaskID = rt.param
	case rt.op == sailpoint.AccountAggregationStatusOp:
		rec.AggregationID = rt.param
	case rt.isLaunch():
		rec.Operation = rt.op.Name
		rec.SourceID = rt.param
	}
	// The body is read whole before any answer, so a fault that resets the
	// connection does it after the request was sent, and the spec check
	// can read it again.
	var body []byte
	if r.URL.Path != TokenPath && r.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
		r.Body = io.NopCloser(bytes.NewReader(body))
	}

	logged := sync.OnceFunc(func() { t.record(rec, rw) })
	if f := t.takeFault(r.Method, r.URL.Path); f != nil {
		rec.Fault = true
		if done := t.serveFault(rw, r, f, &rec, logged); done {
			logged()
			return
		}
		rec.Fault = false
	}

	if r.URL.Path == TokenPath {
		t.serveToken(rw, r)
	} else {
		t.serveAPI(rw, r, &rec, rt, body)
		t.check(r, rt, body, rw)
	}
	logged()
}

// check validates an API answer, and the request of a launch or a PATCH,
// against the spec, when asked to.
func (t *Tenant) check(r *http.Request, rt route, body []byte, rw *recorder) {
	t.mu.Lock()
	v := t.validator
	t.mu.Unlock()
	if v == nil || rw.beyondSpec || rt.op == nil {
		return
	}
	var problems []string
	if err := v.validate(rt.version, rt.specPath, r, rw.status, rw.Header(), rw.body.Bytes()); err != nil {
		problems = append(problems, err.Error())
	}
	if rt.isLaunch() || r.Method == http.MethodPatch {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := v.validateRequest(rt.version, rt.specPath, r, rt.pathParams()); err != nil {
			problems = append(problems, err.Error())
		}
	}
	if len(problems) > 0 {
		t.mu.Lock()
		t.problems = append(t.problems, problems...)
		t.mu.Unlock()
	}
}

func (t *Tenant) record(rec Request, rw *recorder) {
	rec.Status = rw.status
	t.mu.Lock()
	defer t.mu.Unlock()
	t.log = append(t.log, rec)
}

func (t *Tenant) takeFault(method, path string) *Fault {
	t.mu.Lock()
	defer t.mu.Unlock()
	for i, f := range t.faults {
		matches := f.Path == "" && path != TokenPath || f.Path != "" && strings.HasPrefix(path, f.Path)
		if !matches || f.Method != "" && f.Method != method {
			continue
		}
		if f.Times > 0 {
			f.Times--
			if f.Times == 0 {
				t.faults = slices.Delete(t.faults, i, i+1)
			}
		}
		return f
	}
	return nil
}

// serveFault answers with f; it reports false when the normal answer
// should follow (a slow answer, or an expired token on a request that had
// none to expire). A reset calls logged before it: the client sees it at
// once, and a test may count the requests as soon as it does.
func (t *Tenant) serveFault(w http.ResponseWriter, r *http.Request, f *Fault, rec *Request, logged func()) bool {
	if f.Delay > 0 {
		select {
		case <-time.After(f.Delay):
		case <-r.Context().Done():
			return true
		}
	}
	switch {
	case f.SlowOnly:
		return false
	case f.Reset:
		logged()
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	case f.ExpireToken:
		t.mu.Lock()
		delete(t.tokens, rec.Bearer)
		t.mu.Unlock()
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "JWT validation failed: JWT is expired"})
		return true
	}
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	if f.Body != "" {
		ct := f.ContentType
		if ct == "" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body))
	return true
}

func (t *Tenant) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "invalid_request", "error_description": "use POST"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "unreadable form"})
		return
	}
	if r.Form.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type", "error_description": "only client_credentials is supported"})
		return
	}
	id, secret := r.Form.Get("client_id"), r.Form.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	t.mu.Lock()
	want, known := t.clients[id]
	t.mu.Unlock()
	if !known || want != secret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "Bad credentials"})
		return
	}
	buf := make([]byte, 24)
	_, _ = rand.Read(buf)
	tok := "fake-token-" + hex.EncodeToString(buf)
	t.mu.Lock()
	t.tokens[tok] = t.Now().Add(t.TokenLifetime)
	t.tokenClient[tok] = id
	lifetime := t.TokenLifetime
	t.mu.Unlock()
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": tok,
		"token_type":   "bearer",
		"expires_in":   int(lifetime.Seconds()),
		"scope":        "sp:scopes:all",
		"tenant_id":    "fake-tenant",
		"pod":          "fake",
		"org":          "fake",
		"identity_id":  "fake-identity",
		"internal":     true,
		"strong_auth":  false,
		"jti":          hex.EncodeToString(buf[:8]),
	})
}

func (t *Tenant) serveAPI(w *recorder, r *http.Request, rec *Request, rt route, body []byte) {
	if rt.version == "" {
		writeJSON(w, http.StatusNotFound, errorDto("404 Not found", "The server did not find a current representation for the target resource."))
		return
	}
	if !t.authorized(rec.Bearer) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "JWT validation failed: JWT is expired"})
		return
	}
	if wait, limited := t.rateLimited(rec.Bearer, rec.Version); limited {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		writeJSON(w, http.StatusTooManyRequests, map[string]string{"message": " Rate Limit Exceeded "})
		return
	}
	switch {
	case rt.op == nil:
		writeJSON(w, http.StatusMethodNotAllowed, errorDto("405 Method not allowed", "Only "+strings.Join(rt.methods, " and ")+" is served on this path by this fake tenant."))
	case rt.op.Job == sailpoint.TaskJob:
		// The SP-Config jobs are launches too, but no tasks: their own
		// handlers (serveConfigOperation) answer them.
		t.serveLaunch(w, r, rt, rec.Bearer, body)
	case t.serveConfigOperation(w, r, rt, body):
		// answered: an SP-Config launch, status read or download
	case rt.op == sailpoint.ListTaskStatusesOp:
		t.serveList(w, r, rec.Version)
	case rt.op == sailpoint.PendingTasksOp:
		t.servePending(w, r)
	case rt.op == sailpoint.AccountAggregationStatusOp:
		t.serveAggregationStatus(w, rt)
	case rt.op == sailpoint.ClearTaskOp:
		t.servePatch(w, r, rt, body)
	case rt.op == sailpoint.GetTaskStatusOp:
		t.serveTask(w, rec.TaskID)
	default:
		writeJSON(w, http.StatusNotFound, errorDto("404 Not found", "This fake tenant does not serve "+rt.op.Name+"."))
	}
}

// serveTask answers GET /task-status/{id}.
func (t *Tenant) serveTask(w *recorder, id string) {
	doc, beyond, found := t.readTask(id)
	if !found {
		// The spec gives this 404 a description but no body schema; the
		// tenant sends its usual ErrorResponseDto.
		writeJSON(w, http.StatusNotFound, errorDto("404 Not found", "TaskStatus with the given id was not found."))
		return
	}
	w.beyondSpec = beyond
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
}

func (t *Tenant) authorized(bearer string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	exp, ok := t.tokens[bearer]
	return ok && t.Now().Before(exp)
}

// readTask returns the task's next answer, or not found when the task is
// unknown or older than the retention.
func (t *Tenant) readTask(id string) (json.RawMessage, bool, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tk, ok := t.tasks[id]
	if !ok {
		return nil, false, false
	}
	doc := t.answer(tk, true)
	if t.expired(doc) {
		return nil, false, false
	}
	tk.reads++
	return doc, tk.beyond, true
}

func (t *Tenant) expired(doc json.RawMessage) bool {
	var head struct {
		Created string `json:"created"`
	}
	if json.Unmarshal(doc, &head) != nil {
		return false
	}
	created, err := time.Parse(time.RFC3339, head.Created)
	return err == nil && t.Now().Sub(created) > retention
}

// EnforceRateLimit makes the tenant answer 429 with Retry-After once a
// client has sent n requests to one API version within the last window
// (a sliding window, so no span of one window ever holds more than n).
func (t *Tenant) EnforceRateLimit(n int, window time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.limit, t.window = n, window
	t.recent = map[string][]time.Time{}
}

// FixRetryAfter makes every 429 of EnforceRateLimit say Retry-After:
// seconds, however long the window stays full: the spec only says the
// header "includes how long to wait". 0 restores the truthful wait.
func (t *Tenant) FixRetryAfter(seconds int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fixedWait = seconds
}

// Limited counts the answers given 429 by EnforceRateLimit.
func (t *Tenant) Limited() int {
	return t.Count(func(r Request) bool { return r.Status == http.StatusTooManyRequests && !r.Fault })
}

// rateLimited records a request and reports whether it is over the limit,
// with how long until it would not be.
func (t *Tenant) rateLimited(bearer, version string) (time.Duration, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.limit <= 0 {
		return 0, false
	}
	key := t.tokenClient[bearer] + " " + version
	now := time.Now() // real time: the fixture clock stands still
	kept := t.recent[key][:0]
	for _, at := range t.recent[key] {
		if now.Sub(at) < t.window {
			kept = append(kept, at)
		}
	}
	t.recent[key] = kept
	if len(kept) >= t.limit {
		if t.fixedWait > 0 {
			return time.Duration(t.fixedWait) * time.Second, true
		}
		return t.window - now.Sub(kept[0]), true
	}
	t.recent[key] = append(kept, now)
	return 0, false
}

// ExpireTokens makes every issued token expired, as if its lifetime had
// passed.
func (t *Tenant) ExpireTokens() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for tok := range t.tokens {
		t.tokens[tok] = time.Time{}
	}
}

func errorDto(detailCode, text string) map[string]any {
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	return map[string]any{
		"detailCode": detailCode,
		"trackingId": hex.EncodeToString(buf),
		"messages": []map[string]any{
			{"locale": "en-US", "localeOrigin": "DEFAULT", "text": text},
		},
		"causes": []any{},
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
