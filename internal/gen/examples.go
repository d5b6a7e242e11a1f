package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ordered is a JSON object that keeps the spec's key order.
type ordered struct {
	keys []string
	vals map[string]any
}

func (o *ordered) set(k string, v any) {
	if o.vals == nil {
		o.vals = map[string]any{}
	}
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := marshalExample(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshalExample(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(b.Bytes()), nil
}

// prettyJSON indents an example for testdata.
func prettyJSON(v any) ([]byte, error) {
	raw, err := marshalExample(v)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// exampleOf synthesizes a payload for s from the spec's example values:
// every property, arrays with one element unless the spec gives an
// example, and the overrides' corrections.
func (m *model) exampleOf(doc *Doc, s *Schema, prop string, owner *goType, stack []string) (any, bool, error) {
	if len(s.Example) > 0 && s.Ref == "" {
		if !m.svc.Auto {
			return json.RawMessage(s.Example), true, nil
		}
		if v, ok := m.coerceExample(s, prop, owner); ok {
			return v, true, nil
		}
		s = &Schema{Type: s.Type, Items: s.Items, Properties: s.Properties, AllOf: s.AllOf, Enum: s.Enum, Format: s.Format}
	}
	if s.Ref != "" || len(s.AllOf) > 0 || s.Properties != nil {
		return m.exampleObject(doc, s, stack)
	}
	if len(s.AnyOf) > 0 {
		return m.exampleOf(doc, s.AnyOf[0], prop, owner, stack)
	}
	if len(s.OneOf) > 0 {
		return m.exampleOf(doc, s.OneOf[0], prop, owner, stack)
	}
	if v, isMap := s.mapValues(); isMap {
		// A map answers one entry, keyed as the API keys them (a name).
		obj := &ordered{}
		if v == nil {
			obj.set("key", "value")
			return obj, true, nil
		}
		e, ok, err := m.exampleOf(doc, v, prop, owner, stack)
		if err != nil || !ok {
			return nil, ok, err
		}
		obj.set("key", e)
		return obj, true, nil
	}
	switch s.Type {
	case "array":
		if s.Items == nil {
			return []any{"value"}, true, nil
		}
		v, ok, err := m.exampleOf(doc, s.Items, prop, owner, stack)
		if err != nil || !ok {
			return nil, ok, err
		}
		return []any{v}, true, nil
	case "string":
		if e := s.enumStrings(); len(e) > 0 {
			return e[0], true, nil
		}
		if f := owner.field(prop); f != nil && f.Base == "Timestamp" {
			return "2021-07-02T05:18:26.704Z", true, nil
		}
		return "example-" + prop, true, nil
	case "boolean":
		return true, true, nil
	case "number", "integer":
		return 1, true, nil
	}
	return "value", true, nil
}

func (t *goType) field(json string) *goField {
	if t == nil {
		return nil
	}
	for _, f := range t.Fields {
		if f.JSON == json {
			return f
		}
	}
	return nil
}

func (m *model) exampleObject(doc *Doc, s *Schema, stack []string) (any, bool, error) {
	f, err := m.l.flatten(doc, s)
	if err != nil {
		return nil, false, err
	}
	for _, n := range stack {
		if f.Name != "" && n == f.Name {
			return nil, false, nil // recursive schema: leave it out
		}
	}
	if f.Name != "" {
		stack = append(stack, f.Name)
	}
	owner := m.bySchema[f.Name]
	obj := &ordered{}
	for _, k := range f.Keys {
		origin := f.Origin[k]
		if origin == "" {
			origin = f.Name
		}
		ps, err := m.propSchema(owner, k, f.Props[k])
		if err != nil {
			return nil, false, err
		}
		if ps.OmitExample {
			continue
		}
		if fix, ok := m.exampleFix(origin, k); ok {
			obj.set(k, json.RawMessage(fix))
			continue
		}
		v, ok, err := m.exampleOf(f.Doc, ps, k, owner, stack)
		if err != nil {
			return nil, false, err
		}
		if ok {
			obj.set(k, v)
		}
	}
	return obj, true, nil
}

func (m *model) exampleFix(schema, prop string) (string, bool) {
	for _, e := range m.svc.ExampleFixes {
		if e.Schema == schema && e.Prop == prop {
			return e.JSON, true
		}
	}
	return "", false
}

// requestExample is the body the tests send for op. Timestamp fields are
// written as Timestamp encodes them (RFC 3339, milliseconds, UTC), so that
// the test can decode the file, send it, and compare the bytes on the wire.
func (m *model) requestExample(op *goOp) (any, error) {
	if op.EmptyBody {
		return &ordered{}, nil
	}
	v, _, err := m.exampleObject(m.doc, op.BodySchema, nil)
	if err != nil {
		return nil, err
	}
	obj := v.(*ordered)
	for _, f := range op.Body.Fields {
		raw, ok := obj.vals[f.JSON].(json.RawMessage)
		if f.Base != "Timestamp" || !ok {
			continue
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", f.JSON, err)
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.JSON, err)
		}
		obj.vals[f.JSON] = t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
	}
	if op.BodyArray {
		return []any{obj}, nil
	}
	return obj, nil
}

func (m *model) responseExample(op *goOp) (any, error) {
	if op.Raw || op.File {
		// No schema: an answer HighLevel sends for such calls.
		obj := &ordered{}
		obj.set("succeeded", true)
		obj.set("traceId", "0c50e8a7-9b1e-4d5e-8f4b-5a0f2a6c1d3e")
		return obj, nil
	}
	if op.Shape != "" {
		s := op.RespSchema
		if r, err := m.l.resolve(m.doc, s.Ref); s.Ref != "" && err == nil {
			s = r.Schema
		}
		item, _, err := m.exampleObject(m.doc, &Schema{Ref: "#/components/schemas/" + refName(s.Items.refOr(s))}, nil)
		if err != nil {
			return nil, err
		}
		if op.Shape == "array" {
			return []any{item}, nil
		}
		obj := &ordered{}
		obj.set("2021-07-02", item)
		return obj, nil
	}
	v, _, err := m.exampleObject(m.doc, op.RespSchema, nil)
	return v, err
}

// testdata returns the example payloads of the service, by file name.
func (m *model) testdata(files map[string][]byte) error {
	for _, op := range m.ops {
		dir := "testdata/" + m.svc.Testdata + "/"
		resp, err := m.responseExample(op)
		if err != nil {
			return fmt.Errorf("%s response example: %w", op.ID, err)
		}
		if files[dir+op.ID+".response.json"], err = prettyJSON(resp); err != nil {
			return err
		}
		if op.Body == nil && !op.EmptyBody {
			continue
		}
		req, err := m.requestExample(op)
		if err != nil {
			return fmt.Errorf("%s request example: %w", op.ID, err)
		}
		if files[dir+op.ID+".request.json"], err = prettyJSON(req); err != nil {
			return err
		}
	}
	return nil
}

var pagingNames = map[string]string{
	"":           "none",
	"startAfter": "startAfter+startAfterId",
	"page":       "page+pageLimit|searchAfter",
	"skip":       "skip+limit",
	"offset":     "offset+limit",
}

// operationsCSV lists every generated operation.
func operationsCSV(models []*model) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"service", "method", "operationId", "httpMethod", "path", "version", "scopes", "pagination"})
	for _, m := range models {
		for _, op := range m.ops {
			_ = w.Write([]string{m.svc.Name, op.Name, op.ID, op.HTTP, op.Path, op.Version,
				strings.Join(op.Scopes, " "), pagingNames[op.Paging]})
		}
	}
	for _, op := range handWrittenOps {
		_ = w.Write([]string{"OAuth", op.Method, op.ID, op.HTTP, op.Path, op.Version, op.Scopes, "none"})
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// gapsCSV is the gap report: every hole of the spec a default rule filled,
// and every operation not generated yet, with why.
func gapsCSV(models []*model) ([]byte, error) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"service", "operationId", "where", "gap", "rule"})
	for _, m := range models {
		all := append(slices.Clone(m.svc.gaps), m.gaps...)
		seen := map[gap]bool{}
		for _, g := range all {
			if seen[g] {
				continue
			}
			seen[g] = true
			_ = w.Write([]string{g.Service, g.Op, g.Where, g.Gap, g.Rule})
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// coerceExample checks a spec example against its field's Go type (the
// default rule for examples that contradict their type): "true" becomes
// true, a scalar where a list belongs becomes a list of it, a number where
// a string belongs becomes its text. It reports false when no coercion
// fits, and the caller synthesizes a value of the right type instead; both
// are recorded in the gap report.
func (m *model) coerceExample(s *Schema, prop string, owner *goType) (any, bool) {
	var v any
	if json.Unmarshal(s.Example, &v) != nil {
		return nil, false
	}
	base := ""
	if f := owner.field(prop); f != nil {
		base = f.Base
	}
	where := prop
	if owner != nil {
		where = owner.Name + "." + prop
	}
	note := func(rule string) {
		m.gaps = append(m.gaps, gap_(m.svc.Name, "", where, "example contradicts its type", rule))
	}
	if t, _ := exampleContradiction(prop, s); t != "" && t == base && m.svc.Auto {
		return json.RawMessage(s.Example), true // typed after its example
	}
	switch {
	case base == "Timestamp":
		if str, ok := v.(string); ok && exampleIsTime(s.Example) || ok && len(str) == 10 && str[4] == '-' {
			return json.RawMessage(s.Example), true
		}
		if _, ok := v.(float64); ok {
			return json.RawMessage(s.Example), true
		}
		note("a date in its place")
		return "2021-07-02T05:18:26.704Z", true
	case base == "json.RawMessage" || base == "any" || strings.HasPrefix(base, "map["):
		return json.RawMessage(s.Example), true
	}
	switch s.Type {
	case "boolean":
		switch x := v.(type) {
		case bool:
			return x, true
		case string:
			if x == "true" || x == "false" {
				note("the string " + x + " read as a boolean")
				return x == "true", true
			}
		}
		note("true in its place")
		return true, true
	case "string":
		switch x := v.(type) {
		case string:
			return json.RawMessage(s.Example), true
		case float64:
			note("the number written as text")
			return strconv.FormatFloat(x, 'f', -1, 64), true
		}
		note("a string in its place")
		return "example-" + prop, true
	case "number", "integer":
		switch x := v.(type) {
		case float64:
			if base == "int" && x != float64(int64(x)) {
				note("a whole number in its place")
				return int64(x), true
			}
			return json.RawMessage(s.Example), true
		case string:
			if n, err := strconv.ParseFloat(x, 64); err == nil {
				note("the text read as a number")
				return n, true
			}
		}
		note("1 in its place")
		return 1, true
	case "array":
		if list, ok := v.([]any); ok {
			if s.Items != nil && (s.Items.Type == "string" || s.Items.Type == "number" || s.Items.Type == "boolean") {
				for _, x := range list {
					var fits bool
					switch x.(type) {
					case string:
						fits = s.Items.Type == "string"
					case float64:
						fits = s.Items.Type == "number"
					case bool:
						fits = s.Items.Type == "boolean"
					}
					if !fits {
						note("a list of the item type in its place")
						return nil, false
					}
				}
			}
			return json.RawMessage(s.Example), true
		}
		if s.Items != nil && (s.Items.Type == "string" || s.Items.Type == "number" || s.Items.Type == "boolean") {
			item, _ := m.coerceExample(&Schema{Type: s.Items.Type, Example: s.Example}, prop, nil)
			note("the value wrapped in a list")
			return []any{item}, true
		}
		return nil, false
	case "object", "":
		if _, ok := v.(map[string]any); ok && base != "" && kindOf(base) == kStruct {
			return nil, false // the synthesized object follows the type
		}
		if base != "" && kindOf(base) == kStruct {
			return nil, false
		}
		return json.RawMessage(s.Example), true
	}
	return json.RawMessage(s.Example), true
}
