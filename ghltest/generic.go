package ghltest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// Route is one operation of HighLevel's OpenAPI specs (apps/*.json) as the
// emulator routes it. The emulator's table holds all 576 v2 operations;
// [Server.Routes] lists them.
type Route struct {
	SpecFile    string // the spec file, e.g. "contacts.json"
	Method      string // e.g. "GET"
	Path        string // the spec's path template, e.g. "/contacts/{contactId}"
	OperationID string // the spec's operationId (not unique across files)
	// Versions are the values the spec declares for the Version header;
	// nil when it declares none. Every published version is accepted
	// anyway (see the package documentation).
	Versions []string
	// Security lists the spec's security schemes for the operation
	// ("bearer", "Location-Access", "Agency-Access", "Location-Access-Only",
	// "Agency-Access-Only"); nil when it declares none. Scopes are the
	// scopes they name; a token needs one of them (see the package
	// documentation).
	Security []string
	Scopes   []string
	// TokenKind is the kind of token the emulator accepts: "location",
	// "agency" or "any" (derived from Security; none declared is "location").
	TokenKind string
	// Query lists the required query parameters.
	Query []Field
	// BodyType is the request body's media type as the spec declares it:
	// "json", "form", "multipart", "other", or "" for no body.
	BodyType string
	// Body lists the required top-level fields of a JSON body.
	Body []Field
	// Emulated reports whether the operation has behaviour (state) of its
	// own. Operations without it are validated from the table and answered
	// from the spec's example (or 501, with [WithoutSpecExamples]).
	Emulated bool
	// Answer says how the emulator answers a valid request: "state" (the
	// operation's own behaviour), "example" (the spec's success status and
	// example, echoing the request) or "501" ([WithoutSpecExamples]).
	Answer string
	// Status is the success status the spec declares (its lowest 2xx) and
	// Example where the example answer comes from: "spec" (the spec's own
	// example), "schema" (synthesized from the response schema) or "none"
	// (the spec declares no body: {} is sent, nothing for a 204, a
	// placeholder for a non-JSON media type).
	Status  int
	Example string
}

// Field is a required query parameter or body field and its JSON type:
// "string", "number", "integer", "boolean", "array", "object", or
// "unknown" when the spec does not say.
type Field struct {
	Name string
	Type string
}

var kindNames = [...]string{locationOnly: "location", companyOnly: "agency", anyToken: "any"}

// Routes returns the emulator's route table, one entry per operation of the
// specs, sorted by spec file, then path, then method.
func (s *Server) Routes() []Route {
	t := table()
	ans := answers()
	out := make([]Route, len(t.routes))
	for i := range t.routes {
		rt := &t.routes[i]
		op := rt.op
		out[i] = Route{
			SpecFile:    op.file + ".json",
			Method:      op.method,
			Path:        op.path,
			OperationID: op.opID,
			Versions:    append([]string(nil), rt.versions...),
			Security:    strings.Fields(op.security),
			Scopes:      strings.Fields(op.scopes),
			TokenKind:   kindNames[rt.class],
			Query:       exportFields(rt.query),
			BodyType:    op.body,
			Body:        exportFields(rt.body),
			Emulated:    s.handlers[i] != nil,
			Answer:      "example",
			Status:      ans[i].Status,
			Example:     ans[i].From,
		}
		switch {
		case out[i].Emulated:
			out[i].Answer = "state"
		case s.cfg.noExamples:
			out[i].Answer = "501"
		}
	}
	return out
}

func exportFields(fs []field) []Field {
	var out []Field
	for _, f := range fs {
		out = append(out, Field{f.name, f.typ})
	}
	return out
}

// Emulated reports whether a request with this method and path reaches an
// operation with behaviour (state, validation and responses of its own).
// path is a request path ("/contacts/abc") or a spec path template
// ("/contacts/{contactId}"); it is routed as a request would be. It reports
// false for operations answered from the spec's example (or the 501 of
// [WithoutSpecExamples]) and for unknown paths.
func (s *Server) Emulated(method, path string) bool {
	path, _, _ = strings.Cut(path, "?")
	var buf [2 * maxParams]string
	i, _ := table().match(method, path, buf[:0])
	return i >= 0 && s.handlers[i] != nil
}

// genericChecks validates a request to an operation without behaviour:
// the required query parameters and body fields of the table are checked
// (422 in class-validator's words, 400 for malformed JSON). It returns the
// decoded JSON body (nil if there is none or it is not an object) and
// whether the request passed; if not, the error is set.
func (c *reqCtx) genericChecks(rt *route) (map[string]any, bool) {
	if errs := queryErrors(c, rt.query); errs != nil {
		c.unprocessable(errs...)
		return nil, false
	}
	if rt.op.body != "json" {
		return nil, true
	}
	if len(rt.body) > 0 {
		m, ok := c.decodeBody()
		if !ok {
			return nil, false
		}
		if errs := bodyErrors(m, rt.body); errs != nil {
			c.unprocessable(errs...)
			return nil, false
		}
		return m, true
	}
	b := bytes.TrimSpace(c.body)
	if len(b) == 0 || !isJSONType(c.r.Header.Get("Content-Type")) {
		return nil, true
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		c.badRequest(jsonErrorMessage(b, err))
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	dec.Decode(&v)
	m, _ := v.(map[string]any)
	return m, true
}

// notImplemented answers 501 naming the operation ([WithoutSpecExamples]).
func (c *reqCtx) notImplemented(rt *route) {
	op := rt.op
	c.fail(http.StatusNotImplemented,
		"ghltest: operation "+op.opID+" ("+op.method+" "+op.path+") is not emulated yet", "Not Implemented")
}

// isJSONType reports whether a Content-Type is read as JSON (an absent one
// is, as in decodeBody).
func isJSONType(ct string) bool {
	return ct == "" || strings.Contains(strings.ToLower(ct), "json")
}

// typeMessage is class-validator's message for a value of the wrong type.
func typeMessage(name, typ string) string {
	switch typ {
	case "string":
		return name + " must be a string"
	case "number":
		return name + " must be a number conforming to the specified constraints"
	case "integer":
		return name + " must be an integer number"
	case "boolean":
		return name + " must be a boolean value"
	case "array":
		return name + " must be an array"
	case "object":
		return name + " must be an object"
	}
	return ""
}

// missing returns the messages for an absent required field.
func missing(errs []string, name, typ string) []string {
	errs = append(errs, name+" should not be empty")
	if m := typeMessage(name, typ); m != "" {
		errs = append(errs, m)
	}
	return errs
}

// empty returns the messages for a required field sent as "": a string is
// only empty, anything else is also of the wrong type.
func empty(errs []string, name, typ string) []string {
	if typ == "string" || typ == "unknown" {
		return append(errs, name+" should not be empty")
	}
	return missing(errs, name, typ)
}

// queryErrors checks required query parameters: present (as x or x[]) and
// not empty, and numbers, integers and booleans well-formed.
func queryErrors(c *reqCtx, fs []field) []string {
	var errs []string
	q := c.q()
	for _, f := range fs {
		vals := q[f.name]
		if len(vals) == 0 {
			vals = q[f.name+"[]"]
		}
		if len(vals) == 0 {
			errs = missing(errs, f.name, f.typ)
			continue
		}
		if vals[0] == "" {
			errs = empty(errs, f.name, f.typ)
			continue
		}
		ok := true
		switch v := vals[0]; f.typ {
		case "number":
			_, err := strconv.ParseFloat(v, 64)
			ok = err == nil
		case "integer":
			_, err := strconv.ParseInt(v, 10, 64)
			ok = err == nil
		case "boolean":
			ok = v == "true" || v == "false"
		}
		if !ok {
			errs = append(errs, typeMessage(f.name, f.typ))
		}
	}
	return errs
}

// bodyErrors checks required body fields: present, not null and not "",
// and of their JSON type.
func bodyErrors(m map[string]any, fs []field) []string {
	var errs []string
	for _, f := range fs {
		v, ok := m[f.name]
		if !ok || v == nil {
			errs = missing(errs, f.name, f.typ)
			continue
		}
		if v == "" {
			errs = empty(errs, f.name, f.typ)
			continue
		}
		if !hasType(v, f.typ) {
			errs = append(errs, typeMessage(f.name, f.typ))
		}
	}
	return errs
}

// hasType reports whether a decoded JSON value (numbers as json.Number) is
// of type typ; an unknown type accepts anything.
func hasType(v any, typ string) bool {
	switch typ {
	case "string":
		_, ok := v.(string)
		return ok
	case "number":
		_, ok := v.(json.Number)
		return ok
	case "integer":
		n, ok := v.(json.Number)
		if !ok {
			return false
		}
		if _, err := n.Int64(); err == nil {
			return true
		}
		f, err := n.Float64()
		return err == nil && f == float64(int64(f))
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "object":
		_, ok := v.(map[string]any)
		return ok
	}
	return true
}
