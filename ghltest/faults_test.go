package ghltest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/salesnexus/ghl-go/ghltest"
)

// freshClient opens a new connection per request, so Go's transport cannot
// transparently retry a request whose reused connection was reset.
func freshClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
}

func post(t *testing.T, c *http.Client, url, token string, body any) (*http.Response, error) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Version", "2021-07-28")
	req.Header.Set("Content-Type", "application/json")
	return c.Do(req)
}

func TestFaultStatus(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Status: 503, PathPattern: "/contacts/", Method: "POST", Times: 2})

	for i := 0; i < 2; i++ {
		r := a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "X"})
		r.errorBody(t, 503, "Service Unavailable")
		if r.header.Get("X-RateLimit-Max") != "100" {
			t.Errorf("injected response lacks rate-limit headers")
		}
	}
	if n := len(srv.Contacts(loc.ID)); n != 0 {
		t.Fatalf("injected status changed state: %d contacts", n)
	}
	a.do("POST", "/contacts/", map[string]any{"locationId": loc.ID, "firstName": "X"}).expect(t, 201)
	if len(srv.Faults()) != 0 {
		t.Errorf("scripted fault not removed: %v", srv.Faults())
	}
	reqs := srv.Requests()
	if reqs[0].Fault != "status" || reqs[0].Status != 503 || reqs[2].Fault != "" || reqs[2].Status != 201 {
		t.Errorf("recorded %+v / %+v", reqs[0], reqs[2])
	}

	// 429 with Retry-After; glob patterns and method matching.
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Status: 429, PathPattern: "/contacts/*", Method: "GET", RetryAfter: "7", Times: 1})
	a.do("GET", "/contacts/abc/notes", nil).errorBody(t, 404, "Contact not found") // "*" does not cross "/"
	r := a.do("GET", "/contacts/abc", nil)
	r.errorBody(t, 429, "Too Many Requests")
	if r.header.Get("Retry-After") != "7" {
		t.Errorf("Retry-After %q", r.header.Get("Retry-After"))
	}
	st := srv.Stats()
	if st.FaultsInjected != 3 || st.RateLimited != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestFaultResetBeforeChangesNothing(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultResetBefore, PathPattern: "/contacts/", Times: 1})
	_, err := post(t, freshClient(), srv.URL+"/contacts/", loc.Token, map[string]any{"locationId": loc.ID, "firstName": "X"})
	if err == nil {
		t.Fatal("request succeeded through a reset")
	}
	if n := len(srv.Contacts(loc.ID)); n != 0 {
		t.Fatalf("reset-before changed state: %d contacts", n)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || reqs[0].Fault != "reset_before" || reqs[0].Status != 0 {
		t.Errorf("recorded %+v", reqs)
	}
	// The rate limiter did not count it either.
	r := newAPI(t, srv, loc.Token).do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)
	if r.header.Get("X-RateLimit-Remaining") != "99" {
		t.Errorf("remaining %q", r.header.Get("X-RateLimit-Remaining"))
	}
}

func TestFaultResetAfterChangesState(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultResetAfter, Method: "POST", Times: 1})
	resp, err := post(t, freshClient(), srv.URL+"/contacts/", loc.Token, map[string]any{"locationId": loc.ID, "firstName": "Ghost"})
	if err == nil {
		resp.Body.Close()
		t.Fatalf("request succeeded through a reset: %d", resp.StatusCode)
	}
	cs := srv.Contacts(loc.ID)
	if len(cs) != 1 || cs[0]["firstName"] != "Ghost" {
		t.Fatalf("reset-after did not change state: %v", cs)
	}
	if reqs := srv.Requests(); reqs[0].Fault != "reset_after" || reqs[0].Status != 201 {
		t.Errorf("recorded %+v", reqs[0])
	}
}

func TestFaultTruncateChangesState(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultTruncate, PathPattern: "/contacts/", Times: 1})
	resp, err := post(t, freshClient(), srv.URL+"/contacts/", loc.Token, map[string]any{"locationId": loc.ID, "firstName": "Half"})
	if err != nil {
		t.Fatalf("truncate should deliver the headers: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 201 || resp.ContentLength <= 0 {
		t.Fatalf("status %d, content-length %d", resp.StatusCode, resp.ContentLength)
	}
	b, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("reading truncated body: err %v", err)
	}
	if int64(len(b)) != resp.ContentLength/2 || !strings.HasPrefix(string(b), `{"contact":{`) {
		t.Errorf("got %d of %d bytes: %q", len(b), resp.ContentLength, b)
	}
	if cs := srv.Contacts(loc.ID); len(cs) != 1 {
		t.Fatalf("truncate did not change state: %v", cs)
	}
}

func TestFaultLatencyAndRate(t *testing.T) {
	srv := ghltest.NewServer(ghltest.WithRateLimit(0, 0, 0),
		ghltest.WithFaults(ghltest.Fault{Kind: ghltest.FaultLatency, Delay: 30 * time.Millisecond, Times: 1}))
	defer srv.Close()
	loc := srv.CreateLocation("A")
	a := newAPI(t, srv, loc.Token)
	start := time.Now()
	a.do("GET", "/contacts/?locationId="+loc.ID, nil).expect(t, 200)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("latency fault took %v", d)
	}
	if srv.Requests()[0].Fault != "latency" {
		t.Errorf("recorded %+v", srv.Requests()[0])
	}

	// Rate 0.5 forever: about half of 400 requests fail, deterministically per seed.
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Status: 500, Rate: 0.5})
	fails := 0
	for i := 0; i < 400; i++ {
		if r := a.do("GET", "/contacts/x", nil); r.status == 500 {
			fails++
		}
	}
	if fails < 150 || fails > 250 {
		t.Errorf("rate 0.5: %d of 400 failed", fails)
	}
	srv.ClearFaults()
	a.do("GET", "/contacts/x", nil).expect(t, 404)
}

func TestFaultControlEndpoint(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	loc := srv.CreateLocation("A")
	ctl := newAPI(t, srv, "")
	ctl.version = ""

	ctl.do("POST", "/_emulator/faults", `{"kind":"explode"}`).expect(t, 400)
	ctl.do("POST", "/_emulator/faults", `{"kind":"latency"}`).expect(t, 400)
	r := ctl.do("POST", "/_emulator/faults", `{"kind":"status","status":502,"pathPattern":"/contacts/","method":"GET","times":1}`).expect(t, 201)
	if r.body["kind"] != "status" || r.body["status"] != float64(502) || r.body["times"] != float64(1) {
		t.Errorf("created %s", r.raw)
	}
	r = ctl.do("POST", "/_emulator/faults", `{"kind":"latency","delay":"5ms","pathPattern":"/nowhere"}`).expect(t, 201)
	if r.body["delay"] != "5ms" {
		t.Errorf("delay %s", r.raw)
	}
	if fs := srv.Faults(); len(fs) != 2 || fs[1].Delay != 5*time.Millisecond {
		t.Errorf("faults %+v", fs)
	}
	newAPI(t, srv, loc.Token).do("GET", "/contacts/?locationId="+loc.ID, nil).errorBody(t, 502, "Bad Gateway")
	ctl.do("DELETE", "/_emulator/faults", nil).expect(t, 204)
	if len(srv.Faults()) != 0 {
		t.Error("faults not cleared")
	}
	if ctl.do("GET", "/_emulator/faults", nil).expect(t, 200); string(ctl.do("GET", "/_emulator/faults", nil).raw) != "[]" {
		t.Error("fault list not empty")
	}

	var reqs []map[string]any
	raw := ctl.do("GET", "/_emulator/requests", nil).expect(t, 200).raw
	if err := json.Unmarshal(raw, &reqs); err != nil || len(reqs) != 1 {
		t.Fatalf("requests %s", raw)
	}
	if reqs[0]["path"] != "/contacts/" || reqs[0]["status"] != float64(502) || reqs[0]["fault"] != "status" || reqs[0]["version"] != "2021-07-28" {
		t.Errorf("recorded %v", reqs[0])
	}
	r = ctl.do("GET", "/_emulator/stats", nil).expect(t, 200)
	if r.body["requests"] != float64(1) || r.body["faultsInjected"] != float64(1) {
		t.Errorf("stats %s", r.raw)
	}
	ctl.do("DELETE", "/_emulator/requests", nil).expect(t, 204)
	if len(srv.Requests()) != 0 {
		t.Error("requests not cleared")
	}
}

func TestInjectFaultPanicsOnInvalid(t *testing.T) {
	srv := ghltest.NewHandler()
	defer func() {
		if recover() == nil {
			t.Error("no panic for rate 2")
		}
	}()
	srv.InjectFault(ghltest.Fault{Kind: ghltest.FaultStatus, Rate: 2})
}
