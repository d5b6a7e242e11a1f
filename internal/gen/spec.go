package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Doc is the part of an OpenAPI 3.0 document the generator reads.
type Doc struct {
	file  string                           // path of the file, for resolving relative $refs
	Paths map[string]map[string]*Operation `json:"paths"`
	// Components holds the named schemas.
	Components struct {
		Schemas map[string]*Schema `json:"schemas"`
	} `json:"components"`
}

// Operation is one method of one path.
type Operation struct {
	OperationID string                 `json:"operationId"`
	Summary     string                 `json:"summary"`
	Description string                 `json:"description"`
	Deprecated  bool                   `json:"deprecated"`
	Parameters  []*Parameter           `json:"parameters"`
	RequestBody *RequestBody           `json:"requestBody"`
	Responses   map[string]*RespObject `json:"responses"`
	Security    []map[string][]string  `json:"security"`
}

// Parameter is a path, query or header parameter.
type Parameter struct {
	Ref      string  `json:"$ref"`
	Name     string  `json:"name"`
	In       string  `json:"in"`
	Required bool    `json:"required"`
	Schema   *Schema `json:"schema"`
}

// RequestBody is an operation's body.
type RequestBody struct {
	Required bool                  `json:"required"`
	Content  map[string]*MediaType `json:"content"`
}

// RespObject is one response of an operation.
type RespObject struct {
	Description string                `json:"description"`
	Content     map[string]*MediaType `json:"content"`
	Headers     map[string]*Header    `json:"headers"`
}

// Header is a documented response header.
type Header struct {
	Description string `json:"description"`
}

// MediaType holds the schema of one content type.
type MediaType struct {
	Schema *Schema `json:"schema"`
}

// Schema is the subset of JSON Schema the specs use.
type Schema struct {
	Ref         string            `json:"$ref"`
	Type        string            `json:"type"`
	Description string            `json:"description"`
	Properties  *Props            `json:"properties"`
	Required    []string          `json:"required"`
	Items       *Schema           `json:"items"`
	AllOf       []*Schema         `json:"allOf"`
	AnyOf       []*Schema         `json:"anyOf"`
	OneOf       []*Schema         `json:"oneOf"`
	Enum        []json.RawMessage `json:"enum"` // any JSON type: strings, numbers, null
	// AdditionalProperties is true, false or a schema (a map's values).
	AdditionalProperties json.RawMessage `json:"additionalProperties"`
	Format               string          `json:"format"`
	Example              json.RawMessage `json:"example"`
	Default              json.RawMessage `json:"default"`
	Nullable             bool            `json:"nullable"`
	Minimum              *float64        `json:"minimum"`
	Maximum              *float64        `json:"maximum"`
	MaxLength            *int            `json:"maxLength"`
	// OmitExample keeps the property out of synthesized examples (our
	// extension, used by the replacement schemas in overrides.go).
	OmitExample bool `json:"x-omit-example"`
}

// Props keeps the properties of a schema in the order the spec lists them,
// so that struct fields follow the spec.
type Props struct {
	Keys []string
	M    map[string]*Schema
}

// UnmarshalJSON reads an object keeping its key order.
func (p *Props) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("properties: want an object")
	}
	p.M = map[string]*Schema{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key := tok.(string)
		var s Schema
		if err := dec.Decode(&s); err != nil {
			return fmt.Errorf("property %s: %w", key, err)
		}
		if _, dup := p.M[key]; !dup {
			p.Keys = append(p.Keys, key)
		}
		p.M[key] = &s
	}
	_, err = dec.Token()
	return err
}

// loader reads spec files and resolves $refs across them.
type loader struct {
	docs     map[string]*Doc // by cleaned path
	fellBack []string        // local $refs found only in common-schemas.json
}

func newLoader() *loader { return &loader{docs: map[string]*Doc{}} }

func (l *loader) load(path string) (*Doc, error) {
	path = filepath.Clean(path)
	if d, ok := l.docs[path]; ok {
		return d, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d := &Doc{file: path}
	if err := json.Unmarshal(data, d); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if d.Components.Schemas == nil {
		d.Components.Schemas = map[string]*Schema{}
	}
	l.docs[path] = d
	return d, nil
}

// ref is a resolved schema with the name it was declared under.
type ref struct {
	Name   string // the component name, e.g. "GetContectByIdSchema"
	Doc    *Doc
	Schema *Schema
}

// resolve follows a $ref written in doc: "#/components/schemas/X" or
// "../common/common-schemas.json#/components/schemas/X".
func (l *loader) resolve(doc *Doc, r string) (ref, error) {
	file, frag, ok := strings.Cut(r, "#")
	if !ok {
		return ref{}, fmt.Errorf("$ref %q has no fragment", r)
	}
	target := doc
	if file != "" {
		var err error
		target, err = l.load(filepath.Join(filepath.Dir(doc.file), file))
		if err != nil {
			return ref{}, fmt.Errorf("$ref %q: %w", r, err)
		}
	}
	const prefix = "/components/schemas/"
	if !strings.HasPrefix(frag, prefix) {
		return ref{}, fmt.Errorf("$ref %q: only component schemas are supported", r)
	}
	name := strings.TrimPrefix(frag, prefix)
	s, ok := target.Components.Schemas[name]
	if !ok && file == "" {
		// links.json (and others) name the shared error DTOs of
		// common-schemas.json as if they were local: resolve them there,
		// where every other file's refs point.
		common, err := l.load(filepath.Join(filepath.Dir(doc.file), "..", "common", "common-schemas.json"))
		if err == nil {
			if cs, found := common.Components.Schemas[name]; found {
				l.fellBack = append(l.fellBack, doc.file+" "+name)
				target, s, ok = common, cs, true
			}
		}
	}
	if !ok {
		return ref{}, fmt.Errorf("$ref %q: no schema %s in %s", r, name, target.file)
	}
	if s.Ref != "" {
		return l.resolve(target, s.Ref)
	}
	return ref{Name: name, Doc: target, Schema: s}, nil
}

// checkRefs resolves every $ref reachable from s, so that a broken or
// missing external file is reported even where no Go code is generated
// from it (the error responses refer to common-schemas.json).
func (l *loader) checkRefs(doc *Doc, s *Schema, seen map[*Schema]bool) error {
	if s == nil || seen[s] {
		return nil
	}
	seen[s] = true
	if s.Ref != "" {
		r, err := l.resolve(doc, s.Ref)
		if err != nil {
			return err
		}
		return l.checkRefs(r.Doc, r.Schema, seen)
	}
	if s.Properties != nil {
		for _, k := range s.Properties.Keys {
			if err := l.checkRefs(doc, s.Properties.M[k], seen); err != nil {
				return err
			}
		}
	}
	for _, list := range [][]*Schema{s.AllOf, s.AnyOf, s.OneOf, {s.Items}} {
		for _, sub := range list {
			if err := l.checkRefs(doc, sub, seen); err != nil {
				return err
			}
		}
	}
	return nil
}

// flat is a schema with allOf merged and $refs resolved at the top level.
type flat struct {
	Name   string // component name, when the schema was a $ref
	Doc    *Doc
	Schema *Schema
	Keys   []string
	Props  map[string]*Schema
	Req    []string
	// Origin names the component schema that declared each property, for
	// properties merged in through allOf.
	Origin map[string]string
}

// flatten resolves s and merges allOf members into one property list.
func (l *loader) flatten(doc *Doc, s *Schema) (*flat, error) {
	f := &flat{Doc: doc, Schema: s, Props: map[string]*Schema{}, Origin: map[string]string{}}
	if s.Ref != "" {
		r, err := l.resolve(doc, s.Ref)
		if err != nil {
			return nil, err
		}
		f2, err := l.flatten(r.Doc, r.Schema)
		if err != nil {
			return nil, err
		}
		f2.Name = r.Name
		for _, k := range f2.Keys {
			if f2.Origin[k] == "" {
				f2.Origin[k] = r.Name
			}
		}
		return f2, nil
	}
	for _, sub := range s.AllOf {
		g, err := l.flatten(doc, sub)
		if err != nil {
			return nil, err
		}
		for _, k := range g.Keys {
			f.add(k, g.Props[k])
			f.Origin[k] = g.Origin[k]
		}
		f.Req = append(f.Req, g.Req...)
	}
	if s.Properties != nil {
		for _, k := range s.Properties.Keys {
			f.add(k, s.Properties.M[k])
			f.Origin[k] = ""
		}
	}
	f.Req = append(f.Req, s.Required...)
	if len(s.AllOf) == 1 && s.AllOf[0].Ref != "" && s.Properties == nil {
		// allOf of one $ref is that schema (the specs wrap refs this way).
		if r, err := l.resolve(doc, s.AllOf[0].Ref); err == nil {
			f.Name = r.Name
		}
	}
	return f, nil
}

func (f *flat) add(k string, s *Schema) {
	if _, ok := f.Props[k]; !ok {
		f.Keys = append(f.Keys, k)
	}
	f.Props[k] = s
}

// schemaOf returns the JSON schema of a request body or response.
func schemaOf(content map[string]*MediaType) *Schema {
	if mt := content["application/json"]; mt != nil {
		return mt.Schema
	}
	return nil
}

// enumStrings returns the string values of an enum (numbers and null left
// out).
func (s *Schema) enumStrings() []string {
	var out []string
	for _, raw := range s.Enum {
		var v string
		if json.Unmarshal(raw, &v) == nil {
			out = append(out, v)
		}
	}
	return out
}

// mapValues returns the schema of a map's values when s is an object with
// additionalProperties and no properties.
func (s *Schema) mapValues() (*Schema, bool) {
	raw := bytes.TrimSpace(s.AdditionalProperties)
	if len(raw) == 0 || bytes.Equal(raw, []byte("false")) || (s.Properties != nil && len(s.Properties.Keys) > 0) {
		return nil, false
	}
	if bytes.Equal(raw, []byte("true")) {
		return &Schema{}, true
	}
	var v Schema
	if json.Unmarshal(raw, &v) != nil {
		return &Schema{}, true
	}
	return &v, true
}

// refOr returns the $ref of s (an array's items), or of the map values of
// alt when s is nil.
func (s *Schema) refOr(alt *Schema) string {
	if s != nil {
		return s.Ref
	}
	if v, ok := alt.mapValues(); ok {
		return v.Ref
	}
	return ""
}
