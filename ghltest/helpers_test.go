package ghltest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

// api is a tiny raw HTTP client for the emulator.
type api struct {
	t       *testing.T
	base    string
	token   string
	version string
	hc      *http.Client
}

func newAPI(t *testing.T, srv *ghltest.Server, token string) *api {
	t.Helper()
	return &api{t: t, base: srv.URL, token: token, version: "2021-07-28", hc: srv.Client()}
}

type result struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (a *api) do(method, path string, body any) result {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		default:
			j, err := json.Marshal(b)
			if err != nil {
				a.t.Fatal(err)
			}
			rd = bytes.NewReader(j)
		}
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	if a.version != "" {
		req.Header.Set("Version", a.version)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return a.send(req)
}

// send sends req as it is and reads the result.
func (a *api) send(req *http.Request) result {
	a.t.Helper()
	method, path := req.Method, req.URL.Path
	resp, err := a.hc.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	r := result{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			a.t.Fatalf("%s %s: invalid JSON %q: %v", method, path, raw, err)
		}
	}
	return r
}

func (a *api) form(path string, v url.Values) result {
	a.t.Helper()
	req, err := http.NewRequest("POST", a.base+path, strings.NewReader(v.Encode()))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	if a.version != "" {
		req.Header.Set("Version", a.version)
	}
	resp, err := a.hc.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := result{status: resp.StatusCode, header: resp.Header, raw: raw}
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &r.body); err != nil {
			a.t.Fatalf("invalid JSON %q: %v", raw, err)
		}
	}
	return r
}

// expect fails unless the status matches.
func (r result) expect(t *testing.T, status int) result {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body: %s", r.status, status, r.raw)
	}
	return r
}

// obj returns body[key] as an object.
func (r result) obj(t *testing.T, key string) map[string]any {
	t.Helper()
	m, ok := r.body[key].(map[string]any)
	if !ok {
		t.Fatalf("body[%q] is %T, want object; body: %s", key, r.body[key], r.raw)
	}
	return m
}

// list returns body[key] as an array of objects.
func (r result) list(t *testing.T, key string) []map[string]any {
	t.Helper()
	l, ok := r.body[key].([]any)
	if !ok {
		t.Fatalf("body[%q] is %T, want array; body: %s", key, r.body[key], r.raw)
	}
	out := make([]map[string]any, len(l))
	for i, e := range l {
		out[i], _ = e.(map[string]any)
	}
	return out
}

func strs(v any) []string {
	l, _ := v.([]any)
	out := []string{}
	for _, e := range l {
		s, _ := e.(string)
		out = append(out, s)
	}
	return out
}

// errorBody checks an error body's statusCode and message (string) and the
// presence of a traceId.
func (r result) errorBody(t *testing.T, status int, message string) {
	t.Helper()
	r.expect(t, status)
	if got, _ := r.body["statusCode"].(float64); int(got) != status {
		t.Errorf("statusCode = %v, want %d; body %s", r.body["statusCode"], status, r.raw)
	}
	if got, _ := r.body["message"].(string); got != message {
		t.Errorf("message = %q, want %q; body %s", r.body["message"], message, r.raw)
	}
	if tid, _ := r.body["traceId"].(string); len(tid) != 36 {
		t.Errorf("traceId = %q, want a UUID; body %s", tid, r.raw)
	}
}

// messages returns the 422 message array.
func (r result) messages(t *testing.T) []string {
	t.Helper()
	r.expect(t, http.StatusUnprocessableEntity)
	if r.body["error"] != "Unprocessable Entity" {
		t.Errorf("error = %v, want Unprocessable Entity", r.body["error"])
	}
	if _, ok := r.body["message"].([]any); !ok {
		t.Fatalf("message is %T, want array; body %s", r.body["message"], r.raw)
	}
	return strs(r.body["message"])
}

func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func hasKeys(t *testing.T, m map[string]any, want ...string) {
	t.Helper()
	for _, k := range want {
		if _, ok := m[k]; !ok {
			t.Errorf("missing key %q in %v", k, keys(m))
		}
	}
}

func exactKeys(t *testing.T, m map[string]any, want ...string) {
	t.Helper()
	hasKeys(t, m, want...)
	if len(m) != len(want) {
		t.Errorf("keys = %v, want exactly %v", keys(m), want)
	}
}
