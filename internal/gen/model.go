package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// model is one service, resolved: the Go types and methods to write.
type model struct {
	svc      *Service
	l        *loader
	doc      *Doc
	types    []*goType // in the order of the overrides table
	byName   map[string]*goType
	bySchema map[string]*goType // spec schema name → Go type
	ops      []*goOp
	gaps     []gap            // default rules applied while typing fields (Auto)
	enums    []*Enum          // string enums of the spec, typed (Auto)
	enumBy   map[string]*Enum // by their sorted values
}

// enumType names the typed string of a spec enum (Auto): the property's
// name, prefixed with its owner's when another enum took it. Identical
// value sets share one type.
func (m *model) enumType(owner, prop string, values []string) string {
	key := strings.Join(slices.Sorted(slices.Values(values)), "\x00")
	if e := m.enumBy[key]; e != nil {
		return e.Name
	}
	if name, ok := globalEnums[key]; ok {
		return name // declared by another service
	}
	reg := m.svc.reg
	taken := func(n string) bool {
		if m.byName[n] != nil || slices.Contains(coreNames, n) || (reg != nil && reg.owner[n] != "") {
			return true
		}
		for _, e := range m.enums {
			if e.Name == n {
				return true
			}
		}
		return false
	}
	name := exportName(prop)
	if len(words(prop)) < 2 || taken(name) {
		// One word (Type, Status) says nothing alone: the owner's noun
		// goes first, without the verb and role of request types, so
		// that the name does not depend on which type met it first.
		var noun strings.Builder
		for _, w := range words(owner) {
			if _, verb := verbNames[strings.ToLower(w)]; verb || w == "Request" || w == "Response" || w == "Body" {
				continue
			}
			noun.WriteString(w)
		}
		base := noun.String()
		if strings.HasSuffix(base, exportName(prop)) {
			name = base
		} else {
			name = base + exportName(prop)
		}
	}
	if taken(name) {
		name = m.svc.Name + name
	}
	for i := 2; taken(name); i++ {
		name = fmt.Sprintf("%s%s%d", owner, exportName(prop), i)
	}
	e := &Enum{Name: name, Doc: fmt.Sprintf("%s is a value of %s.%s.", name, owner, exportName(prop))}
	seen := map[string]bool{}
	for _, v := range values {
		c := name + exportName(v)
		if exportName(v) == "" || seen[c] {
			return "" // values that make no constant names: keep a string
		}
		seen[c] = true
		e.Values = append(e.Values, EnumValue{Name: c, Value: v, Doc: fmt.Sprintf("%s is %q.", c, v)})
	}
	if m.enumBy == nil {
		m.enumBy = map[string]*Enum{}
	}
	m.enumBy[key] = e
	m.enums = append(m.enums, e)
	enumNames[name] = true
	globalEnums[key] = name
	if reg != nil {
		reg.owner[name] = "enum:" + key
		reg.server[name] = m.svc.Name
	}
	return name
}

type goType struct {
	*Type
	Request bool // the top-level body of an operation
	Fields  []*goField
	// UploadField is the form field of the files of a multipart body;
	// "" for a JSON body.
	UploadField string
}

type goField struct {
	JSON     string
	Name     string
	Base     string // Go type before the request rules
	Type     string // final Go type
	Omit     string // "", "omitempty" or "omitzero"
	Doc      string
	Required bool
	Schema   *Schema
}

func (f *goField) tag() string {
	if f.Omit == "" {
		return fmt.Sprintf("`json:%q`", f.JSON)
	}
	return fmt.Sprintf("`json:\"%s,%s\"`", f.JSON, f.Omit)
}

type param struct {
	Spec    string // name in the spec
	Go      string // Go identifier
	Type    string // Go type
	Example string // example value (text)
	Schema  *Schema
	Doc     string
	// Always is a required paging parameter (limit, skip, offset) kept in
	// the Options and sent even when zero; Default is sent for a zero
	// limit.
	Always  bool
	Default string
}

// pagingParam reports whether a required query parameter is one the
// Options should carry (Auto services): a page size or position.
func pagingParam(name string) bool {
	return name == "limit" || name == "skip" || name == "offset"
}

type goOp struct {
	*Op
	Var        string // opContactsGet
	HTTP       string
	Path       string
	Version    string
	Scopes     []string
	Summary    string
	Status     int
	PathParams []*param
	ReqQuery   []*param // required query parameters, positional
	OptQuery   []*param // fields of the Options type
	Body       *goType  // nil when the method takes no body
	BodySchema *Schema
	BodyReq    bool // a nil body is an error
	RespSchema *Schema
	Root       []*goField // the response envelope (when Result is set)
	ResultF    *goField   // the envelope field returned
	Whole      *goType    // the body type (when Result is "")
	Elem       *goType    // the item type of an array or map answer (Shape)
}

// ResultType is the first return value's Go type.
func (o *goOp) ResultType() string {
	if o.Raw {
		return "json.RawMessage"
	}
	if o.File {
		return "*File"
	}
	switch o.Shape {
	case "array":
		return "[]" + o.Elem.Name
	case "map":
		return "map[string]" + o.Elem.Name
	}
	if o.Whole != nil {
		return "*" + o.Whole.Name
	}
	return o.ResultF.Type
}

// zero is the zero value of the result type.
func (o *goOp) zero() string {
	switch o.ResultType() {
	case "bool":
		return "false"
	case "string":
		return `""`
	case "int", "int64", "float64":
		return "0"
	}
	return "nil"
}

// scalarResult reports whether the result is a scalar, which the envelope
// holds by pointer so that an answer without it can be told from zero.
func (o *goOp) scalarResult() bool {
	return o.ResultF != nil && kindOf(o.ResultF.Type) == kScalar
}

func buildModel(specDir string, svc *Service) (*model, error) {
	if err := checkWhys(svc); err != nil {
		return nil, err
	}
	l, doc := svc.loader, svc.loaded
	if doc == nil {
		l = newLoader()
		var err error
		if doc, err = l.load(filepath.Join(specDir, "apps", svc.Spec)); err != nil {
			return nil, err
		}
	}
	// Add the replacement schemas, in a fixed order (autoFill has added
	// them already for an Auto service).
	for _, name := range sortedKeys(svc.Schemas) {
		if svc.loaded != nil {
			break
		}
		if _, dup := doc.Components.Schemas[name]; dup {
			return nil, fmt.Errorf("replacement schema %s exists in the spec", name)
		}
		var s Schema
		if err := json.Unmarshal([]byte(svc.Schemas[name].JSON), &s); err != nil {
			return nil, fmt.Errorf("replacement schema %s: %w", name, err)
		}
		doc.Components.Schemas[name] = &s
	}
	m := &model{svc: svc, l: l, doc: doc, byName: map[string]*goType{}, bySchema: map[string]*goType{}}
	for i := range svc.Types {
		t := &goType{Type: &svc.Types[i]}
		if m.byName[t.Name] != nil {
			return nil, fmt.Errorf("type %s declared twice", t.Name)
		}
		m.byName[t.Name] = t
		for _, from := range t.From {
			if m.bySchema[from] != nil {
				return nil, fmt.Errorf("schema %s mapped to %s and %s", from, m.bySchema[from].Name, t.Name)
			}
			m.bySchema[from] = t
		}
		m.types = append(m.types, t)
	}
	for i := range svc.Ops {
		op, err := m.buildOp(&svc.Ops[i])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", svc.Ops[i].ID, err)
		}
		m.ops = append(m.ops, op)
	}
	if err := m.checkCoverage(); err != nil {
		return nil, err
	}
	for _, t := range m.types {
		if err := m.buildFields(t); err != nil {
			return nil, fmt.Errorf("type %s: %w", t.Name, err)
		}
	}
	if svc.Auto {
		m.nestedRequests()
	}
	for _, t := range m.types {
		if t.UploadField != "" {
			t.Fields = append(t.Fields, &goField{JSON: "-", Name: "Files", Base: "[]Upload", Type: "[]Upload",
				Doc: "Files are the files to upload, sent as multipart parts named " + t.UploadField + " unless an Upload names its Field."})
		}
	}
	// Envelope fields need the field types.
	for _, op := range m.ops {
		if err := m.buildResult(op); err != nil {
			return nil, fmt.Errorf("%s: %w", op.ID, err)
		}
	}
	return m, nil
}

// checkWhys refuses a fix of the spec that does not say why.
func checkWhys(svc *Service) error {
	var missing []string
	for name, r := range svc.Schemas {
		if r.Why == "" {
			missing = append(missing, "schema "+name)
		}
	}
	fieldFix := func(where string, f Field) {
		if (f.Type != "" || f.Schema != "") && f.Why == "" {
			missing = append(missing, where)
		}
	}
	for k, f := range svc.Fields {
		fieldFix("field "+k, f)
	}
	for _, e := range svc.ExampleFixes {
		if e.Why == "" {
			missing = append(missing, "example "+e.Schema+"."+e.Prop)
		}
	}
	for _, t := range svc.Types {
		for k, f := range t.Fields {
			fieldFix(t.Name+"."+k, f)
		}
		if t.Required != nil && t.RequiredWhy == "" {
			missing = append(missing, t.Name+" required list")
		}
	}
	for _, op := range svc.Ops {
		for k, f := range op.Query {
			fieldFix(op.ID+" query "+k, f)
		}
		if (op.Request != "" || op.Response != "") && op.ReplaceWhy == "" {
			missing = append(missing, op.ID+" replacement")
		}
		if op.EmptyBody && op.EmptyBodyWhy == "" {
			missing = append(missing, op.ID+" empty body")
		}
		if len(op.Scopes) > 0 && op.ScopesWhy == "" {
			missing = append(missing, op.ID+" scopes")
		}
		if len(op.Checks) > 0 && op.ChecksWhy == "" {
			missing = append(missing, op.ID+" checks")
		}
		for _, p := range op.PathParams {
			if p.Why == "" {
				missing = append(missing, op.ID+" path param "+p.Name)
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("overrides without a Why: %s", strings.Join(missing, ", "))
	}
	return nil
}

func (m *model) buildOp(o *Op) (*goOp, error) {
	ops := m.doc.Paths[o.Path]
	spec := ops[strings.ToLower(o.Method)]
	if spec == nil {
		return nil, fmt.Errorf("no %s %s in %s", o.Method, o.Path, m.svc.Spec)
	}
	if spec.OperationID != o.ID {
		return nil, fmt.Errorf("%s %s has operationId %q", o.Method, o.Path, spec.OperationID)
	}
	op := &goOp{Op: o, Var: "op" + m.svc.Name + o.Name, HTTP: o.Method, Path: o.Path, Summary: spec.Summary}
	if o.Deprecated == "" && spec.Deprecated {
		return nil, fmt.Errorf("deprecated in the spec: say so in Op.Deprecated")
	}
	// Scopes.
	for _, sec := range spec.Security {
		for _, k := range sortedKeys(sec) {
			op.Scopes = append(op.Scopes, sec[k]...)
		}
	}
	switch {
	case len(o.Scopes) > 0 && len(op.Scopes) > 0:
		return nil, fmt.Errorf("the Scopes override is set but the spec declares %v", op.Scopes)
	case len(o.Scopes) > 0:
		op.Scopes = o.Scopes
	case len(op.Scopes) == 0:
		return nil, fmt.Errorf("no security declared: set Scopes and ScopesWhy")
	}
	// Parameters.
	declared := map[string]*param{}
	for _, p := range spec.Parameters {
		if p.Ref != "" {
			return nil, fmt.Errorf("parameter $ref not supported")
		}
		switch p.In {
		case "header":
			if p.Name == "Version" && o.Version == "" {
				if p.Schema == nil || len(p.Schema.enumStrings()) != 1 {
					return nil, fmt.Errorf("the Version header has no single enum value")
				}
				op.Version = p.Schema.enumStrings()[0]
			}
		case "path":
			declared[p.Name] = m.newParam(o, p.Name, "string", p.Schema)
		case "query":
			qp := m.newParam(o, p.Name, "", p.Schema)
			switch {
			case p.Required && m.svc.Auto && pagingParam(p.Name):
				// A required page size or position is an Options field
				// sent always, so that callers (and the Iter) need not
				// pass it by position as text.
				qp.Always = true
				qp.Default = "0"
				if p.Name == "limit" {
					qp.Default = "20"
					if d := exampleText(p.Schema); d != "" && isInteger(d) && d != "0" {
						qp.Default = d
					}
				}
				m.gaps = append(m.gaps, gap_(m.svc.Name, o.ID, "query "+p.Name, "required paging parameter", "Options field, sent always (default "+qp.Default+")"))
				op.OptQuery = append(op.OptQuery, qp)
			case p.Required && m.svc.Auto && p.Schema != nil && p.Schema.Type == "boolean":
				qp.Type, qp.Example = "bool", "true"
				op.ReqQuery = append(op.ReqQuery, qp)
			case p.Required && m.svc.Auto && p.Schema != nil && (p.Schema.Type == "number" || p.Schema.Type == "integer"):
				qp.Type = "int64" // epoch milliseconds and other numbers, not text
				if !isInteger(qp.Example) || qp.Example == "0" {
					qp.Example = "1730073600000"
				}
				op.ReqQuery = append(op.ReqQuery, qp)
			case p.Required:
				qp.Type = "string"
				op.ReqQuery = append(op.ReqQuery, qp)
			default:
				op.OptQuery = append(op.OptQuery, qp)
			}
		}
	}
	if o.Version != "" {
		if o.VersionWhy == "" {
			return nil, fmt.Errorf("a Version override needs a VersionWhy")
		}
		op.Version = o.Version
	}
	if op.Version == "" {
		return nil, fmt.Errorf("no Version header")
	}
	for _, pp := range o.PathParams {
		if declared[pp.Name] != nil {
			return nil, fmt.Errorf("path parameter %s is declared; drop the override", pp.Name)
		}
		declared[pp.Name] = m.newParam(o, pp.Name, pp.Type, &Schema{Type: "string"})
	}
	for _, name := range pathNames(o.Path) {
		p := declared[name]
		if p == nil {
			return nil, fmt.Errorf("path parameter {%s} is not declared: add a PathParams override", name)
		}
		op.PathParams = append(op.PathParams, p)
		delete(declared, name)
	}
	if len(declared) > 0 {
		return nil, fmt.Errorf("declared path parameters not in the path: %v", sortedKeys(declared))
	}
	if len(op.OptQuery) > 0 && o.Options == "" {
		return nil, fmt.Errorf("optional query parameters: name an Options type")
	}
	for _, qp := range op.OptQuery {
		f := o.Query[qp.Spec]
		qp.Doc = f.Doc
		if qp.Doc == "" && qp.Always {
			qp.Doc = exportName(qp.Spec) + " is required by the API: zero sends " + qp.Default + "."
		}
		switch {
		case f.Type != "":
			qp.Type = f.Type
		case qp.Schema != nil && (qp.Schema.Type == "number" || qp.Schema.Type == "integer"):
			qp.Type = "int"
		case m.svc.Auto && integerName(qp.Spec) && qp.Schema != nil && qp.Schema.Type == "string":
			// The API takes decimal text for these; the caller should not.
			qp.Type = "int"
			m.gaps = append(m.gaps, gap_(m.svc.Name, o.ID, "query "+qp.Spec, "count typed string", "int, sent as decimal text"))
		case m.svc.Auto && qp.Schema != nil && qp.Schema.Type == "boolean":
			qp.Type = "*bool" // so that false can be sent
		case m.svc.Auto && qp.Schema != nil && qp.Schema.Type == "array":
			qp.Type = "[]string" // repeated in the query
		default:
			qp.Type = "string"
		}
		if (qp.Type == "int" || qp.Type == "int64") && !isInteger(qp.Example) {
			qp.Example = "1"
		}
	}
	// Body.
	if o.EmptyBody {
		if spec.RequestBody == nil {
			return nil, fmt.Errorf("EmptyBody but the spec has no body")
		}
	} else if spec.RequestBody != nil {
		s := schemaOf(spec.RequestBody.Content)
		if o.Multipart {
			s = spec.RequestBody.Content["multipart/form-data"].Schema
		}
		if o.Request != "" {
			s = &Schema{Ref: "#/components/schemas/" + o.Request}
		}
		if s == nil {
			return nil, fmt.Errorf("body has no JSON schema")
		}
		if o.BodyArray {
			if s.Type != "array" || s.Items == nil {
				return nil, fmt.Errorf("BodyArray but the body is not an array")
			}
			s = s.Items
		}
		f, err := m.l.flatten(m.doc, s)
		if err != nil {
			return nil, err
		}
		t := m.bySchema[f.Name]
		if t == nil {
			return nil, fmt.Errorf("body schema %q has no Go type", f.Name)
		}
		t.Request = true
		if o.Multipart && t.UploadField == "" {
			t.UploadField = o.UploadField
		}
		op.Body = t
		op.BodySchema = s
		op.BodyReq = spec.RequestBody.Required && !o.OptionalBody
	}
	// Response.
	var codes []string
	for code := range spec.Responses {
		if strings.HasPrefix(code, "2") {
			codes = append(codes, code)
		}
		// Resolve every schema, the error responses included, so that
		// broken external refs are reported.
		if s := schemaOf(spec.Responses[code].Content); s != nil {
			if err := m.l.checkRefs(m.doc, s, map[*Schema]bool{}); err != nil {
				return nil, err
			}
		}
	}
	sort.Strings(codes)
	if len(codes) == 0 {
		return nil, fmt.Errorf("no 2xx response")
	}
	op.Status, _ = strconv.Atoi(codes[0])
	op.RespSchema = schemaOf(spec.Responses[codes[0]].Content)
	if o.Response != "" {
		op.RespSchema = &Schema{Ref: "#/components/schemas/" + o.Response}
	}
	if o.Raw || o.File {
		op.RespSchema = nil
		return op, nil
	}
	if op.RespSchema == nil {
		return nil, fmt.Errorf("2xx has no schema: add a Response replacement")
	}
	return op, nil
}

func (m *model) newParam(o *Op, name, typ string, s *Schema) *param {
	p := &param{Spec: name, Go: lowerName(name), Type: typ, Schema: s}
	if g, ok := o.Params[name]; ok {
		p.Go = g
	}
	if s != nil && len(s.Example) > 0 {
		var v any
		if json.Unmarshal(s.Example, &v) == nil {
			switch v := v.(type) {
			case string:
				p.Example = v
			case float64:
				p.Example = strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
	}
	if p.Example == "" {
		p.Example = "example-" + name
		if typ == "BulkTagAction" {
			p.Example = "add"
		}
	}
	return p
}

func pathNames(path string) []string {
	var names []string
	for {
		i := strings.IndexByte(path, '{')
		if i < 0 {
			return names
		}
		j := strings.IndexByte(path[i:], '}')
		names = append(names, path[i+1:i+j])
		path = path[i+j+1:]
	}
}

// checkCoverage makes sure every schema a type or envelope reaches has a Go
// type (a hand-chosen name), instead of inventing one.
func (m *model) checkCoverage() error {
	var missing []string
	seen := map[string]bool{}
	var walk func(doc *Doc, s *Schema, top bool)
	walk = func(doc *Doc, s *Schema, top bool) {
		if s == nil {
			return
		}
		if s.Ref != "" {
			r, err := m.l.resolve(doc, s.Ref)
			if err != nil {
				missing = append(missing, err.Error())
				return
			}
			if seen[r.Name] {
				return
			}
			seen[r.Name] = true
			if !top && m.bySchema[r.Name] == nil {
				if f, err := m.l.flatten(r.Doc, r.Schema); m.svc.Auto && err == nil && len(f.Keys) == 0 {
					return // typed json.RawMessage by the default rule
				}
				missing = append(missing, r.Name)
			}
			walk(r.Doc, r.Schema, top)
			return
		}
		for _, sub := range s.AllOf {
			walk(doc, sub, top)
		}
		for _, sub := range append(append([]*Schema{s.Items}, s.AnyOf...), s.OneOf...) {
			walk(doc, sub, false)
		}
		if s.Properties != nil {
			for _, k := range s.Properties.Keys {
				walk(doc, s.Properties.M[k], false)
			}
		}
	}
	for _, op := range m.ops {
		walk(m.doc, op.BodySchema, false)
		walk(m.doc, op.RespSchema, op.Result != "")
	}
	for _, t := range m.types {
		for _, from := range t.From {
			walk(m.doc, &Schema{Ref: "#/components/schemas/" + from}, false)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("schemas without a Go type in the overrides: %s", strings.Join(slices.Compact(missing), ", "))
	}
	return nil
}

// fieldOverride returns the override of prop in t, falling back to the
// service-wide one.
func (m *model) fieldOverride(t *goType, prop string) Field {
	if t != nil {
		if f, ok := t.Type.Fields[prop]; ok {
			sf := m.svc.Fields[prop]
			if f.Type == "" && f.Schema == "" {
				f.Type, f.Why = sf.Type, sf.Why
			}
			if f.Name == "" {
				f.Name = sf.Name
			}
			if f.Doc == "" {
				f.Doc = sf.Doc
			}
			return f
		}
	}
	return m.svc.Fields[prop]
}

// propSchema applies a Schema override to a property.
func (m *model) propSchema(t *goType, prop string, s *Schema) (*Schema, error) {
	f := m.fieldOverride(t, prop)
	if f.Schema == "" {
		return s, nil
	}
	var r Schema
	if err := json.Unmarshal([]byte(f.Schema), &r); err != nil {
		return nil, fmt.Errorf("%s: schema override: %w", prop, err)
	}
	if len(r.Example) == 0 && s != nil {
		r.Example = s.Example
	}
	return &r, nil
}

func (m *model) buildFields(t *goType) error {
	byJSON := map[string]*goField{}
	required := map[string]bool{}
	for _, from := range t.From {
		f, err := m.l.flatten(m.doc, &Schema{Ref: "#/components/schemas/" + from})
		if err != nil {
			return err
		}
		for _, r := range f.Req {
			required[r] = true
		}
		for _, k := range f.Keys {
			ps, err := m.propSchema(t, k, f.Props[k])
			if err != nil {
				return err
			}
			ov := m.fieldOverride(t, k)
			base := ov.Type
			if base == "" {
				base, err = m.propType(f.Doc, ps, k, t.Name)
				if err != nil {
					return fmt.Errorf("%s (from %s): %w", k, from, err)
				}
			}
			if old := byJSON[k]; old != nil {
				if old.Base != base {
					return fmt.Errorf("%s is %s in one schema and %s in another: set Fields[%q].Type", k, old.Base, base, k)
				}
				continue
			}
			name := ov.Name
			if name == "" {
				name = fieldName(k)
			}
			doc := ov.Doc
			if doc == "" && m.svc.Auto && ps != nil {
				doc = fieldDoc(name, ps.Description)
			}
			gf := &goField{JSON: k, Name: name, Base: base, Doc: doc, Schema: ps}
			byJSON[k] = gf
			t.Fields = append(t.Fields, gf)
		}
	}
	m.separateFieldNames(t)
	if t.Required != nil {
		required = map[string]bool{}
		for _, r := range *t.Required {
			required[r] = true
		}
	}
	for k := range t.Type.Fields {
		if byJSON[k] == nil {
			return fmt.Errorf("override of unknown field %s", k)
		}
	}
	for _, f := range t.Fields {
		f.Required = required[f.JSON]
		m.finishField(t, f)
	}
	return nil
}

// finishField applies the model rules: responses use values with
// omitempty; request bodies use pointers for optional fields.
func (m *model) finishField(t *goType, f *goField) {
	ov := m.fieldOverride(t, f.JSON)
	k := kindOf(f.Base)
	f.Type = f.Base
	switch {
	case f.Required:
		f.Omit = ""
	case k == kTimestamp:
		f.Omit = "omitzero"
	case t.Request && (strings.HasPrefix(f.Base, "[]") || strings.HasPrefix(f.Base, "map[")):
		// A nil list is left out, an empty one is sent: []T{} clears a
		// list, which omitempty could not say.
		f.Omit = "omitzero"
	default:
		f.Omit = "omitempty"
	}
	if k == kStruct {
		f.Type = "*" + f.Base
	}
	if t.Request && !t.Values && !f.Required && k == kScalar {
		f.Type = "*" + f.Base
	}
	switch ov.Tag {
	case "":
	case "-":
		f.Omit = ""
	default:
		f.Omit = ov.Tag
	}
}

type kind int

const (
	kScalar kind = iota
	kTimestamp
	kSlice
	kStruct
	kPointer
	kAny
)

func kindOf(goType string) kind {
	switch {
	case goType == "Timestamp":
		return kTimestamp
	case strings.HasPrefix(goType, "[]"), strings.HasPrefix(goType, "map["), goType == "json.RawMessage", sliceTypes[goType]:
		return kSlice
	case strings.HasPrefix(goType, "*"):
		return kPointer
	case goType == "any":
		return kAny
	case goType == "string", goType == "bool", goType == "int", goType == "int64", goType == "float64", enumNames[goType]:
		return kScalar
	}
	return kStruct
}

// propType maps the schema of property prop (of owner, for the gap
// report) to a Go type. A service with Auto applies the default rules where
// the spec leaves a gap: a number is float64 unless the spec says integer
// or the name is a count; an untyped object is a Timestamp when its name
// or example is a date and json.RawMessage otherwise; a union of different
// types is json.RawMessage; additionalProperties is a map.
func (m *model) propType(doc *Doc, s *Schema, prop, owner string) (string, error) {
	if !m.svc.Auto || s == nil {
		return m.goTypeOf(doc, s)
	}
	note := func(g, rule string) {
		m.gaps = append(m.gaps, gap_(m.svc.Name, "", owner+"."+prop, g, rule))
	}
	if s.Ref != "" && m.bySchema[refName(s.Ref)] == nil {
		if f, err := m.l.flatten(doc, s); err == nil && len(f.Keys) == 0 {
			if _, isMap := f.Schema.mapValues(); !isMap {
				note("schema "+refName(s.Ref)+" has no properties", "json.RawMessage")
				return "json.RawMessage", nil
			}
		}
	}
	if s.Ref == "" {
		if v, ok := s.mapValues(); ok {
			e, err := m.propType(doc, v, prop, owner)
			if err != nil || e == "any" {
				e = "json.RawMessage"
			}
			return "map[string]" + e, nil
		}
		if t, g := exampleContradiction(prop, s); t != "" && m.svc.Auto {
			note(g, t)
			return t, nil
		}
		switch {
		case s.Type == "object" && (s.Properties == nil || len(s.Properties.Keys) == 0):
			if dateLike(prop, s) {
				note("untyped object holding a date", "Timestamp")
				return "Timestamp", nil
			}
			note("untyped object", "json.RawMessage")
			return "json.RawMessage", nil
		case s.Type == "integer":
			return "int", nil
		case s.Type == "number":
			if integerName(prop) && !fractionalExample(s.Example) {
				return "int", nil
			}
			return "float64", nil
		case s.Type == "string" && len(s.enumStrings()) > 1 && len(s.enumStrings()) == len(s.Enum) && !strings.HasSuffix(owner, " envelope"):
			if name := m.enumType(owner, prop, s.enumStrings()); name != "" {
				return name, nil
			}
			return "string", nil
		case s.Type == "string" && s.Format == "date-time":
			return "Timestamp", nil
		case s.Type == "string" && dateLike(prop, s) && len(s.Example) > 0 && exampleIsTime(s.Example):
			return "Timestamp", nil
		case s.Type == "array" && s.Items != nil && s.Items.Type == "array" && s.Items.Items == nil:
			note("array of arrays of no type", "[]json.RawMessage")
			return "[]json.RawMessage", nil
		case s.Type == "array" && s.Items != nil:
			e, err := m.propType(doc, s.Items, prop, owner)
			if err != nil {
				return "", err
			}
			if e == "any" {
				e = "json.RawMessage"
			}
			return "[]" + e, nil
		case s.Type == "" && s.Properties == nil && len(s.AnyOf)+len(s.OneOf)+len(s.AllOf) == 0:
			return "json.RawMessage", nil
		}
		if alts := append(slices.Clone(s.AnyOf), s.OneOf...); len(alts) > 0 {
			if t, err := m.goTypeOf(doc, s); err == nil {
				return t, nil
			}
			note("union of different types", "json.RawMessage")
			return "json.RawMessage", nil
		}
	}
	t, err := m.goTypeOf(doc, s)
	if err != nil && s.Ref == "" {
		note(err.Error(), "json.RawMessage")
		return "json.RawMessage", nil
	}
	return t, err
}

// goTypeOf maps a property schema to a Go type.
func (m *model) goTypeOf(doc *Doc, s *Schema) (string, error) {
	if s.Ref != "" {
		r, err := m.l.resolve(doc, s.Ref)
		if err != nil {
			return "", err
		}
		t := m.bySchema[r.Name]
		if t == nil {
			return "", fmt.Errorf("schema %s has no Go type", r.Name)
		}
		return t.Name, nil
	}
	if alts := append(slices.Clone(s.AnyOf), s.OneOf...); len(alts) > 0 {
		var name string
		for _, a := range alts {
			n, err := m.goTypeOf(doc, a)
			if err != nil {
				return "", err
			}
			if name != "" && n != name {
				return "", fmt.Errorf("anyOf of %s and %s: map them to one type or override", name, n)
			}
			name = n
		}
		return name, nil
	}
	if len(s.AllOf) == 1 {
		return m.goTypeOf(doc, s.AllOf[0])
	}
	switch s.Type {
	case "string":
		return "string", nil
	case "boolean":
		return "bool", nil
	case "number", "integer":
		// The specs type every integer (counts, limits) as number.
		return "int", nil
	case "array":
		if s.Items == nil {
			return "[]any", nil
		}
		e, err := m.goTypeOf(doc, s.Items)
		if err != nil {
			return "", err
		}
		return "[]" + e, nil
	case "":
		if s.Properties == nil {
			return "any", nil
		}
	}
	return "", fmt.Errorf("no Go type for an inline %q schema: override it", s.Type)
}

// buildResult builds the response envelope of op.
func (m *model) buildResult(op *goOp) error {
	if op.Raw || op.File {
		return nil
	}
	if op.Shape != "" {
		s := op.RespSchema
		if r, err := m.l.resolve(m.doc, s.Ref); s.Ref != "" && err == nil {
			s = r.Schema
		}
		item := s.Items
		if op.Shape == "map" {
			item, _ = s.mapValues()
		}
		if item == nil || item.Ref == "" || m.bySchema[refName(item.Ref)] == nil {
			return fmt.Errorf("%s answer: items have no Go type", op.Shape)
		}
		op.Elem = m.bySchema[refName(item.Ref)]
		return nil
	}
	f, err := m.l.flatten(m.doc, op.RespSchema)
	if err != nil {
		return err
	}
	if op.Result == "" {
		t := m.bySchema[f.Name]
		if t == nil {
			return fmt.Errorf("response schema %q has no Go type (or set Result)", f.Name)
		}
		op.Whole = t
		return nil
	}
	if f.Name != "" && m.bySchema[f.Name] != nil {
		if !m.svc.Auto {
			return fmt.Errorf("envelope %s is also a Go type", f.Name)
		}
		// The envelope is a type of its own elsewhere: return all of it.
		op.Result, op.Total, op.Paging = "", "", ""
		op.Whole = m.bySchema[f.Name]
		return nil
	}
	env := &goType{Type: &Type{Name: "root"}}
	for _, k := range f.Keys {
		base, err := m.propType(f.Doc, f.Props[k], k, op.ID+" envelope")
		ov := m.fieldOverride(nil, k)
		if ov.Type != "" {
			base, err = ov.Type, nil
		}
		if err != nil {
			return fmt.Errorf("envelope %s: %w", k, err)
		}
		name := ov.Name
		if name == "" {
			name = fieldName(k)
		}
		gf := &goField{JSON: k, Name: name, Base: base, Schema: f.Props[k]}
		m.finishField(env, gf)
		gf.Omit = ""
		op.Root = append(op.Root, gf)
		if k == op.Result {
			op.ResultF = gf
		}
	}
	if op.ResultF == nil {
		return fmt.Errorf("no envelope property %q", op.Result)
	}
	if op.Total != "" && op.rootField(op.Total) == nil {
		return fmt.Errorf("no envelope property %q", op.Total)
	}
	return nil
}

func (o *goOp) rootField(json string) *goField {
	for _, f := range o.Root {
		if f.JSON == json {
			return f
		}
	}
	return nil
}

// rootType is the anonymous struct the envelope decodes into.
func (o *goOp) rootType() string {
	var b strings.Builder
	b.WriteString("struct {\n")
	for _, f := range o.Root {
		typ := f.Type
		if f == o.ResultF && kindOf(typ) == kScalar {
			typ = "*" + typ // nil tells an answer without it from a zero value
		}
		fmt.Fprintf(&b, "\t%s %s %s\n", f.Name, typ, f.tag())
	}
	b.WriteString("}")
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// nestedRequests applies the request rules at every depth of a body: a
// struct reached from a request body is a request type too, so that its
// optional false, 0 and "" reach the wire when the caller sets them.
func (m *model) nestedRequests() {
	for changed := true; changed; {
		changed = false
		for _, t := range m.types {
			if !t.Request {
				continue
			}
			for _, f := range t.Fields {
				base := strings.TrimPrefix(strings.TrimPrefix(f.Base, "[]"), "map[string]")
				if n := m.byName[base]; n != nil && !n.Request && !n.Core {
					n.Request, changed = true, true
				}
			}
		}
	}
	for _, t := range m.types {
		if t.Request {
			for _, f := range t.Fields {
				m.finishField(t, f)
			}
		}
	}
}

// exampleIsTime reports whether a JSON example is an RFC 3339 time.
func exampleIsTime(raw json.RawMessage) bool {
	var v string
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	_, err := time.Parse(time.RFC3339, v)
	return err == nil
}

func isInteger(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// refName is the schema name a $ref ends with.
func refName(ref string) string { return ref[strings.LastIndexByte(ref, '/')+1:] }

// exampleText is a parameter's default, or else its example, as text.
func exampleText(s *Schema) string {
	if s == nil {
		return ""
	}
	for _, raw := range []json.RawMessage{s.Default, s.Example} {
		var v any
		if len(raw) > 0 && json.Unmarshal(raw, &v) == nil {
			switch v := v.(type) {
			case string:
				return v
			case float64:
				return strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
	}
	return ""
}

// sliceTypes are the core's named list types, which fields hold by value.
var sliceTypes = map[string]bool{"OpenHours": true}

// enumNames are the typed strings of every model, which fields treat as
// scalars (pointers in requests, values in responses).
var enumNames = map[string]bool{}

// globalEnums are the enums declared so far, by their sorted values, so
// that one value set has one type across services.
var globalEnums = map[string]string{}

// fieldDoc is a field's doc comment from the spec's description: the Go
// name, then HighLevel's words (a long description is cut after its first
// sentence).
func fieldDoc(name, desc string) string {
	desc = strings.Join(strings.Fields(desc), " ")
	letters := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, strings.ToLower(s))
	}
	if desc == "" || letters(desc) == letters(name) {
		return "" // "Email: email." says nothing
	}
	if i := strings.Index(desc, ". "); i > 0 && len(desc) > 200 {
		desc = desc[:i]
	}
	if len(desc) > 300 {
		desc = desc[:297] + "..."
	}
	desc = strings.TrimSuffix(desc, ".")
	return wrap(name+": "+desc+".", 72)
}

// separateFieldNames renames fields whose JSON keys read as one Go name
// ("id" and "_id" both ID): the first keeps it, a key with leading
// underscores becomes Underscore<Name>, any other gets a number. Each
// rename is a gap of the report.
func (m *model) separateFieldNames(t *goType) {
	taken := map[string]bool{}
	for _, f := range t.Fields {
		taken[f.Name] = true
	}
	seen := map[string]bool{}
	for _, f := range t.Fields {
		if !seen[f.Name] {
			seen[f.Name] = true
			continue
		}
		name := f.Name
		if strings.HasPrefix(f.JSON, "_") {
			name = "Underscore" + name
		}
		for i := 2; taken[name]; i++ {
			name = fmt.Sprintf("%s%d", f.Name, i)
		}
		m.gaps = append(m.gaps, gap_(m.svc.Name, "", t.Name+"."+f.JSON, "two JSON keys read as Go name "+f.Name, name))
		f.Name, taken[name], seen[name] = name, true, true
	}
}

// jsonKind is the JSON type of a value: "string", "number", "bool",
// "object", "array", "null" or "" for none.
func jsonKind(raw json.RawMessage) string {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 {
		return ""
	}
	switch b[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "bool"
	case 'n':
		return "null"
	}
	return "number"
}

// fractionalExample reports whether a number's example has a fraction:
// "total" is a count by name, but 1222.03 is an amount.
func fractionalExample(raw json.RawMessage) bool {
	var f float64
	return jsonKind(raw) == "number" && json.Unmarshal(raw, &f) == nil && f != float64(int64(f))
}

// exampleContradiction types a property whose declared type its own
// example (or enum) contradicts, the way the example reads: the specs'
// examples are closer to what the API sends than their types. It returns
// "" when they agree.
func exampleContradiction(prop string, s *Schema) (goType, gap string) {
	switch {
	case s.Type == "object" && (s.Properties == nil || len(s.Properties.Keys) == 0) && len(s.AllOf)+len(s.AnyOf)+len(s.OneOf) == 0 &&
		jsonKind(s.Example) == "string" && len(s.AdditionalProperties) == 0 && !dateLike(prop, s):
		return "string", "object type, its example is text"
	case s.Type == "number" && len(s.Enum) > 0 && (jsonKind(s.Enum[0]) == "string" || jsonKind(s.Enum[0]) == "array"):
		return "string", "number type, its enum lists text"
	case s.Type == "array" && s.Items != nil && s.Items.Ref == "" && (s.Items.Type == "string" || s.Items.Type == "number") && jsonKind(s.Example) == "array":
		var items []json.RawMessage
		if json.Unmarshal(s.Example, &items) != nil || len(items) == 0 {
			return "", ""
		}
		kinds := map[string]bool{}
		for _, it := range items {
			kinds[jsonKind(it)] = true
		}
		switch {
		case len(kinds) > 1:
			return "[]any", "array of " + s.Items.Type + ", its example mixes types"
		case kinds["object"]:
			return "[]json.RawMessage", "array of " + s.Items.Type + ", its example holds objects"
		case kinds["number"] && s.Items.Type == "string":
			return "[]float64", "array of string, its example holds numbers"
		}
	}
	return "", ""
}
