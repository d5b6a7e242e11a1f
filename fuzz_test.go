package ghl

import (
	"encoding/json"
	"strings"
	"testing"
)

// The fuzz targets' seed corpora run as ordinary tests; run one for longer
// with, for example: go test -run '^$' -fuzz FuzzErrorBody -fuzztime 60s .

func FuzzErrorBody(f *testing.F) {
	for _, s := range []string{
		`{"statusCode":422,"message":["a","b"],"error":"Unprocessable Entity"}`,
		`{"statusCode":400,"message":"Bad Request","traceId":"t"}`,
		`{"status":413,"message":"too large"}`,
		`{"error":{"code":"x","message":"y"}}`,
		`{"message":[["nested"],{"message":"obj"},1,null]}`,
		`not json`, ``, `null`, `[]`, `{"message":{}}`,
	} {
		f.Add(400, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := newAPIError(testGetOp, "GET", "/things/x", status, body)
		if len(e.Body) > maxErrorBody {
			t.Fatalf("body copy not bounded: %d", len(e.Body))
		}
		if e.Message != strings.Join(e.Messages, "; ") {
			t.Fatalf("message %q does not match messages %q", e.Message, e.Messages)
		}
		_ = e.Error()
		_ = e.Is(ErrNotFound)
	})
}

func FuzzTimestamp(f *testing.F) {
	for _, s := range []string{`"2021-07-02T05:18:26.704Z"`, `1625203106704`, `"1625203106704"`, `"2021-07-16 11:00:00"`,
		`null`, `""`, `"-"`, `-1`, `1e400`, `"2000-01-05"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ts Timestamp
		if err := json.Unmarshal(data, &ts); err != nil {
			return
		}
		out, err := json.Marshal(ts)
		if err != nil {
			// Years outside 0-9999 cannot be written as RFC 3339.
			if ts.Year() < 0 || ts.Year() > 9999 {
				return
			}
			t.Fatalf("marshal %v: %v", ts, err)
		}
		var back Timestamp
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("round trip of %s: %v", out, err)
		}
		if !back.Truncate(1e6).Equal(ts.Truncate(1e6)) && !ts.IsZero() {
			t.Fatalf("round trip changed %v to %v", ts.Time, back.Time)
		}
	})
}

func FuzzPageMeta(f *testing.F) {
	for _, s := range []string{
		`{"total":50,"nextPageUrl":"http://x/contacts/?startAfter=1&startAfterId=a","startAfterId":"a","startAfter":1631087949919,"currentPage":2,"nextPage":3,"prevPage":1}`,
		`{"prevPage":null}`, `{}`, `{"startAfter":"1"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var m PageMeta
		if json.Unmarshal(data, &m) != nil {
			return
		}
		out, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back PageMeta
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzExpandPath(f *testing.F) {
	for _, s := range []string{"abc", "", ".", "..", "a/b", "%2e%2e", "a?b#c", " ", "é", "../x"} {
		f.Add(s, "sub")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		p, err := testPutOp.expand(a, b)
		if err != nil {
			return
		}
		rest, ok := strings.CutPrefix(p, "/things/")
		if !ok {
			t.Fatalf("path %q escaped its template", p)
		}
		segs := strings.Split(rest, "/")
		if len(segs) != 3 || segs[1] != "sub" {
			t.Fatalf("an ID added path segments: %q", p)
		}
		for _, s := range []string{segs[0], segs[2]} {
			if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "?#") {
				t.Fatalf("unsafe segment %q in %q", s, p)
			}
		}
	})
}
