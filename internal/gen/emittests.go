package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// emitTests writes the generated tests of a service: per operation, the
// exact request on the wire and the decoded result; bad path IDs, missing
// required arguments and fields; and a strict decode of every example file.
func emitTests(m *model) ([]byte, error) {
	files := map[string][]byte{}
	if err := m.testdata(files); err != nil {
		return nil, err
	}
	f := newFile()
	f.use("bytes", "context", "encoding/json", "io", "net/http", "os", "path/filepath", "testing",
		"github.com/jarcoal/httpmock", "github.com/stretchr/testify/assert", "github.com/stretchr/testify/require")
	svc := m.svc
	pre := strings.ToLower(svc.Name[:1]) + svc.Name[1:] // contacts
	dir := "testdata/" + svc.Testdata
	f.p(`// new%[1]sTestClient returns a client on a fresh mock transport, with no
// retries and no rate limit.
func new%[1]sTestClient(t *testing.T) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	c, err := NewClient(
		WithBaseURL("https://ghl.test"),
		WithAccessToken("test-token"),
		WithHTTPClient(&http.Client{Transport: mock}),
		WithRetry(RetryPolicy{}),
		WithRateLimit(RateLimit{Disabled: true}),
	)
	require.NoError(t, err)
	return c, mock
}

// %[2]sFixture reads an example payload from %[3]s.
func %[2]sFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(%[3]q, name))
	require.NoError(t, err)
	return b
}

// decode%[1]sFixture decodes an example payload into v, failing on any
// field v does not have and on any date that did not parse.
func decode%[1]sFixture(t *testing.T, name string, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(%[2]sFixture(t, name)))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(v), name)
	assert.Empty(t, unparsedTimestamps(v), "%%s: dates that did not parse", name)
}

// %[2]sWant is the request a test expects, and the answer it gets.
type %[2]sWant struct {
	method, path, query, version string
	body                         string // fixture of the JSON body; "" for none
	status                       int
	response                     string // fixture of the answer
	fileField                    string // the form field of an upload; "" for a JSON body
}

// %[2]sResponder checks the request on the wire and answers with a fixture.
func %[2]sResponder(t *testing.T, w %[2]sWant) httpmock.Responder {
	return func(req *http.Request) (*http.Response, error) {
		assert.Equal(t, w.method, req.Method)
		assert.Equal(t, w.path, req.URL.EscapedPath())
		assert.Equal(t, w.query, req.URL.RawQuery)
		assert.Equal(t, w.version, req.Header.Get("Version"))
		assert.Equal(t, "Bearer test-token", req.Header.Get("Authorization"))
		var got []byte
		if req.Body != nil {
			var err error
			got, err = io.ReadAll(req.Body)
			require.NoError(t, err)
		}
		if w.fileField != "" {
			checkMultipart(t, req, got, %[2]sFixture(t, w.body), w.fileField)
		} else if w.body == "" {
			assert.Empty(t, got, "request body")
		} else {
			assert.JSONEq(t, string(%[2]sFixture(t, w.body)), string(got))
			assert.Equal(t, "application/json", req.Header.Get("Content-Type"))
		}
		resp := httpmock.NewBytesResponse(w.status, %[2]sFixture(t, w.response))
		resp.Header.Set("Content-Type", "application/json")
		return resp, nil
	}
}

`, svc.Name, pre, dir)

	for _, op := range m.ops {
		if err := m.emitOpTest(f, op, pre, files); err != nil {
			return nil, fmt.Errorf("%s: %w", op.ID, err)
		}
	}
	m.emitDecodeTest(f, pre, files)
	return f.bytes("apps/" + svc.Spec)
}

// args returns the Go arguments of a call with example values, with the
// path parameter at badIndex replaced by badExpr and, when emptyQuery, the
// required query parameters empty.
func (op *goOp) callArgs(badIndex int, badExpr string, emptyQuery bool, opts, body string) string {
	empty := -1
	if emptyQuery {
		empty = 0
	}
	return op.callArgsEmpty(badIndex, badExpr, empty, opts, body)
}

// callArgsEmpty is callArgs with only the required query parameter at
// emptyIndex left empty (none when -1).
func (op *goOp) callArgsEmpty(badIndex int, badExpr string, emptyIndex int, opts, body string) string {
	args := []string{"context.Background()"}
	for i, p := range op.PathParams {
		v := strconv.Quote(p.Example)
		if p.Type != "string" {
			v = p.Type + "(" + v + ")"
		}
		if i == badIndex {
			v = badExpr
			if p.Type != "string" {
				v = p.Type + "(" + badExpr + ")"
			}
		}
		args = append(args, v)
	}
	for i, q := range op.ReqQuery {
		switch {
		case q.Type == "bool":
			args = append(args, "true")
		case q.Type == "int64" && i == emptyIndex:
			args = append(args, "0")
		case q.Type == "int64":
			args = append(args, q.Example)
		case i == emptyIndex:
			args = append(args, `""`)
		default:
			args = append(args, strconv.Quote(q.Example))
		}
	}
	if op.Options != "" {
		args = append(args, opts)
	}
	if op.Body != nil {
		args = append(args, body)
	}
	return strings.Join(args, ", ")
}

// optionsLiteral is the options value of the test call, from the spec's
// parameter examples, and the query it should produce.
func (op *goOp) optionsLiteral() (string, string, error) {
	q := url.Values{}
	for _, p := range op.ReqQuery {
		q.Set(p.Spec, p.Example)
	}
	if op.Options == "" {
		return "", q.Encode(), nil
	}
	var fields []string
	for _, p := range op.OptQuery {
		name := fieldName(p.Spec)
		switch p.Type {
		case "string":
			fields = append(fields, fmt.Sprintf("%s: %q", name, p.Example))
		case "int", "int64":
			n, err := strconv.ParseInt(p.Example, 10, 64)
			if err != nil {
				return "", "", fmt.Errorf("query %s: example %q is not an integer", p.Spec, p.Example)
			}
			if n == 0 {
				// Zero is "not set" for the options; the test sends 1.
				n, p.Example = 1, "1"
			}
			fields = append(fields, fmt.Sprintf("%s: %d", name, n))
		case "bool":
			fields = append(fields, fmt.Sprintf("%s: true", name))
			q.Set(p.Spec, "true")
			continue
		case "*bool":
			fields = append(fields, fmt.Sprintf("%s: Ptr(false)", name))
			q.Set(p.Spec, "false") // false reaches the wire
			continue
		case "[]string":
			fields = append(fields, fmt.Sprintf("%s: []string{%q, \"second\"}", name, p.Example))
			q[p.Spec] = []string{p.Example, "second"}
			continue
		default:
			return "", "", fmt.Errorf("query %s: no literal for %s", p.Spec, p.Type)
		}
		q.Set(p.Spec, p.Example)
	}
	return "&" + op.Options + "{" + strings.Join(fields, ", ") + "}", q.Encode(), nil
}

func (op *goOp) expectedPath() string {
	path := op.Path
	for _, p := range op.PathParams {
		path = strings.Replace(path, "{"+p.Spec+"}", url.PathEscape(p.Example), 1)
	}
	return path
}

func (m *model) emitOpTest(f *file, op *goOp, pre string, files map[string][]byte) error {
	svc := m.svc.Name
	dir := "testdata/" + m.svc.Testdata + "/"
	respFile := op.ID + ".response.json"
	bodyFile := ""
	if op.Body != nil || op.EmptyBody {
		bodyFile = op.ID + ".request.json"
	}
	optsLit, query, err := op.optionsLiteral()
	if err != nil {
		return err
	}
	f.p("func Test%s%s(t *testing.T) {\n\tt.Parallel()\n", svc, op.Name)
	f.p("client, mock := new%sTestClient(t)\n", svc)
	fileField := ""
	if op.Body != nil {
		fileField = op.Body.UploadField
	}
	f.p("mock.RegisterNoResponder(%sResponder(t, %sWant{method: %q, path: %q, query: %q, version: %q, body: %q, status: %d, response: %q, fileField: %q}))\n",
		pre, pre, op.HTTP, op.expectedPath(), query, op.Version, bodyFile, op.Status, respFile, fileField)
	body := ""
	if op.Body != nil && op.BodyArray {
		f.p("var req []%s\ndecode%sFixture(t, %q, &req)\n", op.Body.Name, svc, bodyFile)
		body = "req"
	} else if op.Body != nil {
		f.p("req := new(%s)\ndecode%sFixture(t, %q, req)\n", op.Body.Name, svc, bodyFile)
		if op.Body.UploadField != "" {
			f.p("req.Files = []Upload{{Filename: \"hello.txt\", ContentType: \"text/plain\", Data: []byte(\"hello\")}}\n")
		}
		body = "req"
	}
	if optsLit != "" {
		f.p("opts := %s\n", optsLit)
	}
	f.p("got, resp, err := client.%s.%s(%s)\n", svc, op.Name, op.callArgs(-1, "", false, "opts", body))
	f.p("require.NoError(t, err)\nrequire.NotNil(t, resp)\n")
	f.p("assert.Equal(t, %d, resp.StatusCode)\nassert.Equal(t, %q, resp.Operation)\nassert.Equal(t, 1, mock.GetTotalCallCount())\n",
		op.Status, svc+"."+op.Name)

	// The decoded result equals a strict decode of the same file.
	var example map[string]any
	if op.Shape != "array" {
		if err := json.Unmarshal(files[dir+respFile], &example); err != nil {
			return err
		}
	}
	var result any = example
	if op.File {
		f.p("assert.Equal(t, %sFixture(t, %q), got.Data)\nassert.Equal(t, \"application/json\", got.ContentType)\n", pre, respFile)
	} else if op.Raw {
		f.p("assert.JSONEq(t, string(%sFixture(t, %q)), string(got))\n", pre, respFile)
	} else if op.Shape != "" {
		f.p("var want %s\ndecode%sFixture(t, %q, &want)\nassert.Equal(t, want, got)\nassert.NotEmpty(t, got)\n", op.ResultType(), svc, respFile)
	} else if op.Whole != nil {
		f.p("want := new(%s)\ndecode%sFixture(t, %q, want)\nassert.Equal(t, want, got)\n", op.Whole.Name, svc, respFile)
		f.spotChecks("got", op.Whole, example)
	} else {
		wantExpr := "want." + op.ResultF.Name
		if op.scalarResult() {
			f.p("var want %s\ndecode%sFixture(t, %q, &want)\nrequire.NotNil(t, want.%s)\n", op.rootType(), svc, respFile, op.ResultF.Name)
			wantExpr = "*" + wantExpr
		} else {
			f.p("var want %s\ndecode%sFixture(t, %q, &want)\n", op.rootType(), svc, respFile)
		}
		f.p("assert.Equal(t, %s, got)\n", wantExpr)
		result = example[op.Result]
		if op.Total != "" {
			f.p("assert.Equal(t, want.%s, resp.Total)\n", op.rootField(op.Total).Name)
			if n, ok := example[op.Total].(float64); !ok || n == 0 {
				return fmt.Errorf("example %s is not a positive number", op.Total)
			}
		}
		if mf := op.rootField("meta"); mf != nil && mf.Type == "*PageMeta" {
			f.p("assert.Equal(t, want.Meta, resp.Meta)\n")
		}
		base := strings.TrimPrefix(strings.TrimPrefix(op.ResultF.Type, "*"), "[]")
		switch v := result.(type) {
		case bool:
			f.p("assert.Equal(t, %v, got)\n", v)
		case []any:
			if len(v) == 0 {
				return fmt.Errorf("example %s is empty", op.Result)
			}
			f.p("require.Len(t, got, %d)\n", len(v))
			switch e := v[0].(type) {
			case string:
				f.p("assert.Equal(t, %q, got[0])\n", e)
			case map[string]any:
				f.spotChecks("got[0]", m.byName[base], e)
			}
		case map[string]any:
			f.p("require.NotNil(t, got)\n")
			f.spotChecks("got", m.byName[base], v)
		}
	}
	f.p("}\n\n")

	// Bad arguments are refused before anything is sent.
	needBody := func() {
		if op.Body != nil && op.BodyArray {
			f.p("var req []%s\ndecode%sFixture(t, %q, &req)\n", op.Body.Name, svc, bodyFile)
		} else if op.Body != nil {
			f.p("req := new(%s)\ndecode%sFixture(t, %q, req)\n", op.Body.Name, svc, bodyFile)
		}
		if optsLit != "" {
			f.p("opts := %s\n", optsLit)
		}
	}
	if len(op.PathParams) > 0 || len(op.ReqQuery) > 0 || op.BodyReq {
		f.p("func Test%s%sRejectsBadArguments(t *testing.T) {\n\tt.Parallel()\n", svc, op.Name)
		f.p("check := func(t *testing.T, arg string, call func(*Client) error) {\nt.Helper()\n")
		f.p("client, mock := new%sTestClient(t)\nerr := call(client)\nvar argErr *ArgError\n", svc)
		f.p("require.ErrorAs(t, err, &argErr)\nassert.Equal(t, arg, argErr.Arg)\nassert.Equal(t, %q, argErr.Operation)\nassert.ErrorIs(t, err, ErrInvalidArgument)\n", svc+"."+op.Name)
		f.p("assert.Zero(t, mock.GetTotalCallCount(), \"no request may be sent\")\n}\n")
		needBody()
		call := func(arg, args string) {
			f.p("check(t, %q, func(c *Client) error {\n_, _, err := c.%s.%s(%s)\nreturn err\n})\n", arg, svc, op.Name, args)
		}
		for i, p := range op.PathParams {
			for _, bad := range []string{`""`, `".."`} {
				call(p.Spec, op.callArgs(i, bad, false, "opts", "req"))
			}
		}
		for i, q := range op.ReqQuery {
			if q.Type != "bool" {
				call(q.Spec, op.callArgsEmpty(-1, "", i, "opts", "req"))
			}
		}
		if op.BodyReq {
			call("body", op.callArgs(-1, "", false, "opts", "nil"))
		}
		f.p("}\n\n")
	}
	if op.Body != nil && !op.BodyArray {
		var cases []string
		for _, fl := range op.Body.Fields {
			if !fl.Required {
				continue
			}
			zero := ""
			switch {
			case fl.Type == "string" || enumNames[fl.Type]:
				zero = `""`
			case strings.HasPrefix(fl.Type, "[]"), fl.Type == "json.RawMessage":
				zero = "nil"
			case fl.Type == "Timestamp":
				zero = "Timestamp{}"
			case fl.Type == "int" && fl.Schema != nil && fl.Schema.Minimum != nil && *fl.Schema.Minimum > 0:
				zero = "0" // validate() refuses 0 only where the spec sets a minimum
			default:
				continue
			}
			cases = append(cases, fmt.Sprintf("{%q, func(r *%s) { r.%s = %s }},\n", fl.JSON, op.Body.Name, fl.Name, zero))
		}
		if len(cases) > 0 {
			f.p("func Test%s%sRequiresFields(t *testing.T) {\n\tt.Parallel()\n", svc, op.Name)
			f.p("for _, tc := range []struct {\nfield string\nclear func(*%s)\n}{\n%s} {\n", op.Body.Name, strings.Join(cases, ""))
			f.p("client, mock := new%sTestClient(t)\n", svc)
			needBody()
			f.p("tc.clear(req)\n_, _, err := client.%s.%s(%s)\n", svc, op.Name, op.callArgs(-1, "", false, "opts", "req"))
			f.p("var argErr *ArgError\nrequire.ErrorAs(t, err, &argErr, tc.field)\nassert.Equal(t, tc.field, argErr.Arg)\n")
			f.p("assert.Zero(t, mock.GetTotalCallCount(), tc.field)\n}\n}\n\n")
		}
	}
	return nil
}

// spotChecks compares up to two string fields by name, so that a wrong json
// tag fails even where both sides of assert.Equal decode alike.
func (f *file) spotChecks(expr string, t *goType, example map[string]any) {
	if t == nil {
		return
	}
	n := 0
	for _, fl := range t.Fields {
		s, ok := example[fl.JSON].(string)
		if !ok || fl.Type != "string" || s == "" {
			continue
		}
		f.p("assert.Equal(t, %q, %s.%s)\n", s, expr, fl.Name)
		if n++; n == 2 {
			return
		}
	}
}

// emitDecodeTest checks that every example file decodes into its model
// with no unknown field.
func (m *model) emitDecodeTest(f *file, pre string, files map[string][]byte) {
	svc := m.svc.Name
	dir := "testdata/" + m.svc.Testdata
	f.p(`// Test%[1]sExamplesDecodeStrictly decodes every example payload of %[2]s into
// its model, failing on any field the model lacks.
func Test%[1]sExamplesDecodeStrictly(t *testing.T) {
	t.Parallel()
	models := map[string]func() any{
`, svc, dir)
	for _, op := range m.ops {
		if op.Raw || op.File {
			f.p("%q: func() any { return new(json.RawMessage) },\n", op.ID+".response.json")
		} else if op.Shape != "" {
			f.p("%q: func() any { return new(%s) },\n", op.ID+".response.json", op.ResultType())
		} else if op.Whole != nil {
			f.p("%q: func() any { return new(%s) },\n", op.ID+".response.json", op.Whole.Name)
		} else {
			f.p("%q: func() any { return new(%s) },\n", op.ID+".response.json", op.rootType())
		}
		switch {
		case op.Body != nil:
			if op.BodyArray {
				f.p("%q: func() any { return new([]%s) },\n", op.ID+".request.json", op.Body.Name)
			} else {
				f.p("%q: func() any { return new(%s) },\n", op.ID+".request.json", op.Body.Name)
			}
		case op.EmptyBody:
			f.p("%q: func() any { return new(struct{}) },\n", op.ID+".request.json")
		}
	}
	f.p(`}
	paths, err := filepath.Glob(filepath.Join(%[1]q, "*.json"))
	require.NoError(t, err)
	assert.Len(t, paths, len(models), "every example has a model")
	for _, p := range paths {
		name := filepath.Base(p)
		newModel, ok := models[name]
		if !assert.True(t, ok, "no model for %%s", name) {
			continue
		}
		decode%[2]sFixture(t, name, newModel())
	}
}
`, dir, svc)
}
