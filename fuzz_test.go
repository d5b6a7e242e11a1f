package ghl

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"runtime/metrics"
	"strings"
	"testing"
	"time"
)

// heapAllocated reads the bytes allocated so far without stopping the world
// (unlike runtime.ReadMemStats), so that a fuzz target can bound what one
// call allocates.
func heapAllocated() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

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
	f.Add(422, nestedMessage(3000, 200))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		// Linear in the part of the body that is decoded, whatever its
		// shape (the review's nested arrays cost depth times size). The
		// counter is process-wide and the fuzzing engine allocates too, so
		// the least of three measurements is compared.
		var e *APIError
		got := uint64(1 << 62)
		for range 3 {
			before := heapAllocated()
			e = newAPIError(testGetOp, "GET", "/things/x", status, body)
			got = min(got, heapAllocated()-before)
		}
		if bound := uint64(16*min(len(body), maxErrorDecode) + 64<<10); got > bound {
			t.Fatalf("decoding a %d-byte error body allocated %d bytes (bound %d)", len(body), got, bound)
		}
		if len(e.Body) > maxErrorBody {
			t.Fatalf("body copy not bounded: %d", len(e.Body))
		}
		if len(e.Messages) > maxMessages {
			t.Fatalf("%d messages kept", len(e.Messages))
		}
		for _, m := range e.Messages {
			if len(m) > maxMessageLen+3 {
				t.Fatalf("message of %d bytes kept", len(m))
			}
		}
		if e.Message != strings.Join(e.Messages, "; ") {
			t.Fatalf("message %q does not match messages %q", e.Message, e.Messages)
		}
		_ = e.Error()
		_ = e.Is(ErrNotFound)
	})
}

// FuzzTimestamp: decoding any JSON value into a Timestamp succeeds; a time
// encodes and decodes back to the same millisecond, and a value that did not
// parse encodes back to its own text.
func FuzzTimestamp(f *testing.F) {
	for _, s := range []string{`"2021-07-02T05:18:26.704Z"`, `1625203106704`, `"1625203106704"`, `"2021-07-16 11:00:00"`,
		`null`, `""`, `"-"`, `-1`, `1e400`, `"2000-01-05"`, `{"seconds":1625203106,"nanoseconds":704000000}`,
		`{"_seconds":-62167219200,"_nanoseconds":0}`, `{ "seconds" : 1 }`, `"<&>"`, `[{}]`, `true`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		var ts Timestamp
		if err := json.Unmarshal(data, &ts); err != nil {
			t.Fatalf("decoding %q: %v", data, err)
		}
		if states := btoi(ts.Valid()) + btoi(ts.IsZero()) + btoi(ts.Raw() != ""); states != 1 {
			t.Fatalf("%q: valid %v, zero %v, raw %q", data, ts.Valid(), ts.IsZero(), ts.Raw())
		}
		out, err := json.Marshal(ts)
		if err != nil {
			t.Fatalf("marshal %q (decoded from %q): %v", ts.Raw(), data, err)
		}
		var back Timestamp
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("round trip of %s: %v", out, err)
		}
		if back.Valid() != ts.Valid() || back.IsZero() != ts.IsZero() {
			t.Fatalf("round trip of %q through %s changed validity", data, out)
		}
		if ts.Valid() && !back.Truncate(1e6).Equal(ts.Truncate(1e6)) {
			t.Fatalf("round trip changed %v to %v", ts.Time, back.Time)
		}
		if again, _ := json.Marshal(back); string(again) != string(out) {
			t.Fatalf("%q encodes as %s, then as %s", data, out, again)
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
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

// FuzzSuccessBody: whatever a 2xx answer holds, decoding it is a result, a
// *DecodeError or an *APIError, never a panic.
func FuzzSuccessBody(f *testing.F) {
	for _, s := range []string{okThing, ``, `null`, `{}`, ` { } `, `{"statusCode":404,"message":"x"}`, `{"status":"open"}`,
		`{"status":500}`, `{"thing":null}`, `[1]`, `"x"`, `{"thing":{"id":1}}`} {
		f.Add(200, []byte(s))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		var root struct {
			Thing *thing `json:"thing"`
		}
		err := decodeResult(testGetOp, "/things/x", status, 1, body, &root, coreToken)
		if err == nil {
			return
		}
		var de *DecodeError
		var ae *APIError
		switch {
		case errors.As(err, &de):
			if de.Operation != testGetOp.Name {
				t.Fatalf("decode error names %q", de.Operation)
			}
		case errors.As(err, &ae):
			if ae.StatusCode < 400 || ae.StatusCode > 599 {
				t.Fatalf("error body with status %d", ae.StatusCode)
			}
		default:
			t.Fatalf("untyped error %T: %v", err, err)
		}
	})
}

// FuzzRateHeaders: any X-RateLimit-* values give a sane Rate, and fitting a
// bucket to them gives a positive rate and burst.
func FuzzRateHeaders(f *testing.F) {
	f.Add("100", "99", "10000", "200000", "199999")
	f.Add("-1", "x", "9223372036854775807", "", "0")
	f.Add("1", "0", "1", "1", "0")
	f.Fuzz(func(t *testing.T, maxV, remaining, interval, daily, dailyRemaining string) {
		h := http.Header{}
		for k, v := range map[string]string{"X-Ratelimit-Max": maxV, "X-Ratelimit-Remaining": remaining,
			"X-Ratelimit-Interval-Milliseconds": interval, "X-Ratelimit-Limit-Daily": daily, "X-Ratelimit-Daily-Remaining": dailyRemaining} {
			h[k] = []string{v}
		}
		r := parseRate(h)
		if r.Interval < 0 || r.Interval > 24*time.Hour || r.Max < 0 || r.Remaining < 0 || r.DailyRemaining < 0 {
			t.Fatalf("insane rate %+v", r)
		}
		rl := NewRateLimiter(DefaultRateLimit())
		b := rl.bucket("k")
		rl.observe(b, r)
		if r.Max > 0 && r.Interval > 0 {
			limit, burst := rl.fit(r.Max, r.Interval)
			if limit <= 0 || burst < 1 {
				t.Fatalf("fit(%d, %s) = %v, %d", r.Max, r.Interval, limit, burst)
			}
		}
	})
}

// FuzzRetryAfter: any Retry-After gives a wait between 0 and the cap, and
// the backoff never goes negative or past MaxWait.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"0", "7", "9300000000", "99999999999999999999", "-1", "1.5", "Wed, 21 Oct 2015 07:28:00 GMT",
		"Fri, 31 Dec 9999 23:59:59 GMT", " 5 ", ""} {
		f.Add(s)
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		h := http.Header{"Retry-After": {v}}
		d, ok := retryAfter(h, now)
		if d < 0 || d > maxRetryAfter || (!ok && d != 0) {
			t.Fatalf("Retry-After %q gave %s, %v", v, d, ok)
		}
		resp := &http.Response{StatusCode: http.StatusTooManyRequests, Header: h}
		if w := backoff(time.Second, 30*time.Second, 1, resp); w < 0 || w > 30*time.Second {
			t.Fatalf("backoff for Retry-After %q is %s", v, w)
		}
	})
}

// FuzzPageCursors: whatever cursors a server sends, an iteration ends,
// reads no cursor twice, and never reads past the ceiling.
func FuzzPageCursors(f *testing.F) {
	f.Add([]byte{1, 2, 3})
	f.Add([]byte{1, 2, 1, 2})
	f.Add([]byte{0, 0})
	f.Add([]byte{5, 4, 3, 2, 1, 2, 3})
	f.Fuzz(func(t *testing.T, cursors []byte) {
		if len(cursors) > 2000 {
			return
		}
		seen := map[byte]bool{}
		fetch := func(_ context.Context, c byte) ([]byte, byte, bool, error) {
			if seen[c] {
				t.Fatalf("cursor %d read twice", c)
			}
			seen[c] = true
			i := len(seen)
			if i >= len(cursors) {
				return []byte{c}, 0, false, nil
			}
			return []byte{c}, cursors[i], true, nil
		}
		pages := 0
		first := byte(0)
		if len(cursors) > 0 {
			first = cursors[0]
		}
		for _, err := range paginate(context.Background(), nil, testGetOp, first, fetch) {
			if err != nil {
				if !errors.Is(err, ErrCursorRepeated) {
					t.Fatalf("unexpected %v", err)
				}
				continue
			}
			pages++
		}
		if pages > 256 {
			t.Fatalf("%d pages from 256 distinct cursors", pages)
		}
	})
}
