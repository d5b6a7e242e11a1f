package ghltest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"

	"github.com/salesnexus/ghl-go/ghltest"
)

// Sixty unauthenticated 8 MiB POSTs (480 MiB on the wire) leave at most the
// body limit of each in the log, measured both as the bytes the log's bodies
// hold and as the live heap.
func TestRequestLogMemoryIsBounded(t *testing.T) {
	const n, size = 60, 8 << 20
	srv := ghltest.NewHandler()
	big := bytes.Repeat([]byte("x"), size)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for range n {
		req := httptest.NewRequest("POST", "/contacts/", bytes.NewReader(big))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("status %d, want 401", w.Code)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)

	reqs := srv.Requests()
	if len(reqs) != n {
		t.Fatalf("recorded %d requests, want %d", len(reqs), n)
	}
	kept := 0
	for _, r := range reqs {
		kept += cap(r.Body)
	}
	bound := n * ghltest.DefaultRequestLogBodyLimit
	heap := int64(after.HeapInuse) - int64(before.HeapInuse)
	t.Logf("%d POSTs of %d MiB: log bodies hold %d bytes (bound %d); heap in use grew by %.1f MiB", n, size>>20, kept, bound, float64(heap)/(1<<20))
	for i, r := range reqs {
		if len(r.Body) != ghltest.DefaultRequestLogBodyLimit || r.BodySize != size || !r.BodyTruncated || r.Status != 401 {
			t.Fatalf("request %d: kept %d bytes (cap %d) of %d, truncated %v, status %d", i, len(r.Body), cap(r.Body), r.BodySize, r.BodyTruncated, r.Status)
		}
	}
	if kept > bound {
		t.Errorf("log bodies hold %d bytes, more than %d × %d = %d", kept, n, ghltest.DefaultRequestLogBodyLimit, bound)
	}
	// Generous: the bodies are bounded by 3.75 MiB; unbounded they were 480 MiB.
	if heap > 32<<20 {
		t.Errorf("heap in use grew by %d MiB after %d requests", heap>>20, n)
	}
	runtime.KeepAlive(srv)
	runtime.KeepAlive(big)
}

func TestRequestLogBodyLimitOption(t *testing.T) {
	srv := ghltest.NewServer(ghltest.WithRequestLogBodyLimit(10))
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)
	a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "Ann"}).expect(t, 201)
	a.do("DELETE", "/contacts/nope", nil).expect(t, 404)
	reqs := srv.Requests()
	want := `{"firstName":"Ann","locationId":"` + loc.ID + `"}`
	if got := string(reqs[0].Body); got != want[:10] || reqs[0].BodySize != len(want) || !reqs[0].BodyTruncated {
		t.Errorf("kept %q of %d bytes, truncated %v; want %q of %d, truncated", got, reqs[0].BodySize, reqs[0].BodyTruncated, want[:10], len(want))
	}
	if reqs[1].Body != nil || reqs[1].BodySize != 0 || reqs[1].BodyTruncated {
		t.Errorf("empty body recorded as %q, size %d, truncated %v", reqs[1].Body, reqs[1].BodySize, reqs[1].BodyTruncated)
	}

	none := ghltest.NewServer(ghltest.WithRequestLogBodyLimit(0))
	defer none.Close()
	loc = none.CreateLocation("B")
	newAPI(t, none, loc.Token).do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "Ann"}).expect(t, 201)
	if r := none.Requests()[0]; len(r.Body) != 0 || r.BodySize != len(want) || !r.BodyTruncated {
		t.Errorf("limit 0 kept %q of %d, truncated %v", r.Body, r.BodySize, r.BodyTruncated)
	}
}

// secretJSON is a contact body with secrets at the top level and nested,
// strings and not.
func secretJSON(locationID string) string {
	return `{"locationId":"` + locationID + `","firstName":"Ann","password":"hunter2-password","extra":[{"id":"x","access_token":"json-access-token"}],"nested":{"idToken":"json-id-token","code":123456789,"refreshToken":{"v":["json-refresh-obj","}"]}},"Client_Secret" : "json-client-secret"}`
}

// secretFlow drives requests carrying every kind of secret the log redacts
// and returns the secrets.
func secretFlow(t *testing.T, srv *ghltest.Server) (loc *ghltest.Location, access string, secrets []string) {
	t.Helper()
	const clientID, clientSecret = "6578278e879ad2646715ba9c-lq4abcde", "client-secret-0123456789"
	srv.RegisterApp(clientID, clientSecret)
	loc = srv.CreateLocation("A")
	code := srv.AuthorizationCode(clientID, loc.ID, "Location", "")
	anon := newAPI(t, srv, "")
	r := anon.form("/oauth/token", url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "grant_type": {"authorization_code"}, "code": {code}, "user_type": {"Location"}}).expect(t, 200)
	refresh := r.body["refresh_token"].(string)
	r = anon.form("/oauth/token", url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "grant_type": {"refresh_token"}, "refresh_token": {refresh}}).expect(t, 200)
	access = r.body["access_token"].(string)

	a := newAPI(t, srv, access)
	// JSON with secrets at the top level and nested, string and not.
	r = a.do("POST", "/contacts/", secretJSON(loc.ID)).expect(t, 201)
	if r.obj(t, "contact")["firstName"] != "Ann" {
		t.Errorf("the handler saw a redacted body: %s", r.raw)
	}
	// Query string and headers.
	req, _ := http.NewRequest("GET", srv.URL+"/contacts/?locationId="+loc.ID+"&access_token=query-access-token", nil)
	req.Header.Set("Authorization", "Bearer "+access)
	req.Header.Set("Version", "2021-07-28")
	req.Header.Set("X-Api-Key", "header-api-key")
	req.Header.Set("Cookie", "session=header-cookie")
	req.Header.Set("X-Session-Id", "header-session")
	req.Header.Set("Idempotency-Key", "idem-1")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET with extra headers: %d", resp.StatusCode)
	}
	// A body that is neither form nor JSON, with both shapes, one cut short.
	req, _ = http.NewRequest("POST", srv.URL+"/contacts/", strings.NewReader(`note: password=text-password&ok=1, "client_secret": "text-client-secret", "refresh_token":"text-unterminated`))
	req.Header.Set("Authorization", "Basic dXNlcjpwYXNz")
	req.Header.Set("Content-Type", "text/plain")
	if resp, err = srv.Client().Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return loc, access, []string{clientSecret, code, refresh, access, "hunter2-password", "json-access-token", "json-id-token", "123456789", "json-refresh-obj", "json-client-secret",
		"query-access-token", "header-api-key", "header-cookie", "header-session", "text-password", "text-client-secret", "text-unterminated", "dXNlcjpwYXNz"}
}

func TestRequestLogRedactsSecrets(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc, access, secrets := secretFlow(t, srv)
	reqs := srv.Requests()
	if len(reqs) != 5 {
		t.Fatalf("recorded %d requests, want 5", len(reqs))
	}

	// Forms: secrets redacted, the rest intact.
	for i, secret := range []string{"code", "refresh_token"} {
		f, err := url.ParseQuery(string(reqs[i].Body))
		if err != nil {
			t.Fatalf("recorded form %q: %v", reqs[i].Body, err)
		}
		if f.Get("client_secret") != "[redacted]" || f.Get(secret) != "[redacted]" || f.Get("client_id") != "6578278e879ad2646715ba9c-lq4abcde" || f.Get("grant_type") == "" {
			t.Errorf("recorded form %q", reqs[i].Body)
		}
		if reqs[i].Header.Get("Authorization") != "" || reqs[i].TokenFingerprint != "" {
			t.Errorf("token request recorded an Authorization: %q %q", reqs[i].Header.Get("Authorization"), reqs[i].TokenFingerprint)
		}
	}

	// JSON: still valid JSON with the same members, secrets replaced.
	var body map[string]any
	if err := json.Unmarshal(reqs[2].Body, &body); err != nil {
		t.Fatalf("recorded JSON %q: %v", reqs[2].Body, err)
	}
	want := `{"Client_Secret":"[redacted]","extra":[{"access_token":"[redacted]","id":"x"}],"firstName":"Ann","locationId":"` + loc.ID + `","nested":{"code":"[redacted]","idToken":"[redacted]","refreshToken":"[redacted]"},"password":"[redacted]"}`
	if got, _ := json.Marshal(body); string(got) != want {
		t.Errorf("recorded JSON\n got %s\nwant %s", got, want)
	}
	if reqs[2].BodySize != len(secretJSON(loc.ID)) || reqs[2].BodyTruncated {
		t.Errorf("BodySize %d, truncated %v; want %d", reqs[2].BodySize, reqs[2].BodyTruncated, len(secretJSON(loc.ID)))
	}

	// Headers and query.
	h := reqs[3].Header
	if h.Get("Authorization") != "Bearer [redacted]" || reqs[3].TokenFingerprint != ghltest.Fingerprint(access) || len(reqs[3].TokenFingerprint) != 16 {
		t.Errorf("Authorization %q fingerprint %q", h.Get("Authorization"), reqs[3].TokenFingerprint)
	}
	for _, k := range []string{"X-Api-Key", "Cookie", "X-Session-Id"} {
		if h.Get(k) != "[redacted]" {
			t.Errorf("%s recorded as %q", k, h.Get(k))
		}
	}
	if h.Get("Idempotency-Key") != "idem-1" || h.Get("Version") != "2021-07-28" || reqs[3].Version != "2021-07-28" {
		t.Errorf("non-secret headers changed: %v", h)
	}
	if q, _ := url.ParseQuery(reqs[3].RawQuery); q.Get("access_token") != "[redacted]" || q.Get("locationId") != loc.ID {
		t.Errorf("query %q", reqs[3].RawQuery)
	}

	// A body that is neither.
	wantText := `note: password=[redacted]&ok=1, "client_secret": "[redacted]", "refresh_token":"[redacted]`
	if string(reqs[4].Body) != wantText || reqs[4].Header.Get("Authorization") != "Basic [redacted]" {
		t.Errorf("recorded text %q, Authorization %q", reqs[4].Body, reqs[4].Header.Get("Authorization"))
	}
	if reqs[4].TokenFingerprint != "" {
		t.Errorf("fingerprint of a Basic credential: %q", reqs[4].TokenFingerprint)
	}

	// Neither Requests nor the control endpoint holds any secret.
	raw := newAPI(t, srv, "").do("GET", "/_emulator/requests", nil).expect(t, 200).raw
	var dump strings.Builder
	for _, r := range reqs {
		dump.WriteString(r.RawQuery)
		dump.Write(r.Body)
		for k, vs := range r.Header {
			dump.WriteString(k + ": " + strings.Join(vs, ",") + "\n")
		}
	}
	for _, s := range secrets {
		if strings.Contains(string(raw), s) {
			t.Errorf("GET /_emulator/requests leaks %q", s)
		}
		if strings.Contains(dump.String(), s) {
			t.Errorf("Requests() leaks %q", s)
		}
	}
	if !strings.Contains(string(raw), `"tokenFingerprint":"`+ghltest.Fingerprint(access)+`"`) || !strings.Contains(string(raw), `"bodySize":`) {
		t.Errorf("control endpoint lacks fingerprint or bodySize: %s", raw)
	}
}

func TestUnredactedRequestLog(t *testing.T) {
	srv := ghltest.NewServer(ghltest.WithUnredactedRequestLog())
	defer srv.Close()
	_, access, _ := secretFlow(t, srv)
	reqs := srv.Requests()
	if f, _ := url.ParseQuery(string(reqs[0].Body)); f.Get("client_secret") != "client-secret-0123456789" {
		t.Errorf("unredacted form %q", reqs[0].Body)
	}
	if reqs[3].Header.Get("Authorization") != "Bearer "+access || reqs[3].Header.Get("X-Api-Key") != "header-api-key" || !strings.Contains(reqs[3].RawQuery, "query-access-token") {
		t.Errorf("unredacted request %+v", reqs[3])
	}
	if !bytes.Contains(reqs[2].Body, []byte(`"password":"hunter2-password"`)) || reqs[3].TokenFingerprint != ghltest.Fingerprint(access) {
		t.Errorf("unredacted body %q, fingerprint %q", reqs[2].Body, reqs[3].TokenFingerprint)
	}
}
