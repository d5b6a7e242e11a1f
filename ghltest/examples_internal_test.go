package ghltest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestEveryRouteHasAnExample takes the behaviour away from every operation
// and sends each of the 576 a request built from its route (a token of its
// kind, a declared Version, its required query parameters and body fields):
// every one but POST /oauth/token, which is served before routing, answers its spec's 2xx from the example, so an operation whose
// handler is removed or not yet written still answers. The two non-JSON
// answers (a call recording and a transcription) carry their media types.
func TestEveryRouteHasAnExample(t *testing.T) {
	s := NewHandler(WithRateLimit(0, 0, 0))
	clear(s.handlers)
	loc := s.CreateLocation("Examples")
	agency := s.DefaultCompany().Token
	media := map[string]string{}
	for i, rt := range table().routes {
		op := rt.op
		a := answers()[i]
		name := op.method + " " + op.path
		if name == "POST /oauth/token" {
			continue // served before routing, whatever the handlers (see process)
		}
		q := url.Values{}
		for _, f := range rt.query {
			switch f.typ {
			case "number", "integer":
				q.Set(f.name, "1")
			case "boolean":
				q.Set(f.name, "true")
			default:
				q.Set(f.name, "x")
			}
		}
		body := map[string]any{}
		for _, f := range rt.body {
			body[f.name] = map[string]any{"number": 1, "integer": 1, "boolean": true, "array": []any{"x"}, "object": map[string]any{}}[f.typ]
			if body[f.name] == nil {
				body[f.name] = "x"
			}
		}
		b, _ := json.Marshal(body)
		path := strings.NewReplacer("{", "p", "}", "").Replace(op.path)
		req := httptest.NewRequest(op.method, path+"?"+q.Encode(), bytes.NewReader(b))
		tok := loc.Token
		if rt.class == companyOnly {
			tok = agency
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		v := "2021-07-28"
		if len(rt.versions) > 0 {
			v = rt.versions[0]
		}
		req.Header.Set("Version", v)
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code < 200 || w.Code > 299 || w.Code != a.Status || w.Header().Get(BehaviourHeader) != "example" {
			t.Errorf("%s: got %d %s, want %d from the example", name, w.Code, w.Body, a.Status)
			continue
		}
		if ct := w.Header().Get("Content-Type"); !strings.Contains(ct, "json") {
			media[name] = ct + " " + strconv.Quote(w.Body.String()[:min(4, w.Body.Len())])
		} else if w.Code != http.StatusNoContent && !json.Valid(w.Body.Bytes()) {
			t.Errorf("%s: not JSON: %s", name, w.Body)
		}
	}
	want := map[string]string{
		"GET /conversations/messages/{messageId}/locations/{locationId}/recording":              `audio/x-wav "RIFF"`,
		"GET /conversations/locations/{locationId}/messages/{messageId}/transcription/download": `text/plain "ghlt"`,
	}
	if len(media) != len(want) {
		t.Errorf("non-JSON answers %v, want %v", media, want)
	}
	for k, v := range want {
		if media[k] != v {
			t.Errorf("%s: %s, want %s", k, media[k], v)
		}
	}
}

// TestEmptyWAV checks the placeholder recording is a well-formed WAV header.
func TestEmptyWAV(t *testing.T) {
	b := emptyWAV()
	if len(b) != 44 || string(b[:4]) != "RIFF" || string(b[8:16]) != "WAVEfmt " || string(b[36:40]) != "data" || b[4] != 36 {
		t.Errorf("emptyWAV() = %q", b)
	}
}
