package sailpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// An SP-Config document is what an export downloads and an import uploads:
// a JSON object whose "objects" array holds one ConfigObject
// ({version, self: {type, id, name}, object}) per configuration object,
// beside metadata (version, timestamp, tenant, description, options) that
// changes with every export. ParseConfigDocument reads one as a stream:
// it never holds more than the largest object, so a 20 MB document of
// 5,000 objects is checked and hashed in one pass with little memory.
//
// # objects_sha256
//
// ObjectsSHA256 identifies a document by its objects alone. It is the same
// for the same objects in another order, another formatting, or another
// export of them (a new timestamp, tenant or description), and changes when
// any object changes, is added or is removed. It is computed as follows:
//
//  1. The document is UTF-8 JSON (RFC 8259) whose top level is an object
//     with an "objects" member that is an array of JSON objects. Nothing
//     else of the document counts.
//  2. Each element of "objects" (the whole element: its version, self and
//     object) is written in the JSON Canonicalization Scheme, RFC 8785:
//     no white space between tokens; the members of every object sorted
//     by name, compared as UTF-16 code units; strings with only ", \ and
//     the control characters U+0000 to U+001F escaped (as \b, \t, \n, \f,
//     \r, or else \u00xx in lower-case hex) and every other character as
//     itself in UTF-8; numbers as the IEEE 754 double they denote, written
//     as ECMAScript writes a number (1.0 and 1e0 are 1, 1e21 is 1e+21,
//     0.0000001 is 1e-7, -0 is 0); true, false and null as themselves.
//  3. Each canonical element is hashed with SHA-256 and written as 64
//     lower-case hexadecimal digits.
//  4. These digests are sorted in ascending order, each is followed by one
//     line feed (0x0A), and objects_sha256 is the SHA-256 of that text, in
//     lower-case hexadecimal.
//
// An object listed twice counts twice. A document with an empty "objects"
// array has the SHA-256 of the empty text,
// e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.
// Numbers are compared as doubles, as RFC 8785 says: two numbers that
// differ only past the 17th significant digit are the same number here.
//
// A document is refused, naming what is wrong and where, when it is not
// such JSON: not UTF-8, a byte order mark, a lone UTF-16 surrogate escape,
// a number too large for a double, a name twice in one object (I-JSON,
// RFC 7493, which RFC 8785 builds on), nesting deeper than
// MaxConfigDocumentDepth, no "objects" array, or an element that is not an
// object. With jq, for documents free of those corner cases and of numbers
// jq writes differently (jq 1.7 keeps 1.0 as written), the same value is:
//
//	jq -cS '.objects[]' doc.json | while IFS= read -r o; do
//	  printf '%s' "$o" | sha256sum | cut -c1-64
//	done | LC_ALL=C sort | sha256sum

// MaxConfigDocumentDepth is the deepest nesting of objects and arrays a
// document may have.
const MaxConfigDocumentDepth = 512

// ConfigDocument is what an SP-Config document holds that callers act on.
type ConfigDocument struct {
	// Objects are the document's objects in document order, each named by
	// its self.
	Objects []ConfigObjectRef
	// ObjectsSHA256 is the canonical hash of the objects (see above).
	ObjectsSHA256 string
}

// ConfigObjectRef is an object's self: its type, id and name, each nil when
// self or the field is absent or null.
type ConfigObjectRef struct {
	Type, ID, Name *string
}

// Types lists the distinct object types of the document, sorted.
func (d *ConfigDocument) Types() []string {
	var out []string
	for _, o := range d.Objects {
		if o.Type != nil && !slices.Contains(out, *o.Type) {
			out = append(out, *o.Type)
		}
	}
	slices.Sort(out)
	return out
}

// ConfigDocumentError says why a document was refused, and where.
type ConfigDocumentError struct {
	// Source names the document, such as a file path; "" when the caller
	// gave none.
	Source string
	// Line and Column (1-based, in bytes) and Offset (0-based) locate the
	// problem; Line is 0 when it has no one place (no objects array).
	Line, Column int
	Offset       int64
	Problem      string
	// Err is a read error, when reading failed.
	Err error
}

func (e *ConfigDocumentError) Error() string {
	var b strings.Builder
	if e.Source != "" {
		b.WriteString(e.Source + ": ")
	}
	b.WriteString("not an SP-Config document: ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d (byte %d): ", e.Line, e.Column, e.Offset)
	}
	b.WriteString(e.Problem)
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *ConfigDocumentError) Unwrap() error { return e.Err }

// ParseConfigDocument reads a document from r as a stream, checks it and
// computes its objects and ObjectsSHA256. A refused document is a
// *ConfigDocumentError.
func ParseConfigDocument(r io.Reader) (*ConfigDocument, error) {
	p := &docParser{r: r, buf: make([]byte, 64<<10), line: 1}
	doc, err := p.document()
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// ParseConfigDocumentFile is ParseConfigDocument on a file; its errors name
// the file.
func ParseConfigDocumentFile(path string) (*ConfigDocument, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }() // read only: nothing to lose
	doc, err := ParseConfigDocument(f)
	var de *ConfigDocumentError
	if errors.As(err, &de) {
		de.Source = path
	}
	return doc, err
}

// docParser reads one document. out is the canonical form of the value
// being read, keys the decoded member names of the objects open in it.
type docParser struct {
	r        io.Reader
	buf      []byte
	pos, end int   // buf[pos:end] is read and not yet used
	base     int64 // the offset of buf[0]
	readErr  error // the read error after buf[:end], io.EOF at the end
	// line and lineStart (the offset of its first byte) locate problems;
	// only white space holds line feeds in a valid document.
	line      int
	lineStart int64
	depth     int

	out     []byte
	tmp     []byte
	keys    []byte
	str     []byte     // the string just read, decoded
	plain   bool       // str holds no character RFC 8785 escapes
	num     []byte     // the number just read, as written
	members [][]member // per depth, reused
}

// member is one member of an object being read: its decoded name at
// keys[k0:k1], its canonical "name":value at out[v0:v1].
type member struct{ k0, k1, v0, v1 int }

// offset is the offset of the next byte.
func (p *docParser) offset() int64 { return p.base + int64(p.pos) }

// errAt is a problem at the byte just read.
func (p *docParser) errAt(format string, args ...any) error {
	off := p.offset()
	return &ConfigDocumentError{Line: p.line, Column: max(int(off-p.lineStart), 1), Offset: max(off-1, 0), Problem: fmt.Sprintf(format, args...)}
}

// fill reads more of the document into buf once buf[pos:end] is used up;
// false at its end or on a read error.
func (p *docParser) fill() bool {
	for p.pos >= p.end {
		if p.readErr != nil {
			return false
		}
		p.base += int64(p.end)
		p.pos, p.end = 0, 0
		n, err := p.r.Read(p.buf)
		p.end = n
		if err != nil {
			p.readErr = err
		}
	}
	return true
}

// endErr is the error of a document that ended, or failed to read, where
// more was expected.
func (p *docParser) endErr() error {
	if errors.Is(p.readErr, io.EOF) {
		return p.errAt("the document ends too early")
	}
	off := p.offset()
	return &ConfigDocumentError{Line: p.line, Column: int(off-p.lineStart) + 1, Offset: off, Problem: "reading the document", Err: p.readErr}
}

func (p *docParser) next() (byte, error) {
	if p.pos >= p.end && !p.fill() {
		return 0, p.endErr()
	}
	b := p.buf[p.pos]
	p.pos++
	return b, nil
}

// peek is the next byte, not read; false at the end (or a read error,
// which the next read reports).
func (p *docParser) peek() (byte, bool) {
	if p.pos >= p.end && !p.fill() {
		return 0, false
	}
	return p.buf[p.pos], true
}

// nonSpace reads past white space and returns the next byte.
func (p *docParser) nonSpace() (byte, error) {
	for {
		for p.pos < p.end {
			b := p.buf[p.pos]
			p.pos++
			switch b {
			case ' ', '\t', '\r':
			case '\n':
				p.line++
				p.lineStart = p.offset()
			default:
				return b, nil
			}
		}
		if !p.fill() {
			return 0, p.endErr()
		}
	}
}

func (p *docParser) document() (*ConfigDocument, error) {
	if b, ok := p.peek(); ok && b == 0xEF {
		return nil, &ConfigDocumentError{Line: 1, Column: 1, Problem: "it starts with a byte order mark (BOM), which JSON does not allow: save it as UTF-8 without one"}
	}
	b, err := p.nonSpace()
	if err != nil {
		if errors.Is(p.readErr, io.EOF) {
			return nil, &ConfigDocumentError{Problem: "it is empty"}
		}
		return nil, err
	}
	if b != '{' {
		if !startsValue(b) {
			return nil, p.errAt("%s where a JSON value should start", quoteByte(b))
		}
		return nil, p.errAt("it is %s, not a JSON object with an objects array", kindOf(b))
	}
	doc := &ConfigDocument{Objects: []ConfigObjectRef{}}
	var digests [][sha256.Size]byte
	var seen []string
	foundObjects := false
	for first := true; ; first = false {
		b, err := p.nonSpace()
		if err != nil {
			return nil, err
		}
		if b == '}' && first {
			break
		}
		if b != '"' {
			return nil, p.errAt("%s where a member name should start", quoteByte(b))
		}
		if err := p.readString(); err != nil {
			return nil, err
		}
		name := string(p.str)
		if slices.Contains(seen, name) {
			return nil, p.errAt("the name %q appears twice in the document's top-level object", CleanText(name))
		}
		seen = append(seen, name)
		if err := p.colon(); err != nil {
			return nil, err
		}
		if name == "objects" {
			foundObjects = true
			if digests, err = p.objects(doc); err != nil {
				return nil, err
			}
		} else {
			// Metadata is checked as JSON, and not kept.
			p.out = p.out[:0]
			b, err := p.nonSpace()
			if err != nil {
				return nil, err
			}
			if err := p.value(b); err != nil {
				return nil, err
			}
		}
		b, err = p.nonSpace()
		if err != nil {
			return nil, err
		}
		if b == '}' {
			break
		}
		if b != ',' {
			return nil, p.errAt("%s where a comma or } should follow a member", quoteByte(b))
		}
	}
	if _, err := p.nonSpace(); err == nil {
		return nil, p.errAt("data after the JSON document")
	} else if !errors.Is(p.readErr, io.EOF) {
		return nil, err
	}
	if !foundObjects {
		return nil, &ConfigDocumentError{Problem: `it has no "objects" array (an SP-Config document is a JSON object whose "objects" array holds the configuration objects)`}
	}
	doc.ObjectsSHA256 = objectsDigest(digests)
	return doc, nil
}

// objectsDigest is step 4 of the rule: the SHA-256 of the sorted hex
// digests, each followed by a line feed. Lower-case hex sorts as the raw
// digests do.
func objectsDigest(digests [][sha256.Size]byte) string {
	slices.SortFunc(digests, func(a, b [sha256.Size]byte) int { return bytes.Compare(a[:], b[:]) })
	h := sha256.New()
	line := make([]byte, 2*sha256.Size+1)
	line[2*sha256.Size] = '\n'
	for _, d := range digests {
		hex.Encode(line, d[:])
		h.Write(line)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// objects reads the objects array: each element canonical, hashed, and
// named by its self.
func (p *docParser) objects(doc *ConfigDocument) ([][sha256.Size]byte, error) {
	b, err := p.nonSpace()
	if err != nil {
		return nil, err
	}
	if b != '[' {
		if !startsValue(b) {
			return nil, p.errAt("%s where a JSON value should start", quoteByte(b))
		}
		return nil, p.errAt(`"objects" is %s, not an array`, kindOf(b))
	}
	digests := [][sha256.Size]byte{}
	for i := 0; ; i++ {
		b, err := p.nonSpace()
		if err != nil {
			return nil, err
		}
		if b == ']' && i == 0 {
			return digests, nil
		}
		if b != '{' {
			if !startsValue(b) {
				return nil, p.errAt("%s where a JSON value should start", quoteByte(b))
			}
			return nil, p.errAt("objects[%d] is %s, not a JSON object", i, kindOf(b))
		}
		p.out = p.out[:0]
		var ref ConfigObjectRef
		if err := p.object(objectAt{element: i, ref: &ref}); err != nil {
			return nil, err
		}
		digests = append(digests, sha256.Sum256(p.out))
		doc.Objects = append(doc.Objects, ref)
		b, err = p.nonSpace()
		if err != nil {
			return nil, err
		}
		if b == ']' {
			return digests, nil
		}
		if b != ',' {
			return nil, p.errAt("%s where a comma or ] should follow objects[%d]", quoteByte(b), i)
		}
	}
}

// objectAt says which object is read: an element of objects (whose self
// names it), its self (whose type, id and name fill ref), or another.
type objectAt struct {
	element int // >= 0 for objects[element] and its self
	ref     *ConfigObjectRef
	self    bool
}

// object reads an object (its { read) and appends its canonical form to
// out.
func (p *docParser) object(at objectAt) error {
	if p.depth++; p.depth > MaxConfigDocumentDepth {
		return p.errAt("objects and arrays nest deeper than %d levels", MaxConfigDocumentDepth)
	}
	defer func() { p.depth-- }()
	for len(p.members) <= p.depth {
		p.members = append(p.members, nil)
	}
	members := p.members[p.depth][:0]
	start, keysStart := len(p.out), len(p.keys)
	for first := true; ; first = false {
		b, err := p.nonSpace()
		if err != nil {
			return err
		}
		if b == '}' && first {
			break
		}
		if b != '"' {
			return p.errAt("%s where a member name should start", quoteByte(b))
		}
		if err := p.readString(); err != nil {
			return err
		}
		m := member{k0: len(p.keys), v0: len(p.out)}
		p.keys = append(p.keys, p.str...)
		m.k1 = len(p.keys)
		p.canonicalString()
		p.out = append(p.out, ':')
		if err := p.colon(); err != nil {
			return err
		}
		b, err = p.nonSpace()
		if err != nil {
			return err
		}
		var field **string // self's type, id or name
		name := p.keys[m.k0:m.k1]
		if at.self {
			switch string(name) {
			case "type":
				field = &at.ref.Type
			case "id":
				field = &at.ref.ID
			case "name":
				field = &at.ref.Name
			}
		}
		switch {
		case at.element >= 0 && !at.self && string(name) == "self":
			err = p.self(b, at.element, at.ref)
		case field != nil:
			err = p.selfField(b, at, string(name), field)
		default:
			err = p.value(b)
		}
		if err != nil {
			return err
		}
		m.v1 = len(p.out)
		members = append(members, m)
		if b, err = p.nonSpace(); err != nil {
			return err
		}
		if b == '}' {
			break
		}
		if b != ',' {
			return p.errAt("%s where a comma or } should follow a member", quoteByte(b))
		}
	}
	p.members[p.depth] = members
	keys := p.keys
	slices.SortStableFunc(members, func(a, b member) int { return compareUTF16(keys[a.k0:a.k1], keys[b.k0:b.k1]) })
	for i := 1; i < len(members); i++ {
		if k := keys[members[i].k0:members[i].k1]; compareUTF16(k, keys[members[i-1].k0:members[i-1].k1]) == 0 {
			return p.errAt("the name %q appears twice in the object that ends here", CleanText(string(k)))
		}
	}
	// Reassemble the members in order: {m1,m2,...}.
	p.tmp = append(p.tmp[:0], p.out[start:]...)
	p.out = append(p.out[:start], '{')
	for i, m := range members {
		if i > 0 {
			p.out = append(p.out, ',')
		}
		p.out = append(p.out, p.tmp[m.v0-start:m.v1-start]...)
	}
	p.out = append(p.out, '}')
	p.keys = p.keys[:keysStart]
	return nil
}

// self reads objects[element].self (its first byte b read): an object, or
// null.
func (p *docParser) self(b byte, element int, ref *ConfigObjectRef) error {
	switch b {
	case 'n':
		return p.value(b)
	case '{':
		return p.object(objectAt{element: element, ref: ref, self: true})
	}
	if !startsValue(b) {
		return p.errAt("%s where a JSON value should start", quoteByte(b))
	}
	return p.errAt("objects[%d].self is %s, not an object", element, kindOf(b))
}

// selfField reads the value (first byte b read) of self's type, id or name
// into field: a string, or null.
func (p *docParser) selfField(b byte, at objectAt, name string, field **string) error {
	switch b {
	case 'n':
		return p.value(b)
	case '"':
		if err := p.readString(); err != nil {
			return err
		}
		s := string(p.str)
		*field = &s
		p.canonicalString()
		return nil
	}
	if !startsValue(b) {
		return p.errAt("%s where a JSON value should start", quoteByte(b))
	}
	return p.errAt("objects[%d].self.%s is %s, not a string", at.element, name, kindOf(b))
}

func (p *docParser) colon() error {
	b, err := p.nonSpace()
	if err != nil {
		return err
	}
	if b != ':' {
		return p.errAt("%s where a colon should follow a member name", quoteByte(b))
	}
	return nil
}

// value reads a value whose first byte b was read and appends its
// canonical form to out.
func (p *docParser) value(b byte) error {
	switch {
	case b == '{':
		return p.object(objectAt{element: -1})
	case b == '[':
		return p.array()
	case b == '"':
		if err := p.readString(); err != nil {
			return err
		}
		p.canonicalString()
		return nil
	case b == '-' || b >= '0' && b <= '9':
		return p.number(b)
	case b == 't':
		return p.literal("true")
	case b == 'f':
		return p.literal("false")
	case b == 'n':
		return p.literal("null")
	}
	return p.errAt("%s where a JSON value should start", quoteByte(b))
}

func (p *docParser) array() error {
	if p.depth++; p.depth > MaxConfigDocumentDepth {
		return p.errAt("objects and arrays nest deeper than %d levels", MaxConfigDocumentDepth)
	}
	defer func() { p.depth-- }()
	p.out = append(p.out, '[')
	for first := true; ; first = false {
		b, err := p.nonSpace()
		if err != nil {
			return err
		}
		if b == ']' && first {
			break
		}
		if !first {
			p.out = append(p.out, ',')
		}
		if err := p.value(b); err != nil {
			return err
		}
		if b, err = p.nonSpace(); err != nil {
			return err
		}
		if b == ']' {
			break
		}
		if b != ',' {
			return p.errAt("%s where a comma or ] should follow an array element", quoteByte(b))
		}
	}
	p.out = append(p.out, ']')
	return nil
}

func (p *docParser) literal(word string) error {
	for i := 1; i < len(word); i++ {
		b, err := p.next()
		if err != nil {
			return err
		}
		if b != word[i] {
			return p.errAt("%s in the literal %s", quoteByte(b), word)
		}
	}
	p.out = append(p.out, word...)
	return nil
}

// number reads a number (its first byte b read), checks it against the
// JSON grammar and the range of a double, and appends it as ECMAScript
// writes it.
func (p *docParser) number(b byte) error {
	lit := append(p.num[:0], b)
	digits := func() int {
		n := 0
		for {
			c, ok := p.peek()
			if !ok || c < '0' || c > '9' {
				return n
			}
			p.pos++
			lit = append(lit, c)
			n++
		}
	}
	if b == '-' {
		c, err := p.next()
		if err != nil {
			return err
		}
		if c < '0' || c > '9' {
			return p.errAt("%s where a digit should follow -", quoteByte(c))
		}
		lit = append(lit, c)
		b = c
	}
	if b == '0' {
		if c, ok := p.peek(); ok && c >= '0' && c <= '9' {
			p.pos++
			return p.errAt("a number with a leading zero")
		}
	} else {
		digits()
	}
	integer := true
	if c, ok := p.peek(); ok && c == '.' {
		p.pos++
		lit = append(lit, c)
		integer = false
		if digits() == 0 {
			return p.errAt("a number with no digit after its decimal point")
		}
	}
	if c, ok := p.peek(); ok && (c == 'e' || c == 'E') {
		p.pos++
		lit = append(lit, c)
		integer = false
		if c, ok := p.peek(); ok && (c == '+' || c == '-') {
			p.pos++
			lit = append(lit, c)
		}
		if digits() == 0 {
			return p.errAt("a number with no digit in its exponent")
		}
	}
	p.num = lit
	// An integer of up to 15 digits is a double exactly, and ECMAScript
	// writes it as its digits (-0 as 0).
	if digits := bytes.TrimPrefix(lit, []byte{'-'}); integer && len(digits) <= 15 {
		if len(digits) < len(lit) && string(digits) != "0" {
			p.out = append(p.out, '-')
		}
		p.out = append(p.out, digits...)
		return nil
	}
	f, err := strconv.ParseFloat(string(lit), 64)
	if err != nil || math.IsInf(f, 0) {
		return p.errAt("the number %s is too large for a double (IEEE 754), which RFC 8785 requires", CleanText(string(lit[:min(len(lit), 40)])))
	}
	p.out = appendES6Number(p.out, f)
	return nil
}

// readString reads a string (its opening quote read) into str, decoded.
func (p *docParser) readString() error {
	p.str, p.plain = p.str[:0], true
	for {
		// The run of plain ASCII in what is buffered is taken at once.
		run := p.buf[p.pos:p.end]
		n := 0
		for n < len(run) {
			c := run[n]
			if c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
				break
			}
			n++
		}
		p.str = append(p.str, run[:n]...)
		p.pos += n
		if n == len(run) {
			if !p.fill() {
				return p.endErr()
			}
			continue
		}
		b, err := p.next()
		if err != nil {
			return err
		}
		switch {
		case b == '"':
			return nil
		case b == '\\':
			if err := p.escape(); err != nil {
				return err
			}
		case b < 0x20:
			return p.errAt("a control character (0x%02x) in a string: JSON requires it escaped", b)
		default:
			if err := p.utf8Rune(b); err != nil {
				return err
			}
		}
	}
}

// utf8Rune reads the rest of a UTF-8 sequence that starts with b.
func (p *docParser) utf8Rune(b byte) error {
	n := 0
	switch {
	case b&0xE0 == 0xC0:
		n = 1
	case b&0xF0 == 0xE0:
		n = 2
	case b&0xF8 == 0xF0:
		n = 3
	default:
		return p.errAt("a byte (0x%02x) that is not UTF-8", b)
	}
	seq := [4]byte{b}
	for i := 1; i <= n; i++ {
		c, err := p.next()
		if err != nil {
			return err
		}
		if c&0xC0 != 0x80 {
			return p.errAt("a byte (0x%02x) that is not UTF-8", c)
		}
		seq[i] = c
	}
	if r, size := utf8.DecodeRune(seq[:n+1]); r == utf8.RuneError || size != n+1 {
		return p.errAt("a sequence of bytes that is not UTF-8")
	}
	p.str = append(p.str, seq[:n+1]...)
	return nil
}

// escape reads an escape sequence (its backslash read) into str.
func (p *docParser) escape() error {
	b, err := p.next()
	if err != nil {
		return err
	}
	switch b {
	case '"', '\\':
		p.str, p.plain = append(p.str, b), false
	case '/':
		p.str = append(p.str, b)
	case 'b':
		p.str, p.plain = append(p.str, '\b'), false
	case 'f':
		p.str, p.plain = append(p.str, '\f'), false
	case 'n':
		p.str, p.plain = append(p.str, '\n'), false
	case 'r':
		p.str, p.plain = append(p.str, '\r'), false
	case 't':
		p.str, p.plain = append(p.str, '\t'), false
	case 'u':
		r, err := p.hex4()
		if err != nil {
			return err
		}
		switch {
		case utf16.IsSurrogate(r) && r < 0xDC00:
			// A high surrogate must be followed by a low one.
			b1, err := p.next()
			if err != nil {
				return err
			}
			b2, err := p.next()
			if err != nil {
				return err
			}
			if b1 != '\\' || b2 != 'u' {
				return p.errAt(`a lone UTF-16 surrogate \u%04x in a string`, r)
			}
			lo, err := p.hex4()
			if err != nil {
				return err
			}
			if lo < 0xDC00 || lo > 0xDFFF {
				return p.errAt(`a lone UTF-16 surrogate \u%04x in a string`, r)
			}
			r = utf16.DecodeRune(r, lo)
		case utf16.IsSurrogate(r):
			return p.errAt(`a lone UTF-16 surrogate \u%04x in a string`, r)
		}
		p.str = utf8.AppendRune(p.str, r)
		if r < 0x20 || r == '"' || r == '\\' {
			p.plain = false
		}
	default:
		return p.errAt(`%s after a backslash, which is no JSON escape`, quoteByte(b))
	}
	return nil
}

func (p *docParser) hex4() (rune, error) {
	var r rune
	for range 4 {
		b, err := p.next()
		if err != nil {
			return 0, err
		}
		var d byte
		switch {
		case b >= '0' && b <= '9':
			d = b - '0'
		case b >= 'a' && b <= 'f':
			d = b - 'a' + 10
		case b >= 'A' && b <= 'F':
			d = b - 'A' + 10
		default:
			return 0, p.errAt(`%s in a \u escape, which takes 4 hexadecimal digits`, quoteByte(b))
		}
		r = r<<4 | rune(d)
	}
	return r, nil
}

// canonicalString appends str, the string just read, as RFC 8785 writes it.
func (p *docParser) canonicalString() {
	if p.plain {
		p.out = append(p.out, '"')
		p.out = append(p.out, p.str...)
		p.out = append(p.out, '"')
		return
	}
	p.out = appendCanonicalString(p.out, p.str)
}

// appendCanonicalString appends s (valid UTF-8) as RFC 8785 writes a string.
func appendCanonicalString(out, s []byte) []byte {
	const hexDigits = "0123456789abcdef"
	out = append(out, '"')
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c >= 0x20:
			out = append(out, c)
		case c == '\b':
			out = append(out, '\\', 'b')
		case c == '\t':
			out = append(out, '\\', 't')
		case c == '\n':
			out = append(out, '\\', 'n')
		case c == '\f':
			out = append(out, '\\', 'f')
		case c == '\r':
			out = append(out, '\\', 'r')
		default:
			out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
	}
	return append(out, '"')
}

// appendES6Number appends f as ECMAScript's Number::toString writes it,
// which RFC 8785 uses: the shortest digits that read back as f, in plain
// notation for exponents from -7 to 20, else with an exponent.
func appendES6Number(out []byte, f float64) []byte {
	if f == 0 {
		return append(out, '0') // -0 too
	}
	if f < 0 {
		out = append(out, '-')
		f = -f
	}
	// d.ddde±x: the shortest digits that read back as f, and n such that
	// f = 0.digits × 10^n.
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, 64)
	mark := bytes.IndexByte(e, 'e')
	var digitBuf [24]byte
	digits := digitBuf[:0]
	for _, c := range e[:mark] {
		if c != '.' {
			digits = append(digits, c)
		}
	}
	x, _ := strconv.Atoi(string(e[mark+1:]))
	k, n := len(digits), x+1
	switch {
	case k <= n && n <= 21:
		out = append(out, digits...)
		for range n - k {
			out = append(out, '0')
		}
	case 0 < n && n <= 21:
		out = append(out, digits[:n]...)
		out = append(out, '.')
		out = append(out, digits[n:]...)
	case -6 < n && n <= 0:
		out = append(out, '0', '.')
		for range -n {
			out = append(out, '0')
		}
		out = append(out, digits...)
	default:
		out = append(out, digits[0])
		if k > 1 {
			out = append(out, '.')
			out = append(out, digits[1:]...)
		}
		out = append(out, 'e')
		if n-1 >= 0 {
			out = append(out, '+')
		}
		out = strconv.AppendInt(out, int64(n-1), 10)
	}
	return out
}

// compareUTF16 compares two UTF-8 strings as sequences of UTF-16 code
// units, the order RFC 8785 sorts names in (it differs from code point
// order only between U+E000-U+FFFF and characters past U+FFFF).
func compareUTF16(a, b []byte) int {
	// UTF-8 bytes sort as code points do; code points sort as UTF-16
	// does unless the first difference is between two bytes that both
	// start U+E000 or later.
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(a) || i == len(b) {
		return len(a) - len(b)
	}
	if a[i] < 0xEE || b[i] < 0xEE {
		return int(a[i]) - int(b[i])
	}
	for len(a) > 0 && len(b) > 0 {
		ra, na := utf8.DecodeRune(a)
		rb, nb := utf8.DecodeRune(b)
		if ra != rb {
			return utf16Unit(ra) - utf16Unit(rb)
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

// utf16Unit is the first UTF-16 code unit of r (with the second, when two
// runes share the first, ordering them as their code points do).
func utf16Unit(r rune) int {
	if r < 0x10000 {
		return int(r) << 10
	}
	hi, lo := utf16.EncodeRune(r)
	return int(hi)<<10 | int(lo-0xDC00)
}

func startsValue(b byte) bool {
	return b == '{' || b == '[' || b == '"' || b == '-' || b >= '0' && b <= '9' || b == 't' || b == 'f' || b == 'n'
}

// kindOf names the kind of JSON value that starts with b.
func kindOf(b byte) string {
	switch b {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func quoteByte(b byte) string {
	if b >= 0x20 && b < 0x7F {
		return fmt.Sprintf("the character %q", string(rune(b)))
	}
	return fmt.Sprintf("the byte 0x%02x", b)
}
