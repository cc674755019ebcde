package sailpoint

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
)

// Starting a job: each launch is a Launcher, its Operation declared with
// what its request takes (In), the path's parameter and the body built
// from it. Prepare checks an In and builds the request without sending it;
// Client.Start sends it once.

// A Launcher is an Operation that starts a job, with how its request is
// built from an In.
type Launcher[In any] struct {
	*Operation
	// Check refuses an In that must not be sent; nil checks nothing.
	Check func(In) error
	// Target is the path's parameter (a source id); nil for a path without
	// one.
	Target func(In) string
	// Build is the request's body (and its query, Body.WithQuery) for the
	// operation's Body kind; nil sends none.
	Build func(In) (Body, error)
}

// launcher is what every Launcher says of itself, whatever its In: its
// operation, and whether it has a Target and a Build.
type launcher interface {
	parts() (op *Operation, target, build bool)
}

func (l *Launcher[In]) parts() (*Operation, bool, bool) {
	return l.Operation, l.Target != nil, l.Build != nil
}

// Prepare checks in and builds the request, sending nothing.
func (l *Launcher[In]) Prepare(in In) (Start, error) {
	if l.Check != nil {
		if err := l.Check(in); err != nil {
			return Start{}, err
		}
	}
	s := Start{Operation: l.Operation}
	if l.Target != nil {
		s.target = l.Target(in)
	}
	if l.Build != nil {
		b, err := l.Build(in)
		if err != nil {
			return Start{}, err
		}
		s.body = b
	}
	return s, nil
}

// Start prepares in and sends it: for callers that hold no Start.
func (l *Launcher[In]) Start(ctx context.Context, c *Client, in In) (*Launch, error) {
	s, err := l.Prepare(in)
	if err != nil {
		return nil, err
	}
	return c.Start(ctx, s)
}

// Start is one launch request, prepared and not yet sent.
type Start struct {
	*Operation
	target string
	body   Body
}

// Body is what a launch request carries, and its query.
type Body struct {
	form  []FormPart
	json  []byte
	query url.Values
}

// Form is a multipart/form-data body of these parts; nil parts are left
// out, and no parts make an empty form (which the spec allows where the
// body is optional).
func Form(parts ...*FormPart) Body {
	var b Body
	for _, p := range parts {
		if p != nil {
			b.form = append(b.form, *p)
		}
	}
	return b
}

// JSON is an application/json body of v.
func JSON(v any) (Body, error) {
	b, err := json.Marshal(v)
	return Body{json: b}, err
}

// WithQuery is b sent with the query parameter name=value as well (the
// SP-Config import's preview=true).
func (b Body) WithQuery(name, value string) Body {
	q := url.Values{}
	for k, v := range b.query {
		q[k] = slices.Clone(v)
	}
	q.Add(name, value)
	b.query = q
	return b
}

// FormPart is one part of a multipart body.
type FormPart struct {
	Name     string
	FileName string // "" for a plain field
	// ContentType is the part's Content-Type header; "" sends none.
	ContentType string
	Value       []byte
	// File, when it has a Path, is streamed from it instead of Value.
	File *LaunchFile
}

// FilePart is the part "file" holding f as text/csv (the CSV the source
// launches upload); nil without a file.
func FilePart(f *LaunchFile) *FormPart { return FileAs("file", "text/csv", f) }

// FileAs is the file part name holding f, of the content type given: its
// bytes from f.Content, or streamed from f.Path; nil without a file.
func FileAs(name, contentType string, f *LaunchFile) *FormPart {
	if f == nil {
		return nil
	}
	return &FormPart{Name: name, FileName: f.Name, ContentType: contentType, Value: f.Content, File: f}
}

// JSONPart is a plain part holding v as application/json (the SP-Config
// import's options).
func JSONPart(name string, v any) (*FormPart, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return &FormPart{Name: name, ContentType: "application/json", Value: b}, nil
}

// BoolPart is a plain part holding "true" or "false"; nil when b is nil.
func BoolPart(name string, b *bool) *FormPart {
	if b == nil {
		return nil
	}
	return &FormPart{Name: name, Value: []byte(strconv.FormatBool(*b))}
}

// Launch is what the tenant answered to a launch: the id of the job it started.
type Launch struct {
	// TaskID is the id of the job it started, read where the declaration's
	// JobID says: a task's id for a TaskJob, the SP-Config job's jobId for
	// a ConfigExportJob or a ConfigImportJob. (It keeps the name it had
	// when every launch started a task.)
	TaskID string
	// Operation names the launch for messages, such as "account aggregation".
	Operation string
	// Method and Path are the request, e.g. POST /v2026/sources/{id}/load-accounts
	// (escaped path, no host or query).
	Method, Path string
}

// Start sends a prepared launch once, with the launch retry rule: it is not
// resent once it may have reached the tenant (see MayHaveStarted). An
// operation the client's API version lacks is an *UnsupportedOperationError
// and sends nothing.
func (c *Client) Start(ctx context.Context, s Start) (*Launch, error) {
	if s.Operation == nil {
		return nil, errors.New("no operation to start")
	}
	if err := s.Supports(c.apiVersion); err != nil {
		return nil, err
	}
	l := &Launch{Operation: s.Name, Method: s.Method, Path: s.Path(c.apiVersion, s.target)}
	r := apiRequest{method: l.Method, path: l.Path, query: s.body.query, launch: true, experimental: s.experimental(c.apiVersion)}
	switch s.Body {
	case FormBody:
		body, contentType, err := multipartBody(s.body.form)
		if err != nil {
			return nil, err
		}
		r.stream, r.contentType = body, contentType
	case JSONBody:
		r.body, r.contentType = s.body.json, "application/json"
	}
	resp, body, err := c.send(ctx, r)
	if err != nil {
		return nil, err
	}
	var doc map[string]json.RawMessage
	if err := decodeJSON(resp, l.Path, body, &doc, answer{document: s.Answer, kind: '{', budget: newBudget()}); err != nil {
		return nil, err
	}
	l.TaskID = idAt(doc, s.JobID)
	if l.TaskID == "" {
		return nil, &missingTaskIDError{Launch: *l, Field: s.JobID, Job: s.Job}
	}
	if err := validatePathID(s.Job.idName(), l.TaskID); err != nil {
		return nil, &missingTaskIDError{Launch: *l, Field: s.JobID, Job: s.Job, Err: err}
	}
	return l, nil
}

// idAt reads the string at a dotted field path ("task.id") of an answer;
// "" when it is not there or not a string.
func idAt(answer map[string]json.RawMessage, field string) string {
	name, rest, nested := strings.Cut(field, ".")
	raw, ok := answer[name]
	if !ok {
		return ""
	}
	if nested {
		var inner map[string]json.RawMessage
		if json.Unmarshal(raw, &inner) != nil {
			return ""
		}
		return idAt(inner, rest)
	}
	var id string
	if json.Unmarshal(raw, &id) != nil {
		return ""
	}
	return id
}

// multipartBody writes parts as multipart/form-data, each with its
// Content-Type where it has one. A file with a Path is not read here: the
// body is a list of segments, the file's bytes streamed from it each time
// the request is sent, so a large file is never held in memory.
func multipartBody(parts []FormPart) (*segments, string, error) {
	var buf bytes.Buffer
	body := &segments{}
	mw := multipart.NewWriter(&buf)
	for _, f := range parts {
		h := textproto.MIMEHeader{}
		if f.FileName != "" {
			h.Set("Content-Disposition", multipart.FileContentDisposition(f.Name, f.FileName))
		} else {
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q`, f.Name))
		}
		if f.ContentType != "" {
			h.Set("Content-Type", f.ContentType)
		}
		part, err := mw.CreatePart(h)
		if err != nil {
			return nil, "", err
		}
		if f.File != nil && f.File.Path != "" {
			body.add(bytes.Clone(buf.Bytes()), nil)
			buf.Reset()
			body.add(nil, f.File)
			continue
		}
		if _, err := part.Write(f.Value); err != nil {
			return nil, "", err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	body.add(buf.Bytes(), nil)
	return body, mw.FormDataContentType(), nil
}

// segments is a request body of bytes in memory and files streamed from
// disk, in order, of a length known before it is sent.
type segments struct {
	parts  []segment
	length int64
}

type segment struct {
	data []byte
	file *LaunchFile // Size bytes from Path
}

func (s *segments) add(data []byte, file *LaunchFile) {
	if file != nil {
		s.parts = append(s.parts, segment{file: file})
		s.length += file.Size
		return
	}
	if len(data) > 0 {
		s.parts = append(s.parts, segment{data: data})
		s.length += int64(len(data))
	}
}

// open is a new reader of the whole body, for one attempt (and one more
// for its length, before the first). It opens every file of the body at
// once, so a file that is gone, or whose size changed since it was read,
// is refused here, before anything is sent.
func (s *segments) open() (io.Reader, error) {
	r := &segmentReader{s: s, files: make([]*os.File, len(s.parts))}
	for i, seg := range s.parts {
		if seg.file == nil {
			continue
		}
		f, err := openSized(seg.file)
		if err != nil {
			_ = r.Close()
			return nil, err
		}
		r.files[i] = f
	}
	return r, nil
}

// openSized opens a file to upload, refusing one that is no longer of the
// size it had when it was read.
func openSized(lf *LaunchFile) (*os.File, error) {
	f, err := os.Open(lf.Path)
	if err != nil {
		return nil, fmt.Errorf("reading the file to upload: %w", err)
	}
	info, err := f.Stat()
	if err == nil && info.Size() != lf.Size {
		err = fmt.Errorf("%s changed after it was read for the upload (%d bytes, now %d)", lf.Path, lf.Size, info.Size())
	}
	if err != nil {
		_ = f.Close() // read only: nothing to lose
		return nil, err
	}
	return f, nil
}

// segmentReader reads segments in turn, each file from its start as opened
// by open, closing it once read; it says its length (go-retryablehttp
// sets Content-Length from it) and closes what it still has open.
type segmentReader struct {
	s       *segments
	files   []*os.File // by segment; nil once closed, and for bytes
	next    int
	current io.Reader
	read    int64
}

func (r *segmentReader) Len() int { return int(r.s.length - r.read) }

func (r *segmentReader) Read(p []byte) (int, error) {
	for {
		if r.current == nil {
			if r.next == len(r.s.parts) {
				return 0, io.EOF
			}
			seg := r.s.parts[r.next]
			r.next++
			if seg.file == nil {
				r.current = bytes.NewReader(seg.data)
				continue
			}
			r.current = &exactReader{r: r.files[r.next-1], left: seg.file.Size, path: seg.file.Path}
		}
		n, err := r.current.Read(p)
		r.read += int64(n)
		if errors.Is(err, io.EOF) {
			r.current = nil
			r.closeFile(r.next - 1)
			if n > 0 {
				return n, nil
			}
			continue
		}
		return n, err
	}
}

func (r *segmentReader) closeFile(i int) {
	if f := r.files[i]; f != nil {
		_ = f.Close()
		r.files[i] = nil
	}
}

func (r *segmentReader) Close() error {
	for i := range r.files {
		r.closeFile(i)
	}
	return nil
}

// exactReader reads exactly left bytes of r: a file that shrank since its
// size was taken is an error, not a short body, and one that grew is cut.
type exactReader struct {
	r    io.Reader
	left int64
	path string
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	if errors.Is(err, io.EOF) && e.left > 0 {
		return n, fmt.Errorf("the file to upload, %s, shrank while it was being sent", e.path)
	}
	if e.left == 0 {
		return n, io.EOF
	}
	return n, err
}

// missingTaskIDError means the tenant accepted a launch but its answer
// names no usable job: the job has probably started, and cannot be
// followed.
type missingTaskIDError struct {
	Launch
	Field string  // where the spec puts the id: "task.id", "id" or "jobId"
	Job   JobKind // what was started: a task, or an SP-Config job
	Err   error   // why the id is not usable; nil when there is none
}

func (e *missingTaskIDError) Error() string {
	what := fmt.Sprintf("no %s in %s", e.Job.idName(), e.Field)
	if e.Err != nil {
		what = fmt.Sprintf("an unusable %s in %s: %v", e.Job.idName(), e.Field, e.Err)
	}
	look := "the task has probably started, so check the tenant's tasks"
	if e.Job.noun() == "job" {
		look = "the job has probably started, so check the tenant"
	}
	return fmt.Sprintf("%s %s: the tenant accepted the %s but its answer has %s; %s before starting it again",
		e.Method, e.Path, e.Operation, what, look)
}

func (e *missingTaskIDError) Unwrap() error { return e.Err }
