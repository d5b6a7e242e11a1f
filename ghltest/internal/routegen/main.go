// Command routegen writes ghltest/routes_gen.go, the emulator's route table,
// from HighLevel's published OpenAPI specs (apps/*.json, with their $refs
// into common/common-schemas.json).
//
// It is the emulator's own reading of the specs: it shares no code or model
// with the SDK's generator (internal/gen), so the emulator stays an
// independent witness. For each operation it records the spec file, method,
// path template, operationId, the Version header values the spec declares,
// the security schemes and scopes, the required query parameters and the
// required top-level JSON body fields, each with its type.
//
// Beside the table it writes ghltest/spec_answers.json.gz: per operation the
// lowest 2xx status, its media type and a JSON example (the spec's own, or
// one synthesized from the response schema; see answers.go), which the
// emulator serves for operations without behaviour of their own. It is
// gzip'd JSON, one operation a line; -check compares it decompressed.
//
// Usage, from the module root:
//
//	go run ./ghltest/internal/routegen -spec ../shared/ghl-openapi          # write ghltest/routes_gen.go and spec_answers.json.gz
//	go run ./ghltest/internal/routegen -spec ../shared/ghl-openapi -check   # exit 1 if either is stale
//
// The specs contain odd shapes (numeric enums, examples that contradict
// types, refs to missing names); they are decoded as untyped JSON and
// anything unexpected is recorded as "unknown" instead of failing.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"go/format"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

func main() {
	spec := flag.String("spec", "../shared/ghl-openapi", "directory holding the specs' apps/ and common/ folders")
	out := flag.String("out", "ghltest/routes_gen.go", "file to write (or to compare with -check); the answers go beside it, in "+answersFile)
	check := flag.Bool("check", false, "do not write: exit 1 if the files differ from what would be generated")
	flag.Parse()

	src, ex, n, err := generate(*spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "routegen:", err)
		os.Exit(2)
	}
	exOut := filepath.Join(filepath.Dir(*out), answersFile)
	if *check {
		if err := checkFiles(*out, exOut, src, ex); err != nil {
			fmt.Fprintf(os.Stderr, "routegen: %v: run go generate ./ghltest (or go run ./ghltest/internal/routegen -spec %s)\n", err, *spec)
			os.Exit(1)
		}
		return
	}
	if err := writeFiles(*out, exOut, src, ex); err != nil {
		fmt.Fprintln(os.Stderr, "routegen:", err)
		os.Exit(2)
	}
	fmt.Fprintf(os.Stderr, "routegen: wrote %s and %s (%d operations)\n", *out, exOut, n)
}

// answersFile is the name of the gzip'd JSON file of the operations'
// success answers, written beside the table and embedded by ghltest.
const answersFile = "spec_answers.json.gz"

// writeFiles writes the table and the compressed answers.
func writeFiles(out, exOut string, src, ex []byte) error {
	if err := os.WriteFile(out, src, 0o644); err != nil {
		return err
	}
	return os.WriteFile(exOut, gzipBytes(ex), 0o644)
}

// checkFiles reports an error if the files on disk are not what would be
// written. The answers are compared decompressed, so a change in the
// compressor between Go releases does not make them stale.
func checkFiles(out, exOut string, src, ex []byte) error {
	old, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	if !bytes.Equal(old, src) {
		return fmt.Errorf("%s is stale", out)
	}
	gz, err := os.ReadFile(exOut)
	if err != nil {
		return err
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return fmt.Errorf("%s: %v", exOut, err)
	}
	oldEx, err := io.ReadAll(zr)
	if err != nil {
		return fmt.Errorf("%s: %v", exOut, err)
	}
	if !bytes.Equal(oldEx, ex) {
		return fmt.Errorf("%s is stale", exOut)
	}
	return nil
}

// gzipBytes compresses b with no name or time in the header, so the file
// depends only on its content (and the compressor).
func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// op is one operation as written to the table.
type op struct {
	file, method, path, id   string
	versions, security       []string
	scopes, query, bodyField []string
	body                     string // "", "json", "form", "multipart", "other"
	answer                   answer
}

var methods = []string{"get", "post", "put", "patch", "delete", "head", "options"}

// generate reads every apps/*.json under dir and returns the formatted Go
// source of the table, the answers file (JSON, uncompressed) and the number
// of operations.
func generate(dir string) ([]byte, []byte, int, error) {
	files, err := filepath.Glob(filepath.Join(dir, "apps", "*.json"))
	if err != nil {
		return nil, nil, 0, err
	}
	if len(files) == 0 {
		return nil, nil, 0, fmt.Errorf("no apps/*.json under %s", dir)
	}
	sort.Strings(files)
	r := &resolver{docs: map[string]any{}}
	var ops []op
	for _, f := range files {
		doc, err := r.load(f)
		if err != nil {
			return nil, nil, 0, err
		}
		paths, _ := get(doc, "paths").(map[string]any)
		for _, p := range sortedKeys(paths) {
			item, _ := r.deref(f, paths[p])
			itemMap, _ := item.node.(map[string]any)
			for _, m := range methods {
				o, ok := itemMap[m].(map[string]any)
				if !ok {
					continue
				}
				ops = append(ops, r.operation(item.file, filepath.Base(f), m, p, itemMap, o))
			}
		}
	}
	ex, err := renderAnswers(ops)
	if err != nil {
		return nil, nil, 0, err
	}
	return render(ops), ex, len(ops), nil
}

// operation reads one operation object.
func (r *resolver) operation(file, base, method, path string, item, o map[string]any) op {
	res := op{
		file:   strings.TrimSuffix(base, ".json"),
		method: strings.ToUpper(method),
		path:   path,
		id:     str(o["operationId"]),
	}
	// Path-level parameters first, overridden by operation-level ones of the
	// same name and location.
	type key struct{ in, name string }
	params := map[key]map[string]any{}
	var order []key
	for _, list := range []any{item["parameters"], o["parameters"]} {
		arr, _ := list.([]any)
		for _, p := range arr {
			pr, _ := r.deref(file, p)
			pm, ok := pr.node.(map[string]any)
			if !ok {
				continue
			}
			k := key{str(pm["in"]), str(pm["name"])}
			if _, seen := params[k]; !seen {
				order = append(order, k)
			}
			params[k] = pm
		}
	}
	for _, k := range order {
		pm := params[k]
		switch {
		case k.in == "header" && strings.EqualFold(k.name, "Version"):
			res.versions = versionValues(r, file, pm)
		case k.in == "query" && truthy(pm["required"]):
			res.query = append(res.query, k.name+":"+r.typeOf(file, pm["schema"], 0))
		}
	}
	if sec, ok := o["security"].([]any); ok {
		for _, req := range sec {
			rm, _ := req.(map[string]any)
			for _, name := range sortedKeys(rm) {
				if !slices.Contains(res.security, name) {
					res.security = append(res.security, name)
				}
				scopes, _ := rm[name].([]any)
				for _, s := range scopes {
					if v := str(s); v != "" && !slices.Contains(res.scopes, v) {
						res.scopes = append(res.scopes, v)
					}
				}
			}
		}
	}
	if rb, ok := r.deref(file, o["requestBody"]); ok {
		content, _ := get(rb.node, "content").(map[string]any)
		switch {
		case content["application/json"] != nil:
			res.body = "json"
			schema := get(content["application/json"], "schema")
			req, props := r.flatten(rb.file, schema, 0)
			for _, name := range req {
				t := "unknown"
				if p, ok := props[name]; ok {
					t = r.typeOf(p.file, p.node, 0)
				}
				res.bodyField = append(res.bodyField, name+":"+t)
			}
		case content["application/x-www-form-urlencoded"] != nil:
			res.body = "form"
		case content["multipart/form-data"] != nil:
			res.body = "multipart"
		case len(content) > 0:
			res.body = "other"
		}
	}
	res.answer = r.successAnswer(file, res.method, path, o)
	return res
}

// versionValues returns the values a Version header parameter declares: its
// schema's enum, else its example or default.
func versionValues(r *resolver, file string, pm map[string]any) []string {
	s, _ := r.deref(file, pm["schema"])
	var out []string
	if enum, ok := get(s.node, "enum").([]any); ok {
		for _, v := range enum {
			if x := scalar(v); x != "" {
				out = append(out, x)
			}
		}
	}
	if len(out) == 0 {
		for _, v := range []any{pm["example"], get(s.node, "example"), get(s.node, "default")} {
			if x := scalar(v); x != "" {
				return []string{x}
			}
		}
	}
	return out
}

// located is a JSON node and the file its relative $refs resolve against.
type located struct {
	file string
	node any
}

// resolver loads spec files and follows $refs between them.
type resolver struct {
	docs map[string]any // by absolute path
}

func (r *resolver) load(path string) (any, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if d, ok := r.docs[abs]; ok {
		return d, nil
	}
	b, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	var d any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	r.docs[abs] = d
	return d, nil
}

// deref follows $ref (repeatedly) from n, read in file. It reports false for
// a nil node or a ref that does not resolve.
func (r *resolver) deref(file string, n any) (located, bool) {
	cur := located{file, n}
	for range 32 {
		m, ok := cur.node.(map[string]any)
		if !ok {
			return cur, cur.node != nil
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return cur, true
		}
		target, frag, _ := strings.Cut(ref, "#")
		tf := cur.file
		if target != "" {
			tf = filepath.Join(filepath.Dir(cur.file), filepath.FromSlash(target))
		}
		doc, err := r.load(tf)
		if err != nil {
			return located{}, false
		}
		abs, _ := filepath.Abs(tf)
		node, ok := pointer(doc, frag)
		if !ok {
			return located{}, false
		}
		cur = located{abs, node}
	}
	return located{}, false // a ref cycle
}

// pointer evaluates a JSON pointer ("/components/schemas/X") in doc.
func pointer(doc any, frag string) (any, bool) {
	if frag == "" {
		return doc, true
	}
	cur := doc
	for _, tok := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[tok]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// flatten returns the required field names and the properties of an object
// schema, merging allOf parts.
func (r *resolver) flatten(file string, schema any, depth int) ([]string, map[string]located) {
	props := map[string]located{}
	var req []string
	s, ok := r.deref(file, schema)
	if !ok || depth > 16 {
		return nil, props
	}
	m, _ := s.node.(map[string]any)
	if parts, ok := m["allOf"].([]any); ok {
		for _, p := range parts {
			pr, pp := r.flatten(s.file, p, depth+1)
			for _, name := range pr {
				if !slices.Contains(req, name) {
					req = append(req, name)
				}
			}
			for k, v := range pp {
				props[k] = v
			}
		}
	}
	if pm, ok := m["properties"].(map[string]any); ok {
		for k, v := range pm {
			props[k] = located{s.file, v}
		}
	}
	if rl, ok := m["required"].([]any); ok {
		for _, v := range rl {
			if name := str(v); name != "" && !slices.Contains(req, name) {
				req = append(req, name)
			}
		}
	}
	return req, props
}

// typeOf names the JSON type of a schema: string, number, integer, boolean,
// array, object, or unknown (no type, or oneOf/anyOf).
func (r *resolver) typeOf(file string, schema any, depth int) string {
	s, ok := r.deref(file, schema)
	m, isMap := s.node.(map[string]any)
	if !ok || !isMap || depth > 16 {
		return "unknown"
	}
	if t := exampleType(m); t != "" {
		return t
	}
	switch t := str(m["type"]); t {
	case "string", "number", "integer", "boolean", "array", "object":
		return t
	}
	if parts, ok := m["allOf"].([]any); ok && len(parts) == 1 {
		return r.typeOf(s.file, parts[0], depth+1)
	}
	if m["properties"] != nil || m["allOf"] != nil {
		return "object"
	}
	if m["items"] != nil {
		return "array"
	}
	if enum, ok := m["enum"].([]any); ok && len(enum) > 0 {
		if _, isStr := enum[0].(string); isStr {
			return "string"
		}
	}
	return "unknown"
}

// render writes the table as gofmt'ed Go source.
func render(ops []op) []byte {
	var b bytes.Buffer
	b.WriteString("// Code generated by ghltest/internal/routegen from HighLevel's OpenAPI specs (apps/*.json). DO NOT EDIT.\n\n")
	b.WriteString("package ghltest\n\n")
	b.WriteString("// specOps lists every operation of the specs, one per line:\n")
	b.WriteString("// spec file, method, path template, operationId, declared Version values,\n")
	b.WriteString("// security schemes, scopes, required query parameters (name:type),\n")
	b.WriteString("// request body media (\"\", json, form, multipart, other) and required\n")
	b.WriteString("// top-level JSON body fields (name:type). Lists are space-separated.\n")
	b.WriteString("var specOps = [...]specOp{\n")
	for _, o := range ops {
		fmt.Fprintf(&b, "\t{%q, %q, %q, %q, %q, %q, %q, %q, %q, %q},\n",
			o.file, o.method, o.path, o.id,
			strings.Join(o.versions, " "), strings.Join(o.security, " "), strings.Join(o.scopes, " "),
			strings.Join(clean(o.query), " "), o.body, strings.Join(clean(o.bodyField), " "))
	}
	b.WriteString("}\n")
	src, err := format.Source(b.Bytes())
	if err != nil {
		panic("routegen: generated code does not parse: " + err.Error())
	}
	return src
}

// clean drops list items that cannot be represented in a space-separated
// list (names with spaces), which no spec has.
func clean(items []string) []string {
	out := items[:0:0]
	for _, s := range items {
		if !strings.ContainsAny(s, " \t\n") {
			out = append(out, s)
		}
	}
	return out
}

func get(n any, k string) any {
	m, _ := n.(map[string]any)
	return m[k]
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// scalar renders a string or number as a string.
func scalar(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	}
	return ""
}

func truthy(v any) bool {
	b, _ := v.(bool)
	return b
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
