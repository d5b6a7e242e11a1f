package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// answer is an operation's success response as the emulator serves it when
// the operation has no behaviour of its own.
type answer struct {
	Op     string          `json:"op"`              // "METHOD /path", to align with the table
	Status int             `json:"status"`          // the lowest 2xx status the spec declares
	Media  string          `json:"media,omitempty"` // "" for JSON (or no body), else the media type
	From   string          `json:"from"`            // "spec", "schema" or "none" (no body declared)
	Body   json.RawMessage `json:"body,omitempty"`  // the example, for JSON
}

// knownMedia are success bodies the specs leave undeclared but whose media
// type the platform notes record (ghl-platform.md §8, "No response schema").
var knownMedia = map[string]string{
	"GET /conversations/messages/{messageId}/locations/{locationId}/recording":              "audio/x-wav",
	"GET /conversations/locations/{locationId}/messages/{messageId}/transcription/download": "text/plain",
}

// maxSynthDepth bounds the nesting of a synthesized example, against
// recursive schemas.
const maxSynthDepth = 10

// successAnswer picks the operation's lowest 2xx response and its example:
// the spec's own (content example, the first of examples, or the schema's
// example), else one synthesized from the schema.
func (r *resolver) successAnswer(file, method, path string, o map[string]any) answer {
	a := answer{Op: method + " " + path, Status: 200, From: "none"}
	resps, _ := r.deref(file, o["responses"])
	rm, _ := resps.node.(map[string]any)
	best := 0
	for code := range rm {
		n, err := strconv.Atoi(code)
		if err == nil && n >= 200 && n < 300 && (best == 0 || n < best) {
			best = n
		}
	}
	if best == 0 {
		return a
	}
	a.Status = best
	resp, _ := r.deref(resps.file, rm[strconv.Itoa(best)])
	content, _ := get(resp.node, "content").(map[string]any)
	if mt, ok := knownMedia[a.Op]; ok && len(content) == 0 {
		a.Media = mt
		return a
	}
	if len(content) == 0 || best == 204 {
		return a
	}
	key := ""
	for _, k := range sortedKeys(content) {
		if k == "application/json" || (key == "" && strings.Contains(k, "json")) {
			key = k
		}
	}
	if key == "" {
		a.Media = sortedKeys(content)[0] // non-JSON: the emulator makes a placeholder
		return a
	}
	mt, _ := content[key].(map[string]any)
	var ex any
	found := false
	if v, ok := mt["example"]; ok {
		ex, found = v, true
	} else if exs, ok := mt["examples"].(map[string]any); ok && len(exs) > 0 {
		e, _ := r.deref(resp.file, exs[sortedKeys(exs)[0]])
		ex, found = get(e.node, "value"), get(e.node, "value") != nil
	}
	if !found {
		if s, ok := r.deref(resp.file, mt["schema"]); ok {
			if v := get(s.node, "example"); v != nil {
				ex, found = v, true
			}
		}
	}
	if found {
		a.From = "spec"
	} else if mt["schema"] != nil {
		a.From = "schema"
		ex = r.synth(resp.file, mt["schema"], "", 0, nil)
	} else {
		return a
	}
	a.Body = marshalJSON(ex)
	return a
}

// synth builds an example value from a schema: $refs followed, allOf
// merged, the first of oneOf/anyOf, arrays with one item, an enum's first
// value, a property's own example when it fits its type, and otherwise a
// plausible value by format and field name. stack holds the refs being
// expanded, so a recursive schema ends in an empty value.
func (r *resolver) synth(file string, schema any, name string, depth int, stack []string) any {
	if m, ok := schema.(map[string]any); ok {
		if ref, ok := m["$ref"].(string); ok {
			key := file + "|" + ref
			for _, k := range stack {
				if k == key {
					return nil
				}
			}
			stack = append(stack, key)
		}
	}
	s, ok := r.deref(file, schema)
	m, isMap := s.node.(map[string]any)
	if !ok || !isMap || depth > maxSynthDepth {
		return nil
	}
	typ := str(m["type"])
	if t := exampleType(m); t != "" {
		typ = t
	}
	if v, ok := m["example"]; ok && v != nil && fits(v, typ) && !(typ == "" && composite(m) && !isObject(v)) {
		return v
	}
	if enum, ok := m["enum"].([]any); ok && len(enum) > 0 {
		if inner, ok := enum[0].([]any); ok && len(inner) > 0 {
			return inner[0] // store.json's enums are a list inside the list
		}
		return enum[0]
	}
	if parts, ok := m["allOf"].([]any); ok && len(parts) > 0 {
		merged := map[string]any{}
		var other any
		for _, p := range parts {
			switch v := r.synth(s.file, p, name, depth+1, stack).(type) {
			case map[string]any:
				for k, x := range v {
					merged[k] = x
				}
			case nil:
			default:
				other = v
			}
		}
		if props, ok := m["properties"].(map[string]any); ok {
			for k, p := range props {
				merged[k] = r.synth(s.file, p, k, depth+1, stack)
			}
		}
		if len(merged) == 0 && other != nil {
			return other
		}
		return merged
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if parts, ok := m[k].([]any); ok && len(parts) > 0 {
			return r.synth(s.file, parts[0], name, depth+1, stack)
		}
	}
	switch {
	case typ == "object" || (typ == "" && m["properties"] != nil):
		out := map[string]any{}
		props, _ := m["properties"].(map[string]any)
		for k, p := range props {
			out[k] = r.synth(s.file, p, k, depth+1, stack)
		}
		if ap, ok := m["additionalProperties"].(map[string]any); ok && len(props) == 0 {
			out["example"] = r.synth(s.file, ap, "", depth+1, stack)
		}
		return out
	case typ == "array" || (typ == "" && m["items"] != nil):
		if m["items"] == nil {
			return []any{}
		}
		item := r.synth(s.file, m["items"], name, depth+1, stack)
		if item == nil {
			return []any{}
		}
		return []any{item}
	case typ == "string":
		return plausibleString(name, str(m["format"]))
	case typ == "integer" || typ == "number":
		if v, ok := m["minimum"].(json.Number); ok {
			return v
		}
		return json.Number("1")
	case typ == "boolean":
		return false
	}
	return nil
}

// fits reports whether an example value is of the schema's declared type
// (the specs have examples that contradict their types; those are not used).
func fits(v any, typ string) bool {
	switch typ {
	case "":
		return true
	case "string":
		_, ok := v.(string)
		return ok
	case "integer", "number":
		n, ok := v.(json.Number)
		if ok && typ == "integer" {
			_, err := n.Int64()
			return err == nil
		}
		return ok
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
	return false
}

// Fixed values of synthesized strings, so the file is deterministic.
const (
	exampleTime = "2024-01-01T00:00:00.000Z"
	exampleID   = "ve9EPM428h8vShlRW1KT" // HighLevel's 20-character ID shape
)

// plausibleString returns a string for a field by its format and name.
func plausibleString(name, format string) string {
	lower := strings.ToLower(name)
	switch {
	case format == "date-time":
		return exampleTime
	case format == "date":
		return exampleTime[:10]
	case format == "email" || strings.Contains(lower, "email"):
		return "user@example.com"
	case format == "uri" || format == "url" || strings.HasSuffix(lower, "url") || strings.HasSuffix(lower, "link") || lower == "website":
		return "https://example.com"
	case strings.Contains(lower, "phone"):
		return "+15550100000"
	case lower == "id" || lower == "_id" || strings.HasSuffix(name, "Id") || strings.HasSuffix(name, "ID"):
		return exampleID
	case lower == "timezone":
		return "America/New_York"
	case strings.HasSuffix(lower, "at") && (strings.HasPrefix(lower, "created") || strings.HasPrefix(lower, "updated") || strings.HasPrefix(lower, "deleted")):
		return exampleTime
	}
	return "string"
}

// marshalJSON encodes v compactly, keys sorted, without HTML escaping.
func marshalJSON(v any) json.RawMessage {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic("routegen: example does not encode: " + err.Error())
	}
	return bytes.TrimSpace(b.Bytes())
}

// renderAnswers writes the answers as a JSON array, one operation a line,
// in the table's order.
func renderAnswers(ops []op) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i, o := range ops {
		line := marshalJSON(o.answer)
		if !json.Valid(line) {
			return nil, fmt.Errorf("%s: invalid answer", o.answer.Op)
		}
		b.Write(line)
		if i < len(ops)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]\n")
	return b.Bytes(), nil
}

// exampleType is the emulator's fix of a declared type that the schema's
// own example or enum contradicts, or "" when they agree:
//   - an object with no properties whose example is text is a string
//     (social-media-posting's post type "post", products' review status
//     "approved": HighLevel sends these as strings);
//   - a number whose enum lists text (store.json's country codes, "US")
//     is a string.
func exampleType(m map[string]any) string {
	switch str(m["type"]) {
	case "object":
		if props, _ := m["properties"].(map[string]any); len(props) == 0 && m["additionalProperties"] == nil && m["allOf"] == nil {
			if _, isText := m["example"].(string); isText {
				return "string"
			}
		}
	case "number", "integer":
		if enum, ok := m["enum"].([]any); ok && len(enum) > 0 {
			switch enum[0].(type) {
			case string, []any:
				return "string"
			}
		}
	}
	return ""
}

// composite reports whether a schema without a type builds an object
// (allOf, $ref or properties), whose prose example ("{ subtotal: 100 }")
// is not the object.
func composite(m map[string]any) bool {
	return m["allOf"] != nil || m["properties"] != nil || m["$ref"] != nil
}

func isObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}
