package main

import (
	"bytes"
	"cmp"
	"fmt"
	"go/ast"
	"go/build/constraint"
	"go/parser"
	"go/printer"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The build target the report is written for, whatever the host: files
// excluded for it by a //go:build line or a _GOOS/_GOARCH name are skipped.
const (
	targetOS   = "linux"
	targetArch = "amd64"
)

// An entry is one line of the report with the keys it is sorted by: the
// type it belongs to ("" for package-level names) and its own name.
type entry struct {
	owner, name, line string
}

// A report holds the entries of one package, by group.
type report struct {
	pkg      string
	consts   []entry
	vars     []entry
	funcs    []entry
	types    []entry
	fields   []entry
	imethods []entry // methods and embedded elements of exported interfaces
	methods  []entry
}

// pkgDecls indexes the declarations of a package, exported or not, so that
// embedded unexported structs can be followed.
type pkgDecls struct {
	types   map[string]*ast.TypeSpec
	methods map[string][]*ast.FuncDecl // by receiver base type name
}

// build parses the non-test .go files of dir that belong to the target
// build and collects the report of their package.
func build(dir string) (*report, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	pkg := ""
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") ||
			strings.HasPrefix(name, "_") || strings.HasPrefix(name, ".") || !matchFileName(name) {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		ok, err := matchBuildLine(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if !ok {
			continue
		}
		switch {
		case pkg == "":
			pkg = f.Name.Name
		case f.Name.Name != pkg:
			return nil, fmt.Errorf("%s: package %s, want %s", name, f.Name.Name, pkg)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no Go files", dir)
	}

	d := pkgDecls{types: map[string]*ast.TypeSpec{}, methods: map[string][]*ast.FuncDecl{}}
	for _, f := range files {
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.GenDecl:
				if decl.Tok != token.TYPE {
					continue
				}
				for _, s := range decl.Specs {
					ts := s.(*ast.TypeSpec)
					d.types[ts.Name.Name] = ts
				}
			case *ast.FuncDecl:
				if decl.Recv != nil && len(decl.Recv.List) == 1 {
					_, base := recvBase(decl.Recv.List[0].Type)
					d.methods[base] = append(d.methods[base], decl)
				}
			}
		}
	}

	r := &report{pkg: pkg}
	for _, f := range files {
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.GenDecl:
				r.genDecl(decl, &d)
			case *ast.FuncDecl:
				if decl.Recv == nil && decl.Name.IsExported() {
					line := "func " + decl.Name.Name + typeParams(decl.Type.TypeParams) + signature(decl.Type)
					r.funcs = append(r.funcs, entry{name: decl.Name.Name, line: line})
				}
			}
		}
	}
	for _, g := range r.groups() {
		slices.SortStableFunc(*g.list, func(a, b entry) int {
			return cmp.Or(cmp.Compare(a.owner, b.owner), cmp.Compare(a.name, b.name), cmp.Compare(a.line, b.line))
		})
	}
	return r, nil
}

// genDecl adds the exported constants, variables and types of decl.
func (r *report) genDecl(decl *ast.GenDecl, d *pkgDecls) {
	var iotaType ast.Expr // a const spec without type or values repeats the previous one's type
	for _, s := range decl.Specs {
		switch s := s.(type) {
		case *ast.ValueSpec:
			typ := s.Type
			if decl.Tok == token.CONST {
				if s.Type != nil || len(s.Values) > 0 {
					iotaType = s.Type
				}
				typ = iotaType
			}
			for _, n := range s.Names {
				if !n.IsExported() {
					continue
				}
				line := decl.Tok.String() + " " + n.Name
				if typ != nil {
					line += " " + expr(typ)
				}
				e := entry{name: n.Name, line: line}
				if decl.Tok == token.CONST {
					r.consts = append(r.consts, e)
				} else {
					r.vars = append(r.vars, e)
				}
			}
		case *ast.TypeSpec:
			if s.Name.IsExported() {
				r.typeSpec(s, d)
			}
		}
	}
}

// typeSpec adds an exported type, its fields or interface methods and its
// methods, promoted ones included.
func (r *report) typeSpec(s *ast.TypeSpec, d *pkgDecls) {
	name := s.Name.Name
	line := "type " + name + typeParams(s.TypeParams)
	switch t := s.Type.(type) {
	case *ast.StructType:
		line += " struct"
	case *ast.InterfaceType:
		line += " interface"
		for _, m := range t.Methods.List {
			if len(m.Names) == 0 { // an embedded interface or a type set
				r.imethods = append(r.imethods, entry{owner: name, name: expr(m.Type), line: name + " embeds " + expr(m.Type)})
				continue
			}
			for _, n := range m.Names {
				if n.IsExported() {
					r.imethods = append(r.imethods, entry{owner: name, name: n.Name, line: name + "." + n.Name + signature(m.Type.(*ast.FuncType))})
				}
			}
		}
	default:
		if s.Assign.IsValid() {
			line += " ="
		}
		line += " " + expr(s.Type)
	}
	r.types = append(r.types, entry{name: name, line: line})
	if !s.Assign.IsValid() { // an alias's members are its target's
		r.members(s, d)
	}
}

// members adds the exported fields and methods of the named type s: its
// own, then those promoted from embedded unexported struct types of the
// package, shallowest first, a name already seen hiding a deeper one.
// (Exported embedded types are listed as a field; their members are
// reported under their own name.)
func (r *report) members(s *ast.TypeSpec, d *pkgDecls) {
	owner := s.Name.Name
	recvName := owner
	if s.TypeParams != nil {
		var ps []string
		for _, f := range s.TypeParams.List {
			for _, n := range f.Names {
				ps = append(ps, n.Name)
			}
		}
		recvName += "[" + strings.Join(ps, ", ") + "]"
	}

	seen := map[string]bool{}
	type level struct {
		spec   *ast.TypeSpec
		ptrEmb bool // reached through an embedded pointer
	}
	visited := map[string]bool{}
	cur := []level{{spec: s}}
	for depth := 0; len(cur) > 0; depth++ {
		var next []level
		found := map[string]bool{}
		for _, lv := range cur {
			if visited[lv.spec.Name.Name] {
				continue
			}
			visited[lv.spec.Name.Name] = true
			if st, ok := underlying(lv.spec, d).(*ast.StructType); ok {
				for _, f := range st.Fields.List {
					typ := expr(f.Type)
					tag := jsonTag(f.Tag)
					if len(f.Names) == 0 {
						ptr, base := recvBase(f.Type)
						if ast.IsExported(base) {
							if !seen[base] {
								found[base] = true
								r.fields = append(r.fields, entry{owner: owner, name: base, line: strings.TrimSpace(owner + "." + base + " " + typ + " embedded " + tag)})
							}
						} else if es, ok := d.types[base]; ok && !strings.Contains(typ, ".") {
							next = append(next, level{spec: es, ptrEmb: ptr})
						}
						continue
					}
					for _, n := range f.Names {
						if n.IsExported() && !seen[n.Name] {
							found[n.Name] = true
							r.fields = append(r.fields, entry{owner: owner, name: n.Name, line: strings.TrimSpace(owner + "." + n.Name + " " + typ + " " + tag)})
						}
					}
				}
			}
			for _, m := range d.methods[lv.spec.Name.Name] {
				if !m.Name.IsExported() || seen[m.Name.Name] {
					continue
				}
				ptr, _ := recvBase(m.Recv.List[0].Type)
				recv := recvName
				if depth == 0 {
					recv = expr(m.Recv.List[0].Type)
				} else if ptr && !lv.ptrEmb {
					recv = "*" + recv
				}
				found[m.Name.Name] = true
				r.methods = append(r.methods, entry{owner: owner, name: m.Name.Name, line: "func (" + recv + ") " + m.Name.Name + signature(m.Type)})
			}
		}
		for n := range found {
			seen[n] = true
		}
		cur = next
	}
}

// underlying follows s through local type names to the type literal it is
// defined as: "type ContactsService service" has the fields of service.
func underlying(s *ast.TypeSpec, d *pkgDecls) ast.Expr {
	for range 10 { // a bound for invalid cycles
		id, ok := s.Type.(*ast.Ident)
		if !ok || d.types[id.Name] == nil {
			break
		}
		s = d.types[id.Name]
	}
	return s.Type
}

// recvBase returns the type name under pointers and type arguments of a
// receiver or embedded field, and whether it is a pointer.
func recvBase(e ast.Expr) (ptr bool, name string) {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			ptr, e = true, t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.SelectorExpr:
			return ptr, t.Sel.Name
		case *ast.Ident:
			return ptr, t.Name
		default:
			return ptr, ""
		}
	}
}

// jsonTag returns `json:"name"` for a field tagged with a JSON name (the
// options after the comma dropped), or "".
func jsonTag(lit *ast.BasicLit) string {
	if lit == nil {
		return ""
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		return ""
	}
	v, ok := reflect.StructTag(s).Lookup("json")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(v, ",")
	return `json:"` + name + `"`
}

// typeParams formats a type parameter list with names and constraints:
// "[K comparable, V any]", or "".
func typeParams(fl *ast.FieldList) string {
	if fl == nil || len(fl.List) == 0 {
		return ""
	}
	var ps []string
	for _, f := range fl.List {
		var names []string
		for _, n := range f.Names {
			names = append(names, n.Name)
		}
		ps = append(ps, strings.Join(names, ", ")+" "+expr(f.Type))
	}
	return "[" + strings.Join(ps, ", ") + "]"
}

// signature formats the parameters and results of ft without their names:
// "(context.Context, string) (*Contact, error)".
func signature(ft *ast.FuncType) string {
	s := "(" + strings.Join(fieldTypes(ft.Params), ", ") + ")"
	res := fieldTypes(ft.Results)
	switch {
	case len(res) == 1:
		s += " " + res[0]
	case len(res) > 1:
		s += " (" + strings.Join(res, ", ") + ")"
	}
	return s
}

// fieldTypes lists the type of each parameter of fl, repeated for "a, b T".
func fieldTypes(fl *ast.FieldList) []string {
	if fl == nil {
		return nil
	}
	var ts []string
	for _, f := range fl.List {
		t := expr(f.Type)
		for range max(1, len(f.Names)) {
			ts = append(ts, t)
		}
	}
	return ts
}

// expr formats a type expression on one line, as gofmt would, except that
// function types lose their parameter names.
func expr(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.Ident:
		return t.Name
	case *ast.SelectorExpr:
		return expr(t.X) + "." + t.Sel.Name
	case *ast.StarExpr:
		return "*" + expr(t.X)
	case *ast.ParenExpr:
		return "(" + expr(t.X) + ")"
	case *ast.BasicLit:
		return t.Value
	case *ast.Ellipsis:
		if t.Elt == nil {
			return "..."
		}
		return "..." + expr(t.Elt)
	case *ast.ArrayType:
		if t.Len == nil {
			return "[]" + expr(t.Elt)
		}
		return "[" + expr(t.Len) + "]" + expr(t.Elt)
	case *ast.MapType:
		return "map[" + expr(t.Key) + "]" + expr(t.Value)
	case *ast.ChanType:
		switch t.Dir {
		case ast.SEND:
			return "chan<- " + expr(t.Value)
		case ast.RECV:
			return "<-chan " + expr(t.Value)
		}
		return "chan " + expr(t.Value)
	case *ast.FuncType:
		return "func" + signature(t)
	case *ast.IndexExpr:
		return expr(t.X) + "[" + expr(t.Index) + "]"
	case *ast.IndexListExpr:
		var as []string
		for _, x := range t.Indices {
			as = append(as, expr(x))
		}
		return expr(t.X) + "[" + strings.Join(as, ", ") + "]"
	case *ast.UnaryExpr:
		return t.Op.String() + expr(t.X)
	case *ast.BinaryExpr:
		return expr(t.X) + " " + t.Op.String() + " " + expr(t.Y)
	case *ast.StructType:
		var fs []string
		for _, f := range t.Fields.List {
			var names []string
			for _, n := range f.Names {
				names = append(names, n.Name)
			}
			fs = append(fs, strings.TrimSpace(strings.Join(names, ", ")+" "+expr(f.Type)))
		}
		if len(fs) == 0 {
			return "struct{}"
		}
		return "struct{ " + strings.Join(fs, "; ") + " }"
	case *ast.InterfaceType:
		var ms []string
		for _, m := range t.Methods.List {
			if len(m.Names) == 0 {
				ms = append(ms, expr(m.Type))
				continue
			}
			for _, n := range m.Names {
				ms = append(ms, n.Name+signature(m.Type.(*ast.FuncType)))
			}
		}
		if len(ms) == 0 {
			return "interface{}"
		}
		return "interface{ " + strings.Join(ms, "; ") + " }"
	}
	var b bytes.Buffer
	_ = printer.Fprint(&b, token.NewFileSet(), e)
	return strings.Join(strings.Fields(b.String()), " ")
}

// group is one section of the report.
type group struct {
	title string
	list  *[]entry
}

func (r *report) groups() []group {
	return []group{
		{"constants", &r.consts},
		{"variables", &r.vars},
		{"functions", &r.funcs},
		{"types", &r.types},
		{"fields (json name after the type)", &r.fields},
		{"interface methods", &r.imethods},
		{"methods", &r.methods},
	}
}

// counts summarises the report for its header.
func (r *report) counts() string {
	return fmt.Sprintf("%d types, %d functions, %d methods, %d fields, %d interface methods, %d constants, %d variables",
		len(r.types), len(r.funcs), len(r.methods), len(r.fields), len(r.imethods), len(r.consts), len(r.vars))
}

// render returns the report file: the header, then each group under its
// title, one entry a line. out is the file's path, named in the header.
func (r *report) render(out string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# API report of package %s, generated: go run ./internal/apireport -out %s\n", r.pkg, filepath.ToSlash(out))
	fmt.Fprintf(&b, "# %s\n", r.counts())
	for _, g := range r.groups() {
		fmt.Fprintf(&b, "\n## %s (%d)\n", g.title, len(*g.list))
		for _, e := range *g.list {
			b.WriteString(e.line)
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// diff describes how got differs from want: the lines only in want ("-")
// and only in got ("+"), at most limit of each, or the first line whose
// position differs when both hold the same lines.
func diff(want, got string, limit int) string {
	wl := strings.Split(want, "\n")
	gl := strings.Split(got, "\n")
	inGot := map[string]int{}
	for _, l := range gl {
		inGot[l]++
	}
	inWant := map[string]int{}
	for _, l := range wl {
		inWant[l]++
	}
	var b strings.Builder
	only := func(sign string, lines []string, other map[string]int) int {
		n := 0
		for _, l := range lines {
			if other[l] > 0 {
				other[l]--
				continue
			}
			if n < limit {
				fmt.Fprintf(&b, "%s %s\n", sign, l)
			}
			n++
		}
		if n > limit {
			fmt.Fprintf(&b, "%s ... and %d more\n", sign, n-limit)
		}
		return n
	}
	n := only("-", wl, inGot) + only("+", gl, inWant)
	if n == 0 {
		for i := range min(len(wl), len(gl)) {
			if wl[i] != gl[i] {
				fmt.Fprintf(&b, "line %d: have %q, want %q\n", i+1, wl[i], gl[i])
				break
			}
		}
	}
	return b.String()
}

// matchBuildLine reports whether the //go:build line of f, if any, holds
// for the target.
func matchBuildLine(f *ast.File) (bool, error) {
	for _, cg := range f.Comments {
		if cg.Pos() > f.Package {
			break
		}
		for _, c := range cg.List {
			if !constraint.IsGoBuild(c.Text) {
				continue
			}
			x, err := constraint.Parse(c.Text)
			if err != nil {
				return false, err
			}
			return x.Eval(func(tag string) bool {
				return tag == targetOS || tag == targetArch || tag == "unix" || tag == "gc" || strings.HasPrefix(tag, "go1.")
			}), nil
		}
	}
	return true, nil
}

// Known values of GOOS and GOARCH, as in go/build's file name rules.
var (
	knownOS = set("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js",
		"linux", "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos")
	knownArch = set("386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips",
		"mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv",
		"riscv64", "s390", "s390x", "sparc", "sparc64", "wasm")
)

func set(xs ...string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// matchFileName reports whether a name_GOOS_GOARCH.go, name_GOOS.go or
// name_GOARCH.go file is built for the target.
func matchFileName(name string) bool {
	parts := strings.Split(strings.TrimSuffix(name, ".go"), "_")
	n := len(parts)
	if n >= 3 && knownOS[parts[n-2]] && knownArch[parts[n-1]] {
		return parts[n-2] == targetOS && parts[n-1] == targetArch
	}
	if n >= 2 && knownOS[parts[n-1]] {
		return parts[n-1] == targetOS
	}
	if n >= 2 && knownArch[parts[n-1]] {
		return parts[n-1] == targetArch
	}
	return true
}
