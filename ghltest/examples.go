package ghltest

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// specAnswersGz holds every operation's success answer from the specs: the
// lowest 2xx status, the media type and a JSON example (the spec's own, or
// one synthesized from the response schema). routegen writes it beside
// routes_gen.go; it is gzip'd JSON, one operation a line.
//
//go:embed spec_answers.json.gz
var specAnswersGz []byte

// BehaviourHeader is the response header that tells how the emulator
// answered an API request: "state" for an operation with behaviour of its
// own, "example" for one answered from the spec (see [WithoutSpecExamples]).
const BehaviourHeader = "X-Ghltest-Behaviour"

// specAnswer is one entry of spec_answers.json.gz.
type specAnswer struct {
	Op     string          `json:"op"`
	Status int             `json:"status"`
	Media  string          `json:"media"`
	From   string          `json:"from"`
	Body   json.RawMessage `json:"body"`
}

// answers returns the answers by route index, decoded on first use (they
// take about 300 KB decompressed, so servers that never need them do not
// pay for them).
var answers = sync.OnceValue(func() []specAnswer {
	zr, err := gzip.NewReader(bytes.NewReader(specAnswersGz))
	if err != nil {
		panic("ghltest: spec_answers.json.gz: " + err.Error())
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		panic("ghltest: spec_answers.json.gz: " + err.Error())
	}
	var list []specAnswer
	if err := json.Unmarshal(b, &list); err != nil {
		panic("ghltest: spec_answers.json.gz: " + err.Error())
	}
	t := table()
	out := make([]specAnswer, len(t.routes))
	for _, a := range list {
		method, path, _ := strings.Cut(a.Op, " ")
		i, ok := t.byKey[routeKey(method, path)]
		if !ok {
			panic("ghltest: spec_answers.json.gz is stale: no route " + a.Op)
		}
		out[i] = a
	}
	for i := range out {
		if out[i].Status == 0 {
			panic("ghltest: spec_answers.json.gz is stale: no answer for " + t.routes[i].op.method + " " + t.routes[i].op.path)
		}
	}
	return out
})

// WithoutSpecExamples makes operations without behaviour of their own
// answer 501 Not Implemented (after the generic validation), as the
// emulator did before it answered them from the specs' examples. Use it to
// find out which calls a test makes to operations the emulator only
// imitates.
func WithoutSpecExamples() Option {
	return func(c *config) { c.noExamples = true }
}

// fromSpec answers an operation without behaviour: the generic validation
// of the route table first (422/400), then the spec's success status and
// example, echoing the request (see the package documentation), or the 501
// with [WithoutSpecExamples].
func (c *reqCtx) fromSpec(rt *route, i int) {
	body, ok := c.genericChecks(rt)
	if !ok {
		return
	}
	if c.s.cfg.noExamples {
		c.notImplemented(rt)
		return
	}
	c.answerExample(rt, &answers()[i], body)
}

// answerExample sets the response from a spec answer, echoing the request's
// path parameters, query parameters and body fields into it.
func (c *reqCtx) answerExample(rt *route, a *specAnswer, body map[string]any) {
	c.header(BehaviourHeader, "example")
	switch {
	case a.Status == http.StatusNoContent:
		c.rawJSON(a.Status, nil)
		return
	case a.Media != "":
		c.header("Content-Type", a.Media)
		c.rawJSON(a.Status, placeholder(a.Media))
		return
	case len(a.Body) == 0:
		c.rawJSON(a.Status, []byte("{}"))
		return
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(a.Body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		panic("ghltest: bad example for " + a.Op + ": " + err.Error())
	}
	c.echo(rt, v, body)
	c.rawJSON(a.Status, marshal(v))
}

// placeholder is the body of a non-JSON success answer: a valid, empty file
// of the media type where one is short (WAV), else a line of text.
func placeholder(media string) []byte {
	switch {
	case media == "audio/x-wav" || media == "audio/wav":
		return emptyWAV()
	case strings.HasPrefix(media, "text/"):
		return []byte("ghltest example\n")
	}
	return nil
}

// emptyWAV returns the 44-byte header of a PCM WAV file with no samples
// (mono, 8 kHz, 16-bit).
func emptyWAV() []byte {
	b := make([]byte, 0, 44)
	le32 := func(v uint32) { b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)) }
	le16 := func(v uint16) { b = append(b, byte(v), byte(v>>8)) }
	b = append(b, "RIFF"...)
	le32(36)
	b = append(b, "WAVEfmt "...)
	le32(16)
	le16(1) // PCM
	le16(1)
	le32(8000)
	le32(16000)
	le16(2)
	le16(16)
	b = append(b, "data"...)
	le32(0)
	return b
}

// echo writes what the request sent into the example v: the query
// parameters, then the JSON body's top-level fields, then the path
// parameters (later ones win), each into the fields of the same name at the
// top level of v and of its single wrapped object ({"contact":{...}}), and
// only where the example's value has the same JSON type, so the answer keeps
// the spec's shape. A path ending in a parameter addresses one resource, so
// that parameter also becomes the wrapped object's "id"; a POST to a
// collection without an "id" in its body gets a fresh one.
func (c *reqCtx) echo(rt *route, v any, body map[string]any) {
	top, ok := v.(map[string]any)
	if !ok {
		return
	}
	targets := []map[string]any{top}
	var wrapped map[string]any
	for _, x := range top {
		if m, ok := x.(map[string]any); ok {
			if wrapped != nil {
				wrapped = nil
				break
			}
			wrapped = m
		}
	}
	if wrapped != nil {
		targets = append(targets, wrapped)
	}
	set := func(name string, val any) {
		for _, t := range targets {
			if old, ok := t[name]; ok && sameKind(old, val) {
				t[name] = val
			}
		}
	}
	for name, vals := range c.q() {
		if len(vals) == 0 || strings.HasSuffix(name, "[]") {
			continue
		}
		for _, t := range targets {
			if old, ok := t[name]; ok {
				if val, ok := fromQuery(old, vals[0]); ok {
					t[name] = val
				}
			}
		}
	}
	for name, val := range body {
		set(name, val)
	}
	for i := 0; i+1 < len(c.params); i += 2 {
		set(c.params[i], c.params[i+1])
	}
	segs := rt.segs
	last := ""
	if n := len(segs); n > 0 {
		last = segs[n-1]
	}
	switch {
	case isParam(last):
		set("id", c.param(last[1:len(last)-1]))
	case rt.op.method == http.MethodPost && body["id"] == nil && body["_id"] == nil:
		for _, key := range []string{"id", "_id"} {
			for _, t := range targets {
				if old, ok := t[key].(string); ok {
					t[key] = c.s.freshID(old)
				}
			}
		}
	}
}

// freshID returns a new ID of the example's shape: a 24-hex ObjectID or a
// 20-character document ID.
func (s *Server) freshID(example string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if isObjectID(example) {
		return newObjectID(s.rng, s.now())
	}
	return newID(s.rng)
}

func isObjectID(s string) bool {
	if len(s) != 24 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("0123456789abcdef", rune(s[i])) {
			return false
		}
	}
	return true
}

// sameKind reports whether two decoded JSON values have the same JSON type;
// an example's null takes anything.
func sameKind(old, val any) bool {
	switch old.(type) {
	case nil:
		return true
	case string:
		_, ok := val.(string)
		return ok
	case json.Number:
		_, ok := val.(json.Number)
		return ok
	case bool:
		_, ok := val.(bool)
		return ok
	case []any:
		_, ok := val.([]any)
		return ok
	case map[string]any:
		_, ok := val.(map[string]any)
		return ok
	}
	return false
}

// fromQuery converts a query value to the JSON type of the example's value,
// reporting false when it does not convert (or the example is an array or
// object).
func fromQuery(old any, q string) (any, bool) {
	switch old.(type) {
	case nil, string:
		return q, true
	case json.Number:
		// Only a JSON number literal: ParseFloat would take "NaN" and "0x1p3".
		var n json.Number
		if q != "" && (q[0] == '-' || q[0] >= '0' && q[0] <= '9') && json.Unmarshal([]byte(q), &n) == nil {
			return n, true
		}
	case bool:
		if b, err := strconv.ParseBool(q); err == nil {
			return b, true
		}
	}
	return nil, false
}
