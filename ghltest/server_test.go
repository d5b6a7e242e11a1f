package ghltest_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/salesnexus/ghl-go/ghltest"
)

func TestAuthErrors(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	path := "/contacts/?locationId=" + loc.ID

	noToken := newAPI(t, srv, "")
	r := noToken.do("GET", path, nil)
	r.errorBody(t, 401, "Invalid token: access token is invalid")
	if r.body["error"] != "Unauthorized" {
		t.Errorf("error = %v", r.body["error"])
	}
	newAPI(t, srv, "not-a-token").do("GET", path, nil).errorBody(t, 401, "Invalid token: access token is invalid")

	// Token checks come before the Version check.
	a := newAPI(t, srv, "bogus")
	a.version = ""
	a.do("GET", path, nil).errorBody(t, 401, "Invalid token: access token is invalid")

	// A raw token without the Bearer scheme is not accepted.
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	req.Header.Set("Authorization", loc.Token)
	req.Header.Set("Version", "2021-07-28")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("token without Bearer: status %d", resp.StatusCode)
	}

	// Revoked tokens stop working.
	tok := srv.IssueToken(loc.ID)
	newAPI(t, srv, tok).do("GET", path, nil).expect(t, 200)
	srv.RevokeToken(tok)
	newAPI(t, srv, tok).do("GET", path, nil).errorBody(t, 401, "Invalid token: access token is invalid")

	if got := srv.Stats().Unauthorized; got != 5 {
		t.Errorf("Stats.Unauthorized = %d, want 5", got)
	}
}

func TestVersionHeader(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)
	path := "/contacts/?locationId=" + loc.ID

	a.version = ""
	r := a.do("GET", path, nil)
	r.errorBody(t, 401, "version header was not found.")
	exactKeys(t, r.body, "statusCode", "message", "traceId")

	a.version = "2022-01-01"
	a.do("GET", path, nil).errorBody(t, 401, "version header is invalid")

	for _, v := range []string{"2021-04-15", "2021-07-28", "2023-02-21", "v3", "legacy"} {
		a.version = v
		a.do("GET", path, nil).expect(t, 200)
	}
	reqs := srv.Requests()
	if len(reqs) != 7 {
		t.Fatalf("recorded %d requests, want 7", len(reqs))
	}
	if reqs[0].Version != "" || reqs[1].Version != "2022-01-01" || reqs[6].Version != "legacy" {
		t.Errorf("recorded versions %q %q %q", reqs[0].Version, reqs[1].Version, reqs[6].Version)
	}
	if reqs[2].Status != 200 || reqs[0].Status != 401 {
		t.Errorf("recorded statuses %d %d", reqs[0].Status, reqs[2].Status)
	}
	if reqs[2].Method != "GET" || reqs[2].Path != "/contacts/" || reqs[2].RawQuery != "locationId="+loc.ID {
		t.Errorf("recorded %+v", reqs[2])
	}
	if reqs[2].Header.Get("Authorization") != "Bearer [redacted]" || reqs[2].TokenFingerprint != ghltest.Fingerprint(loc.Token) {
		t.Errorf("recorded header %v, fingerprint %q", reqs[2].Header, reqs[2].TokenFingerprint)
	}
	srv.ResetRequests()
	if len(srv.Requests()) != 0 {
		t.Error("ResetRequests did not clear the log")
	}
}

func TestUnknownRoute(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)
	r := a.do("GET", "/x", nil)
	r.errorBody(t, 404, "Cannot GET /x")
	if r.body["error"] != "Not Found" {
		t.Errorf("error = %v", r.body["error"])
	}
	a.do("PATCH", "/contacts/abc", nil).errorBody(t, 404, "Cannot PATCH /contacts/abc")
}

func rl(t *testing.T, h http.Header) (max, remaining, interval, daily, dailyRemaining int) {
	t.Helper()
	get := func(k string) int {
		v := h.Get(k)
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("header %s = %q", k, v)
		}
		return n
	}
	return get("X-RateLimit-Max"), get("X-RateLimit-Remaining"), get("X-RateLimit-Interval-Milliseconds"),
		get("X-RateLimit-Limit-Daily"), get("X-RateLimit-Daily-Remaining")
}

func TestRateLimit(t *testing.T) {
	clk := ghltest.NewManualClock(time.Date(2025, 3, 1, 23, 59, 0, 0, time.UTC))
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now), ghltest.WithRateLimit(3, time.Second, 5))
	defer srv.Close()
	loc := srv.CreateLocation("A")
	other := srv.CreateLocation("B")
	a := newAPI(t, srv, loc.Token)
	path := "/contacts/?locationId=" + loc.ID

	for i := 1; i <= 3; i++ {
		r := a.do("GET", path, nil).expect(t, 200)
		max, rem, iv, daily, drem := rl(t, r.header)
		if max != 3 || rem != 3-i || iv != 1000 || daily != 5 || drem != 5-i {
			t.Fatalf("request %d: headers %d %d %d %d %d", i, max, rem, iv, daily, drem)
		}
	}
	r := a.do("GET", path, nil)
	r.errorBody(t, 429, "Too Many Requests")
	exactKeys(t, r.body, "statusCode", "message", "traceId")
	if _, rem, _, _, drem := rl(t, r.header); rem != 0 || drem != 2 {
		t.Errorf("429 headers: remaining %d daily remaining %d", rem, drem)
	}
	if r.header.Get("Retry-After") != "" {
		t.Errorf("unexpected Retry-After %q", r.header.Get("Retry-After"))
	}
	// Errors other than 429 also carry the headers and count.
	a2 := newAPI(t, srv, loc.Token)
	a2.version = ""
	r = a2.do("GET", path, nil)
	r.expect(t, 429)

	// Other locations have their own counters; a second token of the same
	// location shares them.
	newAPI(t, srv, other.Token).do("GET", "/contacts/?locationId="+other.ID, nil).expect(t, 200)
	newAPI(t, srv, srv.IssueToken(loc.ID)).do("GET", path, nil).expect(t, 429)

	// Just before the window ends: still limited. At the end: a new window.
	clk.Advance(999 * time.Millisecond)
	a.do("GET", path, nil).expect(t, 429)
	clk.Advance(time.Millisecond)
	r = a.do("GET", path, nil).expect(t, 200)
	if _, rem, _, _, drem := rl(t, r.header); rem != 2 || drem != 1 {
		t.Errorf("new window: remaining %d daily remaining %d", rem, drem)
	}
	// Missing Version still counts (it is checked after the limiter).
	a2.do("GET", path, nil).errorBody(t, 401, "version header was not found.")
	// The daily limit is now spent, although the burst window has room.
	clk.Advance(2 * time.Second)
	r = a.do("GET", path, nil)
	r.expect(t, 429)
	if _, rem, _, _, drem := rl(t, r.header); rem != 3 || drem != 0 {
		t.Errorf("daily exhausted: remaining %d daily remaining %d", rem, drem)
	}
	// A new UTC day resets the daily counter.
	clk.Advance(time.Minute)
	r = a.do("GET", path, nil).expect(t, 200)
	if _, _, _, _, drem := rl(t, r.header); drem != 4 {
		t.Errorf("next day: daily remaining %d", drem)
	}
	if got := srv.Stats().RateLimited; got != 5 {
		t.Errorf("Stats.RateLimited = %d, want 5", got)
	}
	// Unauthenticated responses carry the limits, uncounted.
	r = newAPI(t, srv, "").do("GET", path, nil)
	if max, rem, _, _, _ := rl(t, r.header); max != 3 || rem != 3 {
		t.Errorf("unauthenticated: max %d remaining %d", max, rem)
	}
}

func TestRateLimitDisabled(t *testing.T) {
	srv := ghltest.NewServer(ghltest.WithRateLimit(0, 0, 0))
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)
	for i := 0; i < 150; i++ {
		a.do("GET", "/contacts/?locationId="+loc.ID+"&limit=1", nil).expect(t, 200)
	}
	r := a.do("GET", "/contacts/?locationId="+loc.ID, nil)
	if r.header.Get("X-RateLimit-Max") != "" {
		t.Errorf("disabled limit still reports X-RateLimit-Max")
	}
}

func TestLocationIsolation(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	a := srv.CreateLocation("A")
	b := srv.CreateLocation("B")
	if a.CompanyID != b.CompanyID || a.CompanyID != srv.DefaultCompany().ID {
		t.Errorf("locations not in the default company")
	}
	bc := srv.AddContact(b.ID, map[string]any{"firstName": "Bea", "email": "bea@b.com"})
	srv.AddTask(b.ID, bc, nil)
	api := newAPI(t, srv, a.Token)

	r := api.do("GET", "/contacts/?locationId="+b.ID, nil)
	r.errorBody(t, 403, "The token does not have access to this location")
	api.do("POST", "/contacts/", map[string]any{"locationId": b.ID, "firstName": "X"}).errorBody(t, 403, "The token does not have access to this location")
	api.do("POST", "/contacts/search", map[string]any{"locationId": b.ID, "pageLimit": 10}).errorBody(t, 403, "The token does not have access to this location")
	api.do("POST", "/contacts/upsert", map[string]any{"locationId": b.ID, "email": "bea@b.com"}).errorBody(t, 403, "The token does not have access to this location")
	api.do("GET", "/contacts/search/duplicate?locationId="+b.ID+"&email=bea@b.com", nil).errorBody(t, 403, "The token does not have access to this location")
	api.do("GET", "/contacts/"+bc, nil).errorBody(t, 404, "Contact not found")
	api.do("PUT", "/contacts/"+bc, map[string]any{"firstName": "Hacked"}).errorBody(t, 404, "Contact not found")
	api.do("DELETE", "/contacts/"+bc, nil).errorBody(t, 404, "Contact not found")
	api.do("GET", "/contacts/"+bc+"/tasks", nil).errorBody(t, 404, "Contact not found")
	api.do("POST", "/contacts/"+bc+"/tags", map[string]any{"tags": []string{"x"}}).errorBody(t, 404, "Contact not found")
	if c, _ := srv.Contact(b.ID, bc); c["firstName"] != "Bea" || len(strs(c["tags"])) != 0 {
		t.Errorf("contact of B changed: %v", c)
	}
	if _, ok := srv.Contact(a.ID, bc); ok {
		t.Error("Contact(a, contact of b) found")
	}

	// Agency tokens may not call location operations.
	r = newAPI(t, srv, srv.DefaultCompany().Token).do("GET", "/contacts/?locationId="+a.ID, nil)
	r.errorBody(t, 401, "This authClass type is not allowed to access this scope. Please reach out to the Platform team to get it added.")
}

func TestControlEndpointsNeedNoAuth(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	a := newAPI(t, srv, "")
	a.version = ""
	r := a.do("GET", "/_emulator/stats", nil).expect(t, 200)
	hasKeys(t, r.body, "requests", "rateLimited", "unauthorized", "invalidGrant", "tokenRefreshes", "tokensIssued", "faultsInjected")
	a.do("GET", "/_emulator/nope", nil).expect(t, 404)
	if srv.Stats().Requests != 0 {
		t.Errorf("control requests were counted: %d", srv.Stats().Requests)
	}
}
