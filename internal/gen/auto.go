package main

// The rule-written part of the table. A service with Auto set lists only
// its exceptions by hand; every other operation of its spec, and every
// schema those operations reach, gets its Go name, result, options and
// paging by the rules below, and each gap of the spec is filled by a
// default rule that the gap report (testdata/gaps.csv) records.

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// gap is one hole in the spec and the rule that filled it.
type gap struct {
	Service, Op, Where, Gap, Rule string
}

// registry holds the Go names given across services, so that one shape
// keeps one name and two shapes never share one.
type registry struct {
	bySig  map[string]string // schema name + shape → Go name
	owner  map[string]string // Go name → shape signature
	server map[string]string // Go name → service that declares it
}

func newRegistry() *registry {
	r := &registry{bySig: map[string]string{}, owner: map[string]string{}, server: map[string]string{}}
	for _, n := range coreNames {
		r.owner[n] = "core"
		r.server[n] = "core"
	}
	return r
}

// coreNames are declared by the hand-written core; no model may take them.
var coreNames = []string{"Client", "Option", "Response", "Rate", "RateLimit", "RateLimiter", "RetryPolicy", "Timestamp",
	"PageMeta", "APIError", "RateLimitError", "ArgError", "RequestError", "DecodeError", "PageError", "Timeouts",
	"TokenSource", "TokenStore", "StoredToken", "OAuthApp", "OAuthConfig", "Agency", "Version", "WebhookEvent",
	"WebhookVerifier", "InstalledLocation", "InstalledLocations", "UserType", "Locker", "Ptr", "ResponseTooLargeError",
	"Error", "Errors", "Service", "Operation"}

// verbs that start an operationId, and what a method starting with them is
// called.
var verbNames = map[string]string{
	"get": "Get", "create": "Create", "update": "Update", "delete": "Delete", "upsert": "Upsert",
	"search": "Search", "add": "Add", "remove": "Remove", "list": "List", "fetch": "Get", "post": "Create",
	"put": "Update", "patch": "Update", "edit": "Update", "find": "Find", "send": "Send", "cancel": "Cancel",
	"validate": "Validate", "enable": "Enable", "disable": "Disable", "bulk": "Bulk", "check": "Check",
	"upload": "Upload", "download": "Download", "mark": "Mark", "change": "Change", "set": "Set",
	"complete": "Complete", "initiate": "Initiate", "filter": "Filter", "verify": "Verify", "generate": "Generate",
	"import": "Import", "export": "Export", "merge": "Merge", "publish": "Publish", "schedule": "Schedule",
	"pause": "Pause", "resume": "Resume", "duplicate": "Duplicate", "promote": "Promote", "execute": "Execute",
	"attach": "Attach", "start": "Start", "record": "Record", "migrate": "Migrate", "purchase": "Purchase",
	"preview": "Preview", "disconnect": "Disconnect", "connect": "Connect", "refund": "Refund", "void": "Void",
	"copy": "Copy", "move": "Move", "archive": "Archive", "restore": "Restore", "assign": "Assign",
	"finalize": "Finalize", "submit": "Submit", "reset": "Reset", "sync": "Sync", "stop": "Stop",
}

// methodWords spell out the abbreviations of operationIds in method names
// only ("li-get-ad-accounts" → GetLinkedInAccounts); as a field or enum
// value "LI" is a country code, so they are not initialisms.
var methodWords = map[string]string{"li": "LinkedIn"}

// qualifierVerbAt is how far into an operationId a verb may follow the
// words that qualify it: "fb-get-ad-accounts" is Get, for Facebook.
const qualifierVerbAt = 2

// pluralNoun reports whether the words of an operationId after its verb
// name a list: "all ...", or a plural before any "by"/"for" ("contacts",
// "groups-by-location").
func pluralNoun(rest []string) bool {
	var last string
	for _, w := range rest {
		lw := strings.ToLower(w)
		if lw == "all" {
			return true
		}
		if lw == "by" || lw == "for" || lw == "of" || lw == "in" {
			break
		}
		last = lw
	}
	return last == "" || (singular(last) != last)
}

// autoFill completes svc's table by rule. It returns the spec document with
// inline object schemas lifted into named ones (so that every object has a
// Go type), which buildModel then uses.
func autoFill(specDir string, svc *Service, reg *registry) error {
	l := newLoader()
	doc, err := l.load(filepath.Join(specDir, "apps", svc.Spec))
	if err != nil {
		return err
	}
	svc.loaded, svc.loader = doc, l
	if err := applyFixes(doc, svc); err != nil {
		return err
	}
	a := &auto{svc: svc, reg: reg, l: l, doc: doc, names: map[string]bool{}, methods: map[string]string{}, bodies: map[string]bool{}, roles: map[string]string{}, byRole: map[string]string{}}
	for _, t := range svc.Types {
		a.names[t.Name] = true
	}
	a.liftInline()
	explicit := map[string]bool{}
	for _, o := range svc.Ops {
		explicit[o.ID] = true
		a.methods[o.Name] = o.ID
	}
	for _, path := range sortedKeys(doc.Paths) {
		for _, method := range []string{"get", "post", "put", "patch", "delete"} {
			spec := doc.Paths[path][method]
			if spec == nil || explicit[spec.OperationID] {
				continue
			}
			if why, ok := svc.Skip[spec.OperationID]; ok {
				a.gap(spec.OperationID, "operation", "not generated", why)
				continue
			}
			o, err := a.op(path, strings.ToUpper(method), spec)
			if err != nil {
				return fmt.Errorf("%s: %w", spec.OperationID, err)
			}
			if o != nil {
				svc.Ops = append(svc.Ops, *o)
			}
		}
	}
	return a.types()
}

type auto struct {
	svc     *Service
	reg     *registry
	l       *loader
	doc     *Doc
	names   map[string]bool   // Go type names taken in this service
	methods map[string]string // method name → operationId
	reached []string          // schema names to type, in first-seen order
	seen    map[string]bool
	bodies  map[string]bool   // schemas used as request bodies
	roles   map[string]string // schema → "the body of [X.Y]", for its doc
	byRole  map[string]string // schema → Go name from the property holding it
}

// genericProps are result properties whose name says nothing of the item.
var genericProps = map[string]bool{"data": true, "result": true, "results": true, "items": true, "list": true,
	"response": true, "success": true, "message": true, "meta": true, "record": true, "records": true}

// nameByRole names the schema a result property holds after the property:
// {"opportunities": [SearchOpportunitiesResponseSchema]} holds Opportunity
// values. The first role a schema is met in wins.
func (a *auto) nameByRole(prop string, s *Schema) {
	if s == nil || genericProps[strings.ToLower(prop)] {
		return
	}
	if s.Type == "array" && s.Items != nil {
		s = s.Items
	}
	if s.Ref == "" && len(s.AllOf) == 1 {
		s = s.AllOf[0]
	}
	if s.Ref == "" {
		return
	}
	schema := refName(s.Ref)
	if _, done := a.byRole[schema]; done {
		return
	}
	a.byRole[schema] = exportName(singular(prop))
}

func (a *auto) gap(op, where, gap, rule string) {
	a.svc.gaps = append(a.svc.gaps, gap_(a.svc.Name, op, where, gap, rule))
}

func gap_(svc, op, where, g, rule string) gap {
	return gap{Service: svc, Op: op, Where: where, Gap: g, Rule: rule}
}

// liftInline gives every inline object with properties (a property, an
// array's items, a body or a response) a component name, so the model can
// type it: <Parent><Prop>.
func (a *auto) liftInline() {
	var lift func(parent string, s *Schema)
	lift = func(parent string, s *Schema) {
		if s == nil || s.Properties == nil {
			return
		}
		for _, k := range s.Properties.Keys {
			p := s.Properties.M[k]
			for _, target := range []**Schema{&p, &p.Items} {
				t := *target
				if t == nil || t.Ref != "" || t.Properties == nil || len(t.Properties.Keys) == 0 {
					continue
				}
				name := a.freeSchemaName(parent + exportName(k))
				a.doc.Components.Schemas[name] = t
				lift(name, t)
				*target = &Schema{Ref: "#/components/schemas/" + name, Description: t.Description}
				if target == &p {
					s.Properties.M[k] = *target
				}
				a.gap("", parent+"."+k, "inline object", "nested type "+name)
			}
		}
	}
	for _, name := range sortedKeys(a.doc.Components.Schemas) {
		lift(strings.TrimSuffix(typeName(name), "Request"), a.doc.Components.Schemas[name])
	}
	for _, path := range sortedKeys(a.doc.Paths) {
		for _, method := range sortedKeys(a.doc.Paths[path]) {
			op := a.doc.Paths[path][method]
			base := a.svc.Name + exportName(op.OperationID)
			if op.RequestBody != nil {
				if mt := op.RequestBody.Content["application/json"]; mt != nil && mt.Schema != nil && mt.Schema.Ref == "" && mt.Schema.Properties != nil && len(mt.Schema.Properties.Keys) > 0 {
					name := a.freeSchemaName(base + "Request")
					a.doc.Components.Schemas[name] = mt.Schema
					lift(name, mt.Schema)
					mt.Schema = &Schema{Ref: "#/components/schemas/" + name}
					a.gap(op.OperationID, "body", "inline body schema", "named "+name)
				}
			}
			for code, r := range op.Responses {
				if !strings.HasPrefix(code, "2") || r == nil {
					continue
				}
				if mt := r.Content["application/json"]; mt != nil && mt.Schema != nil && mt.Schema.Ref == "" && mt.Schema.Properties != nil && len(mt.Schema.Properties.Keys) > 0 {
					name := a.freeSchemaName(base + "Response")
					a.doc.Components.Schemas[name] = mt.Schema
					lift(name, mt.Schema)
					mt.Schema = &Schema{Ref: "#/components/schemas/" + name}
				}
			}
		}
	}
}

func (a *auto) freeSchemaName(base string) string {
	name := base
	for i := 2; a.doc.Components.Schemas[name] != nil; i++ {
		name = fmt.Sprintf("%s%d", base, i)
	}
	return name
}

// typeName is the Go name a schema name gets by rule: its words, without
// the Dto/DTO/Schema suffixes the specs use.
func typeName(schema string) string {
	n := exportName(strings.TrimPrefix(schema, "x-")) // our replacement schemas
	for {
		trimmed := n
		for _, suf := range []string{"Dto", "DTO", "Schema", "Dtos"} {
			if strings.HasSuffix(trimmed, suf) && len(trimmed) > len(suf) {
				trimmed = strings.TrimSuffix(trimmed, suf)
			}
		}
		if trimmed == n {
			break
		}
		n = trimmed
	}
	if n == "" {
		n = "Object"
	}
	return n
}

// singular is a rough singular of an English plural, enough for the API's
// nouns ("businesses" → "business", "calendars" → "calendar").
func singular(w string) string {
	switch {
	case strings.HasSuffix(w, "sses"), strings.HasSuffix(w, "xes"), strings.HasSuffix(w, "ches"):
		return w[:len(w)-2]
	case strings.HasSuffix(w, "ies") && len(w) > 3:
		return w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") && len(w) > 1:
		return w[:len(w)-1]
	}
	return w
}

// methodName is the Go method of an operation by rule: the operationId's
// verb, then its other words without the service's own noun; a get that
// answers a list is a List.
func (a *auto) methodName(id, httpMethod string, list bool) string {
	if name, ok := a.svc.Rename[id]; ok {
		a.methods[name] = id
		return name
	}
	var ws []string
	for _, w := range words(id) {
		switch strings.ToLower(w) {
		case "a", "an", "the":
			continue // SendANewMessage reads as SendNewMessage
		}
		ws = append(ws, w)
	}
	if len(ws) == 0 {
		return exportName(id)
	}
	noun := map[string]bool{}
	for _, w := range words(a.svc.Name) {
		noun[strings.ToLower(w)] = true
		noun[singular(strings.ToLower(w))] = true
	}
	verb, rest := verbNames[strings.ToLower(ws[0])], ws[1:]
	for i := 1; verb == "" && i <= qualifierVerbAt && i < len(ws); i++ {
		if v := verbNames[strings.ToLower(ws[i])]; v != "" {
			verb, rest = v, append(append([]string(nil), ws[:i]...), ws[i+1:]...)
		}
	}
	if verb == "" {
		verb, rest = map[string]string{"GET": "Get", "POST": "Create", "PUT": "Update", "PATCH": "Update", "DELETE": "Delete"}[httpMethod], ws
	}
	if verb == "Get" && list && pluralNoun(rest) {
		verb = "List"
	}
	if len(rest) > 0 && strings.EqualFold(rest[0], "all") {
		rest = rest[1:]
	}
	var b strings.Builder
	b.WriteString(verb)
	for _, w := range rest {
		lw := strings.ToLower(w)
		if noun[lw] || noun[singular(lw)] {
			continue
		}
		if full, ok := methodWords[lw]; ok {
			b.WriteString(full)
			continue
		}
		b.WriteString(exportName(w))
	}
	name := b.String()
	if prev, dup := a.methods[name]; dup && prev != id {
		name = verb + exportName(strings.Join(rest, "-"))
		if _, dup := a.methods[name]; dup {
			name = exportName(id)
		}
	}
	a.methods[name] = id
	return name
}

// op builds the table row of one operation by rule.
func (a *auto) op(path, method string, spec *Operation) (*Op, error) {
	id := spec.OperationID
	o := &Op{ID: id, Method: method, Path: path}
	if spec.Deprecated {
		o.Deprecated = "HighLevel marks this operation deprecated."
	}
	// Version: the file's version when the operation declares none, or
	// several.
	hasVersion := false
	declared := map[string]bool{}
	var optional []*Parameter
	for _, p := range spec.Parameters {
		switch {
		case p.In == "header" && p.Name == "Version":
			if p.Schema != nil && len(p.Schema.enumStrings()) == 1 {
				hasVersion = true
			}
		case p.In == "path":
			declared[p.Name] = true
		case p.In == "query" && (!p.Required || pagingParam(p.Name)):
			optional = append(optional, p)
		}
	}
	if !hasVersion {
		v := a.fileVersion()
		if v == "" {
			return nil, fmt.Errorf("no Version header, and no other operation of %s declares one: set Service.Version", a.svc.Spec)
		}
		if a.svc.Version != "" {
			o.Version, o.VersionWhy = v, a.svc.VersionWhy
			a.gap(id, "header Version", "no single Version value", "used "+v+": "+a.svc.VersionWhy)
		} else {
			o.Version, o.VersionWhy = v, "default rule: the version the other operations of "+a.svc.Spec+" declare"
			a.gap(id, "header Version", "no single Version value", "used "+v+" (the file's version)")
		}
	}
	for _, name := range pathNames(path) {
		if !declared[name] {
			o.PathParams = append(o.PathParams, PathParam{Name: name, Type: "string", Why: "default rule: an undeclared path parameter is a string"})
			a.gap(id, "path {"+name+"}", "path parameter not declared", "string parameter")
		}
	}
	scopes := 0
	for _, sec := range spec.Security {
		for _, v := range sec {
			scopes += len(v)
		}
	}
	if scopes == 0 {
		o.Scopes, o.ScopesWhy = []string{"unknown"}, "default rule: the spec declares no scopes"
		a.gap(id, "security", "no scopes", "\"unknown\" in operations.csv")
	}
	// Body.
	bodySchema, wholeSchema := "", ""
	if spec.RequestBody != nil {
		s := schemaOf(spec.RequestBody.Content)
		if mt := spec.RequestBody.Content["multipart/form-data"]; s == nil && mt != nil {
			o.Multipart = true
			if mt.Schema == nil || mt.Schema.Ref == "" {
				// An inline form schema, or none at all (forms'
				// upload-custom-files names its parts per file): a named
				// body type holding the fields and the files.
				body := mt.Schema
				if body == nil {
					body = &Schema{Type: "object", Properties: &Props{M: map[string]*Schema{}}}
					a.gap(id, "body", "multipart/form-data body with no schema", "a body of files only; each Upload names its part")
				}
				name := a.freeSchemaName(a.svc.Name + exportName(id) + "Request")
				a.doc.Components.Schemas[name] = body
				mt.Schema = &Schema{Ref: "#/components/schemas/" + name}
			}
			s = mt.Schema
			binary := a.dropBinaryProps(refName(s.Ref))
			o.UploadField = a.svc.UploadFields[id]
			switch {
			case o.UploadField != "":
			case len(binary) > 0:
				o.UploadField = binary[0]
				a.gap(id, "body", "multipart/form-data file property "+strings.Join(binary, ", "), "files in Files under "+o.UploadField)
			default:
				o.UploadField = "file"
				a.gap(id, "body", "multipart/form-data body; the spec names no file field", "fields from the schema, files in Files under "+o.UploadField)
			}
		}
		if s == nil {
			return a.skip(id, "body", "request body is not JSON ("+strings.Join(sortedKeys(spec.RequestBody.Content), ", ")+")")
		}
		f, err := a.l.flatten(a.doc, s)
		if err != nil {
			return nil, err
		}
		switch {
		case s.Type == "array" && s.Items != nil && s.Items.Ref != "":
			o.BodyArray = true
			a.reach(refName(s.Items.Ref))
			a.bodies[refName(s.Items.Ref)] = true
			bodySchema = refName(s.Items.Ref)
		case s.Type == "array" || (f.Schema != nil && f.Schema.Type == "array"):
			return a.skip(id, "body", "request body is an array of inline values")
		case len(f.Keys) == 0 && !o.Multipart:
			o.EmptyBody, o.EmptyBodyWhy = true, "default rule: the body schema has no properties; {} is sent"
			a.gap(id, "body", "empty {} body schema", "EmptyBody: sends {}")
		case f.Name == "":
			return a.skip(id, "body", "inline request body")
		default:
			a.reach(f.Name)
			a.bodies[f.Name] = true
			bodySchema = f.Name
		}
	}
	// Result.
	list := false
	resp := a.lowest2xx(spec)
	switch {
	case resp == nil:
		return a.skip(id, "response", "no 2xx response")
	case schemaOf(resp.Content) == nil && len(resp.Content) > 0:
		return a.skip(id, "response", "the answer is not JSON ("+strings.Join(sortedKeys(resp.Content), ", ")+")")
	default:
		s := schemaOf(resp.Content)
		if s == nil && len(resp.Content) == 0 && fileHeader(resp) != "" {
			o.File = true
			a.gap(id, "response", "answer is a file ("+fileHeader(resp)+"), no schema", "*File result: bytes, content type, file name")
			break
		}
		if s == nil {
			o.Raw = true
			a.gap(id, "response", "2xx has no schema", "json.RawMessage result")
			break
		}
		f, err := a.l.flatten(a.doc, s)
		if err != nil {
			return nil, err
		}
		if v, isMap := f.Schema.mapValues(); isMap {
			if v.Ref == "" {
				return a.skip(id, "response", "2xx is a map of inline values")
			}
			o.Shape = "map"
			a.reach(refName(v.Ref))
			a.gap(id, "response", "2xx is a map keyed by date", "map[string]T, non-object entries (traceId) left out")
			break
		}
		if arr := f.Schema; arr.Type == "array" || s.Type == "array" {
			if s.Type == "array" {
				arr = s
			}
			if arr.Items == nil || arr.Items.Ref == "" {
				// Only saas-api's deprecated locations list (strings).
				o.Raw = true
				a.gap(id, "response", "2xx is an array of inline values", "json.RawMessage result")
				break
			}
			o.Shape, list = "array", true
			a.reach(refName(arr.Items.Ref))
			break
		}
		if len(f.Keys) == 0 {
			o.Raw = true
			a.gap(id, "response", "2xx schema is {}", "json.RawMessage result")
			break
		}
		o.Result, o.Total, list = a.envelope(f)
		if o.Result != "" {
			a.nameByRole(o.Result, f.Props[o.Result])
		}
		if o.Result == "" {
			if f.Name == "" {
				return a.skip(id, "response", "inline response schema")
			}
			a.reach(f.Name)
			wholeSchema = f.Name
		} else {
			a.reachProps(f)
		}
	}
	o.Name = a.methodName(id, method, list)
	ref := "[" + a.svc.Name + "Service." + o.Name + "]"
	if bodySchema != "" && a.roles[bodySchema] == "" {
		a.roles[bodySchema] = "is the body of " + ref
	}
	if wholeSchema != "" && a.roles[wholeSchema] == "" {
		a.roles[wholeSchema] = "is the answer of " + ref
	}
	if len(optional) > 0 {
		o.Options = a.svc.Name + o.Name + "Options"
		if a.names[o.Options] {
			o.Options = a.svc.Name + o.Name + "QueryOptions"
		}
		a.names[o.Options] = true
	}
	if list {
		o.Paging = pagingOf(optional)
		if o.Result != "" && o.Paging == "" {
			if f, err := a.l.flatten(a.doc, schemaOf(resp.Content)); err == nil {
				o.Paging = cursorPaging(optional, f)
			}
		}
	}
	o.Doc = docOf(o.Name, method, path, spec)
	return o, nil
}

func (a *auto) skip(id, where, why string) (*Op, error) {
	a.gap(id, where, why, "not generated yet")
	a.svc.skipped = append(a.svc.skipped, id)
	return nil, nil
}

// envelope picks the result of a 2xx object: the one property besides
// traceId, or the one array among several (with its count); "" returns the
// whole body.
func (a *auto) envelope(f *flat) (result, total string, list bool) {
	var props, arrays []string
	for _, k := range f.Keys {
		if k == "traceId" {
			continue
		}
		props = append(props, k)
		if p := f.Props[k]; p != nil && p.Type == "array" {
			arrays = append(arrays, k)
		}
	}
	switch {
	case len(props) == 1 && f.Props[props[0]] != nil && f.Props[props[0]].Type == "boolean" && f.Name != "":
		// {"succeeded": true} alone: the whole answer, a small typed
		// result, rather than a bare bool.
		return "", "", false
	case len(props) == 1:
		p := f.Props[props[0]]
		return props[0], "", p != nil && p.Type == "array"
	case len(arrays) == 1 && onlyPaging(props, arrays[0]):
		for _, k := range props {
			if k == "total" || k == "count" || k == "totalCount" {
				if p := f.Props[k]; p != nil && (p.Type == "number" || p.Type == "integer") {
					total = k
				}
			}
		}
		return arrays[0], total, true
	}
	return "", "", false
}

func (a *auto) lowest2xx(spec *Operation) *RespObject {
	var codes []string
	for c := range spec.Responses {
		if strings.HasPrefix(c, "2") {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	if len(codes) == 0 {
		return nil
	}
	return spec.Responses[codes[0]]
}

// fileVersion is the Version most operations of the file declare.
func (a *auto) fileVersion() string {
	if a.svc.Version != "" {
		return a.svc.Version
	}
	count := map[string]int{}
	for _, ops := range a.doc.Paths {
		for _, op := range ops {
			for _, p := range op.Parameters {
				if p.In == "header" && p.Name == "Version" && p.Schema != nil {
					if e := p.Schema.enumStrings(); len(e) == 1 {
						count[e[0]]++
					}
				}
			}
		}
	}
	best := ""
	for _, v := range sortedKeys(count) {
		if count[v] > count[best] {
			best = v
		}
	}
	return best
}

// pagingOf names the paging scheme from the query parameters.
func pagingOf(params []*Parameter) string {
	has := map[string]bool{}
	for _, p := range params {
		if p.In == "query" {
			has[p.Name] = true
		}
	}
	switch {
	case has["limit"] && has["skip"]:
		return "skip"
	case has["limit"] && has["offset"]:
		return "offset"
	}
	return ""
}

// docOf writes a method's doc from the spec's summary and description.
func docOf(name, method, path string, spec *Operation) string {
	text := strings.TrimSuffix(strings.Join(strings.Fields(spec.Summary), " "), ".")
	doc := name + " sends " + method + " " + path
	if text != "" {
		doc += ": " + text
	}
	doc += "."
	desc := strings.TrimSuffix(strings.Join(strings.Fields(spec.Description), " "), ".")
	if desc != "" && !strings.EqualFold(desc, text) {
		doc += "\n\n" + desc + "."
	}
	return wrap(doc, 76)
}

// wrap breaks text into lines of at most n characters.
func wrap(text string, n int) string {
	var out []string
	for _, para := range strings.Split(text, "\n\n") {
		var line string
		var lines []string
		for _, w := range strings.Fields(para) {
			if line != "" && len(line)+1+len(w) > n {
				lines = append(lines, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		if line != "" {
			lines = append(lines, line)
		}
		out = append(out, strings.Join(lines, "\n"))
	}
	return strings.Join(out, "\n\n")
}

// reach records a schema to type, and the schemas it reaches.
func (a *auto) reach(name string) {
	if a.seen == nil {
		a.seen = map[string]bool{}
	}
	if a.seen[name] {
		return
	}
	a.seen[name] = true
	a.reached = append(a.reached, name)
	s := a.doc.Components.Schemas[name]
	if s == nil {
		return
	}
	f, err := a.l.flatten(a.doc, &Schema{Ref: "#/components/schemas/" + name})
	if err != nil {
		return
	}
	a.reachProps(f)
}

func (a *auto) reachProps(f *flat) {
	var walk func(s *Schema)
	walk = func(s *Schema) {
		if s == nil {
			return
		}
		if s.Ref != "" {
			r, err := a.l.resolve(a.doc, s.Ref)
			if err == nil && r.Doc == a.doc {
				if rf, err := a.l.flatten(r.Doc, r.Schema); err == nil && len(rf.Keys) > 0 {
					a.reach(r.Name)
				}
			}
			return
		}
		walk(s.Items)
		for _, x := range append(slices.Clone(s.AnyOf), s.OneOf...) {
			walk(x)
		}
		for _, x := range s.AllOf {
			walk(x)
		}
		if v, ok := s.mapValues(); ok {
			walk(v)
		}
	}
	for _, k := range f.Keys {
		walk(f.Props[k])
	}
}

// types adds a Type row for every reached schema without one, named by
// rule and registered across services.
func (a *auto) types() error {
	have := map[string]bool{}
	for _, t := range a.svc.Types {
		for _, from := range t.From {
			have[from] = true
		}
	}
	for _, schema := range a.reached {
		if have[schema] {
			continue
		}
		name := typeName(schema)
		if a.bodies[schema] {
			if _, verbOnly := verbNames[strings.ToLower(name)]; verbOnly {
				name = exportName(singular(strings.ToLower(words(a.svc.Name)[0]))) + name
			}
			name = requestName(name)
		} else if r := a.byRole[schema]; r != "" {
			name = r
		}
		sig := a.signature(schema)
		key := schema + "|" + sig
		if prev, ok := a.reg.bySig[key]; ok && a.reg.server[prev] != a.svc.Name {
			// One shape, one name: declared by the service that met it first.
			a.svc.Types = append(a.svc.Types, Type{Name: prev, From: []string{schema}, Core: true})
			have[schema] = true
			continue
		}
		if owner, taken := a.reg.owner[name]; taken && owner == sig && !a.names[name] && a.reg.server[name] != a.svc.Name {
			// Another schema name, the same Go name and shape in another
			// service (Interval of conversation-ai and voice-ai): one type.
			a.svc.Types = append(a.svc.Types, Type{Name: name, From: []string{schema}, Core: true})
			have[schema] = true
			continue
		}
		if owner, taken := a.reg.owner[name]; (taken && owner != sig) || a.names[name] {
			name = a.svc.Name + name
			for i := 2; a.names[name] || a.reg.owner[name] != "" && a.reg.owner[name] != sig; i++ {
				name = fmt.Sprintf("%s%s%d", a.svc.Name, typeName(schema), i)
			}
		}
		a.names[name] = true
		a.reg.owner[name] = sig
		a.reg.server[name] = a.svc.Name
		a.reg.bySig[key] = name
		doc := name + " is " + article(words(typeName(schema))) + "."
		if role := a.roles[schema]; role != "" {
			doc = name + " " + role + "."
		}
		if s := a.doc.Components.Schemas[schema]; s != nil && strings.TrimSpace(s.Description) != "" {
			doc = wrap(doc+" "+strings.Join(strings.Fields(s.Description), " "), 76)
		}
		a.svc.Types = append(a.svc.Types, Type{Name: name, From: []string{schema}, Doc: doc})
		have[schema] = true
	}
	return nil
}

// requestName turns CreateBusiness into BusinessCreateRequest.
func requestName(name string) string {
	ws := words(name)
	if len(ws) > 1 {
		if _, ok := verbNames[strings.ToLower(ws[0])]; ok {
			return strings.Join(ws[1:], "") + ws[0] + "Request"
		}
	}
	if strings.HasSuffix(name, "Request") || strings.HasSuffix(name, "Body") {
		return name
	}
	return name + "Request"
}

func article(ws []string) string {
	s := strings.ToLower(strings.Join(ws, " "))
	if s == "" {
		return "an object"
	}
	if strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

// signature describes a schema's shape: its properties and their types.
func (a *auto) signature(schema string) string {
	f, err := a.l.flatten(a.doc, &Schema{Ref: "#/components/schemas/" + schema})
	if err != nil {
		return "?"
	}
	var parts []string
	for _, k := range f.Keys {
		parts = append(parts, k+":"+shapeOf(f.Props[k]))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func shapeOf(s *Schema) string {
	switch {
	case s == nil:
		return "?"
	case s.Ref != "":
		return s.Ref[strings.LastIndexByte(s.Ref, '/')+1:]
	case s.Type == "array":
		return "[]" + shapeOf(s.Items)
	}
	return s.Type
}

// dateLike reports whether a property holds a date by its name or example.
func dateLike(prop string, s *Schema) bool {
	if strings.HasSuffix(prop, "By") {
		return false // lastUpdatedBy is who, not when
	}
	lp := strings.ToLower(prop)
	if strings.Contains(lp, "date") || strings.HasSuffix(prop, "At") || strings.HasSuffix(lp, "time") {
		return true
	}
	if s != nil && s.Format == "date-time" {
		return true
	}
	if s != nil && len(s.Example) > 0 {
		var v string
		if json.Unmarshal(s.Example, &v) == nil {
			if _, err := time.Parse(time.RFC3339, v); err == nil {
				return true
			}
		}
	}
	return false
}

// integerName reports whether a number property is a count by its name.
func integerName(prop string) bool {
	lp := strings.ToLower(prop)
	for _, w := range []string{"limit", "skip", "offset", "page", "pagelimit", "pagesize", "total", "count", "size",
		"month", "day", "year", "hour", "minute", "minutes", "seconds", "index", "position", "duration", "interval", "length"} {
		if lp == w {
			return true
		}
	}
	for _, suf := range []string{"count", "total", "index", "minutes", "days", "hours", "seconds", "limit", "number"} {
		if strings.HasSuffix(lp, suf) {
			return true
		}
	}
	return false
}

// cursorPaging names a cursor scheme from the query parameters and the
// answer's properties: lastMessageId with nextPage, cursor with nextCursor,
// or startAfter and startAfterId with a meta block.
func cursorPaging(params []*Parameter, f *flat) string {
	has := map[string]bool{}
	for _, p := range params {
		has[p.Name] = true
	}
	props := map[string]bool{}
	for _, k := range f.Keys {
		props[k] = true
	}
	switch {
	case has["lastMessageId"] && props["lastMessageId"] && props["nextPage"]:
		return "lastMessageId"
	case has["cursor"] && props["nextCursor"]:
		return "cursor"
	case has["startAfter"] && has["startAfterId"] && props["meta"]:
		return "meta"
	}
	return ""
}

// fileHeader is the non-JSON Content-Type a 2xx documents in its headers.
func fileHeader(r *RespObject) string {
	h, ok := r.Headers["Content-Type"]
	if !ok || h == nil {
		return ""
	}
	if strings.Contains(h.Description, "json") {
		return ""
	}
	return h.Description
}

// applyFixes adds the service's replacement schemas to the spec and applies
// its property and operation fixes, each of which must say why.
func applyFixes(doc *Doc, svc *Service) error {
	for _, name := range sortedKeys(svc.Schemas) {
		r := svc.Schemas[name]
		if r.Why == "" {
			return fmt.Errorf("replacement schema %s has no Why", name)
		}
		if _, dup := doc.Components.Schemas[name]; dup {
			return fmt.Errorf("replacement schema %s exists in the spec", name)
		}
		var sc Schema
		if err := json.Unmarshal([]byte(r.JSON), &sc); err != nil {
			return fmt.Errorf("replacement schema %s: %w", name, err)
		}
		doc.Components.Schemas[name] = &sc
	}
	for _, fix := range svc.PropFixes {
		if fix.Why == "" {
			return fmt.Errorf("property fix %s.%s has no Why", fix.Schema, fix.Prop)
		}
		target := doc.Components.Schemas[fix.Schema]
		if target == nil {
			return fmt.Errorf("property fix: no schema %s", fix.Schema)
		}
		var sc Schema
		if err := json.Unmarshal([]byte(fix.JSON), &sc); err != nil {
			return fmt.Errorf("property fix %s.%s: %w", fix.Schema, fix.Prop, err)
		}
		if target.Properties == nil {
			target.Properties = &Props{M: map[string]*Schema{}}
		}
		if _, ok := target.Properties.M[fix.Prop]; !ok {
			target.Properties.Keys = append(target.Properties.Keys, fix.Prop)
		}
		target.Properties.M[fix.Prop] = &sc
		svc.gaps = append(svc.gaps, gap_(svc.Name, "", fix.Schema+"."+fix.Prop, "fixed by hand", fix.Why))
	}
	for _, id := range sortedKeys(svc.OpFixes) {
		fix := svc.OpFixes[id]
		if fix.Why == "" {
			return fmt.Errorf("operation fix %s has no Why", id)
		}
		found := false
		for _, ops := range doc.Paths {
			for _, op := range ops {
				if op.OperationID != id {
					continue
				}
				found = true
				if fix.Response != "" {
					for code, r := range op.Responses {
						if strings.HasPrefix(code, "2") && r != nil {
							r.Content = map[string]*MediaType{"application/json": {Schema: &Schema{Ref: "#/components/schemas/" + fix.Response}}}
						}
					}
				}
			}
		}
		if !found {
			return fmt.Errorf("operation fix: no operation %s", id)
		}
		svc.gaps = append(svc.gaps, gap_(svc.Name, id, "response", "fixed by hand", fix.Why))
	}
	return nil
}

// onlyPaging reports whether the properties besides the list are about its
// paging (counts, cursors, meta), so that the list is the result; an
// answer with other facts (a send's conversationId and messageId beside
// its messageIds) is returned whole.
func onlyPaging(props []string, list string) bool {
	for _, k := range props {
		switch k {
		case list, "total", "count", "totalCount", "meta", "traceId", "lastMessageId", "nextPage", "nextCursor",
			"hasMore", "skip", "limit", "offset", "page", "nextPageUrl", "aggregations":
		default:
			return false
		}
	}
	return true
}

// dropBinaryProps removes the file properties (format binary, or lists of
// them) of a multipart body schema and returns their names: files travel
// in the body's Files, not as string fields.
func (a *auto) dropBinaryProps(schema string) []string {
	s := a.doc.Components.Schemas[schema]
	if s == nil || s.Properties == nil {
		return nil
	}
	var names []string
	keys := s.Properties.Keys[:0:0]
	for _, k := range s.Properties.Keys {
		p := s.Properties.M[k]
		if p != nil && (p.Format == "binary" || (p.Items != nil && p.Items.Format == "binary")) {
			names = append(names, k)
			delete(s.Properties.M, k)
			continue
		}
		keys = append(keys, k)
	}
	s.Properties.Keys = keys
	return names
}
