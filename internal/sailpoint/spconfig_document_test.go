package sailpoint_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/isc-community/terraform-provider-sailpoint/internal/sailpoint"
)

// objectsSHA parses doc whole and one byte at a time, so every token
// also crosses a read boundary, and returns the hash both agree on.
func objectsSHA(t *testing.T, doc string) string {
	t.Helper()
	d, err := sailpoint.ParseConfigDocument(strings.NewReader(doc))
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	slow, err := sailpoint.ParseConfigDocument(iotest.OneByteReader(strings.NewReader(doc)))
	if err != nil || slow.ObjectsSHA256 != d.ObjectsSHA256 || len(slow.Objects) != len(d.Objects) {
		t.Fatalf("read a byte at a time: %v, %+v; whole: %+v", err, slow, d)
	}
	return d.ObjectsSHA256
}

const transformA = `{"version":1,"self":{"type":"TRANSFORM","id":"2cd0a0f3a8b84b5d8f5c3a6c5e0c2f1a","name":"Lower Department"},"object":{"name":"Lower Department","type":"lower","attributes":{"input":{"type":"accountAttribute","attributes":{"attributeName":"department","sourceName":"HR"}}}}}`
const ruleB = `{"version":1,"self":{"type":"RULE","id":"8e5b1c2d3f4a4b5c9d0e1f2a3b4c5d6e","name":"Correlate by Email"},"object":{"name":"Correlate by Email","type":"Correlation","sourceCode":{"version":"1.0","script":"return \"x\";\n"},"attributes":{"priority":10,"ratio":0.5}}}`

// The hash rule: the same objects in another order, another formatting,
// or another export of them give the same hash; one changed object changes
// it.
func TestObjectsSHA256Rule(t *testing.T) {
	base := objectsSHA(t, `{"version":1,"timestamp":"2026-11-28T12:00:00Z","tenant":"dev","description":"one","options":{"includeTypes":["RULE","TRANSFORM"]},"objects":[`+transformA+`,`+ruleB+`]}`)
	same := map[string]string{
		"another order": `{"version":1,"timestamp":"2026-11-28T12:00:00Z","tenant":"dev","description":"one","objects":[` + ruleB + `,` + transformA + `]}`,
		"another export": `{"version":1,"timestamp":"2027-01-02T03:04:05.678Z","tenant":"prod","description":"nightly",
			"options":{"excludeTypes":["SOURCE"],"objectOptions":{}},"objects":[` + transformA + `,` + ruleB + `]}`,
		"objects first": `{"objects":[` + transformA + `,` + ruleB + `],"tenant":"x"}`,
		"another formatting": `{
  "objects" : [
    { "object" : { "attributes" : { "input" : { "attributes" : { "sourceName" : "HR", "attributeName" : "department" },
        "type" : "accountAttribute" } }, "type" : "lower", "name" : "Lower Department" },
      "self" : { "name" : "Lower Department", "id" : "2cd0a0f3a8b84b5d8f5c3a6c5e0c2f1a", "type" : "TRANSFORM" },
      "version" : 1.0 },
    {"version":1e0,"self":{"type":"RULE","id":"8e5b1c2d3f4a4b5c9d0e1f2a3b4c5d6e","name":"Correlate by Email"},
     "object":{"name":"Correlate\u0020by Email","type":"Correlation","sourceCode":{"version":"1.0","script":"return \u0022x\u0022;\u000a"},
     "attributes":{"ratio":5E-1,"priority":10.000}}}
  ]
}`,
	}
	for name, doc := range same {
		if got := objectsSHA(t, doc); got != base {
			t.Errorf("%s: %s, want %s", name, got, base)
		}
	}
	changed := map[string]string{
		"a changed value":  strings.Replace(ruleB, `"priority":10`, `"priority":11`, 1),
		"a changed name":   strings.Replace(ruleB, `"Correlate by Email"}`, `"Correlate by Mail"}`, 1),
		"a changed type":   strings.Replace(ruleB, `"type":"Correlation"`, `"type":"correlation"`, 1),
		"a changed string": strings.Replace(ruleB, `return \"x\";\n`, `return \"x\";`, 1),
		"an added field":   strings.Replace(ruleB, `"priority":10`, `"priority":10,"extra":null`, 1),
		"another version":  strings.Replace(ruleB, `{"version":1,`, `{"version":2,`, 1),
	}
	for name, rule := range changed {
		if rule == ruleB {
			t.Fatalf("%s: the change did not apply", name)
		}
		if got := objectsSHA(t, `{"objects":[`+transformA+`,`+rule+`]}`); got == base {
			t.Errorf("%s: the hash did not change", name)
		}
	}
	if got := objectsSHA(t, `{"objects":[`+transformA+`]}`); got == base {
		t.Error("a removed object: the hash did not change")
	}
	if got := objectsSHA(t, `{"objects":[`+transformA+`,`+ruleB+`,`+ruleB+`]}`); got == base {
		t.Error("an object listed twice counts twice")
	}
	if got := objectsSHA(t, `{"objects":[]}`); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("no objects: %s", got)
	}
}

// A vector computed outside Go, by the rule's text (Python 3:
// json.dumps(o, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
// per object, hashlib.sha256 per object, the hex digests sorted, each
// with "\n", hashed). It also matches the jq recipe in the doc comment.
func TestObjectsSHA256Vector(t *testing.T) {
	doc := `{"tenant":"t","objects":[` + transformA + `,` + ruleB + `,{"self":{"type":"SOURCE","id":"é","name":"Ünïcode ☃ 𝄞"},"object":{"b":[1,2,{"z":null,"a":true}],"a":"tab\there"}}]}`
	const want = "009140ab06c9a6c3fb54c1c4678fb226caddbf7abc57ec20771649b90b80a2f1"
	got := objectsSHA(t, doc)
	if got != want {
		t.Errorf("ObjectsSHA256 = %s, want %s", got, want)
	}
}

// The canonical form of each value, as RFC 8785 writes it; compared through
// the hash of a one-object document holding it.
func TestObjectsCanonicalForm(t *testing.T) {
	pairs := []struct{ a, b string }{
		{`{"n":1.0}`, `{"n":1}`},
		{`{"n":1e2}`, `{"n":100}`},
		{`{"n":-0}`, `{"n":0}`},
		{`{"n":0.0000001}`, `{"n":1e-7}`},
		{`{"n":1e21}`, `{"n":1E+21}`},
		{`{"n":123456789012345678901}`, `{"n":123456789012345680000}`},
		{`{"s":"\u00e9\/"}`, `{"s":"é/"}`},
		{`{"s":"\ud834\udd1e"}`, `{"s":"𝄞"}`},
		{`{"b":1,"a":2}`, `{"a":2,"b":1}`},
		{"{\"\ue000\":1,\"\U0001d11e\":2}", "{\"\U0001d11e\":2,\"\ue000\":1}"},
	}
	wrap := func(v string) string { return `{"objects":[` + v + `]}` }
	for _, p := range pairs {
		if a, b := objectsSHA(t, wrap(p.a)), objectsSHA(t, wrap(p.b)); a != b {
			t.Errorf("%s and %s differ", p.a, p.b)
		}
	}
	differ := []struct{ a, b string }{
		{`{"n":1}`, `{"n":"1"}`},
		{`{"n":1.5}`, `{"n":1.50001}`},
		{`{"s":"A"}`, `{"s":"a"}`},
		{`{"a":[1,2]}`, `{"a":[2,1]}`},
		{`{"A":1}`, `{"a":1}`},
	}
	for _, p := range differ {
		if a, b := objectsSHA(t, wrap(p.a)), objectsSHA(t, wrap(p.b)); a == b {
			t.Errorf("%s and %s hash the same", p.a, p.b)
		}
	}
}

func TestConfigDocumentObjects(t *testing.T) {
	d, err := sailpoint.ParseConfigDocument(strings.NewReader(`{"objects":[` + transformA + `,{"self":null,"object":{}},{"self":{"type":"RULE","name":null}},{}]}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range d.Objects {
		s := func(p *string) string {
			if p == nil {
				return "<nil>"
			}
			return *p
		}
		got = append(got, s(o.Type)+"/"+s(o.ID)+"/"+s(o.Name))
	}
	want := "TRANSFORM/2cd0a0f3a8b84b5d8f5c3a6c5e0c2f1a/Lower Department <nil>/<nil>/<nil> RULE/<nil>/<nil> <nil>/<nil>/<nil>"
	if strings.Join(got, " ") != want {
		t.Errorf("objects %q", got)
	}
	if types := d.Types(); strings.Join(types, ",") != "RULE,TRANSFORM" {
		t.Errorf("types %v", types)
	}
}

// Each refused document names what is wrong, and where.
func TestConfigDocumentRefused(t *testing.T) {
	cases := map[string]struct{ doc, want string }{
		"empty":            {"", "it is empty"},
		"blank":            {" \n\t", "it is empty"},
		"not JSON":         {"objects: []", `line 1, column 1 (byte 0): the character "o" where a JSON value should start`},
		"an array":         {`[{"objects":[]}]`, "it is an array, not a JSON object with an objects array"},
		"no objects":       {`{"version":1,"tenant":"t"}`, `it has no "objects" array`},
		"objects null":     {`{"objects":null}`, `"objects" is null, not an array`},
		"objects object":   {`{"objects":{}}`, `"objects" is an object, not an array`},
		"element a string": {`{"objects":[{}, "x"]}`, "objects[1] is a string, not a JSON object"},
		"self a string":    {`{"objects":[{"self":"RULE"}]}`, "objects[0].self is a string, not an object"},
		"self.type number": {`{"objects":[{"self":{"type":7}}]}`, "objects[0].self.type is a number, not a string"},
		"cut short":        {`{"objects":[{"self":{"type":"RULE"`, "the document ends too early"},
		"trailing comma":   {`{"objects":[{},]}`, `the character "]" where a JSON value should start`},
		"data after":       {`{"objects":[]} {}`, "data after the JSON document"},
		"duplicate name":   {`{"objects":[{"a":1,"b":2,"a":3}]}`, `line 1, column 31 (byte 30): the name "a" appears twice in the object that ends here`},
		"duplicate top":    {`{"objects":[],"objects":[]}`, `the name "objects" appears twice in the document's top-level object`},
		"lone surrogate":   {`{"objects":[{"s":"\ud800x"}]}`, `a lone UTF-16 surrogate \ud800`},
		"low surrogate":    {`{"objects":[{"s":"\udc00"}]}`, `a lone UTF-16 surrogate \udc00`},
		"not UTF-8":        {"{\"objects\":[{\"s\":\"\xff\"}]}", "a byte (0xff) that is not UTF-8"},
		"overlong UTF-8":   {"{\"objects\":[{\"s\":\"\xc0\xaf\"}]}", "not UTF-8"},
		"control char":     {"{\"objects\":[{\"s\":\"a\nb\"}]}", "a control character (0x0a) in a string"},
		"bad escape":       {`{"objects":[{"s":"\x"}]}`, `the character "x" after a backslash, which is no JSON escape`},
		"huge number":      {`{"objects":[{"n":1e400}]}`, "the number 1e400 is too large for a double"},
		"leading zero":     {`{"objects":[{"n":01}]}`, "a number with a leading zero"},
		"bare point":       {`{"objects":[{"n":1.}]}`, "no digit after its decimal point"},
		"BOM":              {"\xEF\xBB\xBF{\"objects\":[]}", "byte order mark"},
		"bad literal":      {`{"objects":[{"t":tru}]}`, `the character "}" in the literal true`},
		"second line":      {"{\n  \"objects\": [\n    {\"a\": nul }\n  ]\n}", `line 3, column 14 (byte 30): the character " " in the literal null`},
		"deep": {`{"objects":[` + strings.Repeat(`{"a":`, sailpoint.MaxConfigDocumentDepth+1) + `1` + strings.Repeat(`}`, sailpoint.MaxConfigDocumentDepth+1) + `]}`,
			"nest deeper than 512 levels"},
	}
	for name, c := range cases {
		_, err := sailpoint.ParseConfigDocument(strings.NewReader(c.doc))
		var de *sailpoint.ConfigDocumentError
		if !errors.As(err, &de) || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "not an SP-Config document: ") {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
		if _, slow := sailpoint.ParseConfigDocument(iotest.OneByteReader(strings.NewReader(c.doc))); slow == nil || slow.Error() != err.Error() {
			t.Errorf("%s: read a byte at a time: %v; whole: %v", name, slow, err)
		}
	}
}

func TestConfigDocumentFileNamed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "export.json")
	if err := os.WriteFile(path, []byte(`{"objects":"none"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := sailpoint.ParseConfigDocumentFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+": not an SP-Config document: ") {
		t.Errorf("%v", err)
	}
	if _, err := sailpoint.ParseConfigDocumentFile(filepath.Join(t.TempDir(), "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
	// A read that fails is told apart from a bad document.
	broken := errors.New("disk gone")
	_, err = sailpoint.ParseConfigDocument(io.MultiReader(strings.NewReader(`{"objects":[`), iotest.ErrReader(broken)))
	if !errors.Is(err, broken) || !strings.Contains(err.Error(), "reading the document") {
		t.Errorf("read error: %v", err)
	}
}

// FuzzConfigDocument: a document accepted is valid JSON, and its
// canonical objects decode to the same values (checked through the
// hash being the same for the document re-encoded by encoding/json, which
// changes order and formatting).
func FuzzConfigDocument(f *testing.F) {
	f.Add(`{"objects":[` + transformA + `,` + ruleB + `]}`)
	f.Add(`{"objects":[{"n":[1.5e3,-0,"\u00e9",{"b":1,"a":[true,false,null]}]}]}`)
	f.Add(`{"objects":[{"s":"\ud834\udd1e\n\u0001"}],"x":{"y":[]}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		d, err := sailpoint.ParseConfigDocument(strings.NewReader(doc))
		slow, slowErr := sailpoint.ParseConfigDocument(iotest.OneByteReader(strings.NewReader(doc)))
		if (err == nil) != (slowErr == nil) || err != nil && err.Error() != slowErr.Error() || err == nil && slow.ObjectsSHA256 != d.ObjectsSHA256 {
			t.Fatalf("%q: whole %v, a byte at a time %v", doc, err, slowErr)
		}
		if err != nil {
			return
		}
		if !json.Valid([]byte(doc)) {
			t.Fatalf("accepted invalid JSON %q", doc)
		}
		var v struct {
			Objects []map[string]any `json:"objects"`
		}
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			t.Fatalf("accepted %q: %v", doc, err)
		}
		if len(v.Objects) != len(d.Objects) {
			t.Fatalf("%d objects, encoding/json reads %d", len(d.Objects), len(v.Objects))
		}
		// encoding/json writes maps sorted by name and floats in its own
		// form; the canonical hash must not see the difference.
		again, err := json.Marshal(v)
		if err != nil {
			return
		}
		d2, err := sailpoint.ParseConfigDocument(bytes.NewReader(again))
		if err != nil {
			t.Fatalf("re-encoded %q refused: %v", again, err)
		}
		if d2.ObjectsSHA256 != d.ObjectsSHA256 {
			t.Fatalf("%q and its re-encoding %q hash differently", doc, again)
		}
	})
}

// bigDocument is an export of n objects of about size bytes each, in
// tenant-like JSON: nested objects, arrays, numbers, escapes and
// non-ASCII text.
func bigDocument(n, size int) []byte {
	types := []string{"TRANSFORM", "RULE", "SOURCE", "IDENTITY_PROFILE", "ROLE", "WORKFLOW"}
	var b bytes.Buffer
	b.WriteString(`{"version":1,"timestamp":"2026-11-28T12:00:00.000Z","tenant":"bench","description":"benchmark","options":{"includeTypes":[],"excludeTypes":[],"objectOptions":{}},"objects":[`)
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		start := b.Len()
		typ := types[i%len(types)]
		fmt.Fprintf(&b, `{"version":1,"self":{"type":%q,"id":"%032x","name":"Object %d – Ünïcode"},"object":{"name":"Object %d","description":"Line one\nLine \"two\" \u00e9","enabled":true,"owner":null,"priority":%d,"ratio":%g,"attributes":{`,
			typ, i, i, i, i%100, float64(i)/7)
		for j := 0; b.Len()-start < size-200; j++ {
			if j > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"attr%03d":{"value":"value %d of object %d","list":[%d,%d.5,"x"],"nested":{"z":%d,"a":false}}`, j, j, i, j, j, j)
		}
		b.WriteString(`}}}`)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

var bigDoc = sync.OnceValue(func() []byte { return bigDocument(5000, 4000) })

// BenchmarkObjectsSHA256 parses and hashes a 20 MB document of 5,000
// objects: from memory (an export download) and from a file (plan time).
// peak-heap-MB is the most heap in use during one run above what was in
// use before it.
func BenchmarkObjectsSHA256(b *testing.B) {
	doc := bigDoc()
	path := filepath.Join(b.TempDir(), "export.json")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		b.Fatal(err)
	}
	for _, from := range []string{"memory", "file"} {
		b.Run(from, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			peak := watchHeap(b)
			for b.Loop() {
				var d *sailpoint.ConfigDocument
				var err error
				if from == "file" {
					d, err = sailpoint.ParseConfigDocumentFile(path)
				} else {
					d, err = sailpoint.ParseConfigDocument(bytes.NewReader(doc))
				}
				if err != nil || len(d.Objects) != 5000 {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(doc))/1e6, "doc-MB")
			b.ReportMetric(peak()/1e6, "peak-heap-MB")
		})
	}
}

// watchHeap samples the heap in use until the benchmark ends and returns
// its peak above the start.
func watchHeap(b *testing.B) func() float64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(200 * time.Microsecond):
			}
		}
	}()
	return func() float64 {
		close(done)
		<-stopped
		return float64(peak.Load()) - float64(base)
	}
}
