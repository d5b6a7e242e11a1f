package ghl_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	ghl "github.com/salesnexus/ghl-go"
)

// benchContact is a realistic GET /contacts/{id} body (fields from the spec's
// GetContectByIdSchema examples).
const benchContact = `{"contact":{"id":"seD4PfOuKoVMLkEZqohJ","name":"rubika deo","locationId":"ve9EPM428h8vShlRW1KT",` +
	`"firstName":"rubika","lastName":"Deo","email":"rubika@deos.com","emailLowerCase":"rubika@deos.com","timezone":"Asia/Calcutta",` +
	`"companyName":"DGS VolMAX","phone":"+18832327657","dnd":true,"dndSettings":{"Call":{"status":"active","message":"x","code":"y"},` +
	`"Email":{"status":"inactive","message":"","code":""}},"type":"read","source":"public api","assignedTo":"ve9EPM428h8vShlRW1KT",` +
	`"address1":"3535 1st St N","city":"ruDolomitebika","state":"AL","country":"US","postalCode":"35061","website":"https://www.tesla.com",` +
	`"tags":["nisi sint commodo amet","consequat"],"dateOfBirth":"1990-01-05T00:00:00.000Z","dateAdded":"2021-07-02T05:18:26.704Z",` +
	`"dateUpdated":"2021-07-02T05:18:26.704Z","keyword":"test","firstNameLowerCase":"rubika","fullNameLowerCase":"rubika deo",` +
	`"lastNameLowerCase":"deo","lastActivity":"2021-07-16T11:39:30.564Z","customFields":[{"id":"MgobCB14YMVKuE4Ka8p1","value":"name"}],` +
	`"businessId":"641c094001436dbc2081e642","visitorId":"ve9EPM428h8vShlRW1KT"}}`

// benchSearchPage is one page of POST /contacts/search: benchSearchSize
// contacts like benchContact, each with its searchAfter cursor.
const benchSearchSize = 20

func benchSearchPage() []byte {
	var contact map[string]any
	if err := json.Unmarshal([]byte(benchContact), &contact); err != nil {
		panic(err)
	}
	c := contact["contact"].(map[string]any)
	page := make([]map[string]any, benchSearchSize)
	for i := range page {
		cp := make(map[string]any, len(c)+1)
		for k, v := range c {
			cp[k] = v
		}
		cp["id"] = fmt.Sprintf("seD4PfOuKoVMLkEZq%03d", i)
		cp["searchAfter"] = []any{1625203106704 - i, cp["id"]}
		page[i] = cp
	}
	b, err := json.Marshal(map[string]any{"contacts": page, "total": 1000})
	if err != nil {
		panic(err)
	}
	return b
}

// benchServer answers, on loopback and with GHL's rate-limit headers,
// GET /contacts/{id} with benchContact, POST /contacts/ with 201 and
// benchContact, and POST /contacts/search with a page of benchSearchSize
// contacts. Request bodies are read in full, as a real server does.
func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	contact := []byte(benchContact)
	search := benchSearchPage()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		body, status := contact, http.StatusOK
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/contacts/search":
			body = search
		case r.Method == http.MethodPost && r.URL.Path == "/contacts/":
			status = http.StatusCreated
		case r.Method != http.MethodGet:
			status = http.StatusMethodNotAllowed
		}
		h := w.Header()
		h["Content-Type"] = []string{"application/json; charset=utf-8"}
		// GHL's headers, with a burst limit high enough that the client's
		// limiter, which fits itself to X-RateLimit-Max, never binds here.
		h["X-Ratelimit-Max"] = []string{"100000000"}
		h["X-Ratelimit-Remaining"] = []string{"99999999"}
		h["X-Ratelimit-Interval-Milliseconds"] = []string{"10000"}
		h["X-Ratelimit-Limit-Daily"] = []string{"200000"}
		h["X-Ratelimit-Daily-Remaining"] = []string{"199999"}
		h["Content-Length"] = []string{strconv.Itoa(len(body))}
		w.WriteHeader(status)
		_, _ = w.Write(body)
	}))
	b.Cleanup(srv.Close)
	return srv
}

func benchTransport() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 32
	return &http.Client{Transport: t}
}

// baselineGet is what a careful hand-written client does for the same call.
func baselineGet(ctx context.Context, hc *http.Client, base, token, id string) (*ghl.Contact, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/contacts/"+id, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Version", "2021-07-28")
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	var root struct {
		Contact *ghl.Contact `json:"contact"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&root); err != nil {
		return nil, err
	}
	return root.Contact, nil
}

// BenchmarkContactsGet compares Contacts.Get with the hand-written baseline on
// the same loopback server, in the same run.
func BenchmarkContactsGet(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()
	const id = "seD4PfOuKoVMLkEZqohJ"

	b.Run("baseline", func(b *testing.B) {
		hc := benchTransport()
		b.ReportAllocs()
		for b.Loop() {
			c, err := baselineGet(ctx, hc, srv.URL, "bench-token", id)
			if err != nil || c.ID != id {
				b.Fatal(err)
			}
		}
	})
	for _, tc := range benchClients {
		b.Run(tc.name, func(b *testing.B) {
			client := newBenchClient(b, srv.URL, tc.limit)
			b.ReportAllocs()
			for b.Loop() {
				c, _, err := client.Contacts.Get(ctx, id)
				if err != nil || c.ID != id {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchClients are the SDK configurations measured against each baseline:
// the default limiter kind (on, never binding, so its cost is measured) and
// no limiter.
var benchClients = []struct {
	name  string
	limit ghl.RateLimit
}{
	{"ghl", ghl.RateLimit{Requests: 1 << 30, Interval: time.Second, Burst: 1 << 30}},
	{"ghl-no-limiter", ghl.RateLimit{Disabled: true}},
}

func newBenchClient(b *testing.B, url string, limit ghl.RateLimit) *ghl.Client {
	b.Helper()
	client, err := ghl.NewClient(ghl.WithBaseURL(url), ghl.WithAccessToken("bench-token"),
		ghl.WithHTTPClient(benchTransport()), ghl.WithRateLimit(limit))
	if err != nil {
		b.Fatal(err)
	}
	return client
}

// baselinePost is what a careful hand-written client does for a POST with a
// JSON body: encode, send, check the status, decode.
func baselinePost(ctx context.Context, hc *http.Client, url, token string, in, out any, want int) error {
	payload, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Version", "2021-07-28")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// benchCreateRequest is a typical create: name, email, phone, two tags.
func benchCreateRequest() *ghl.ContactCreateRequest {
	return &ghl.ContactCreateRequest{
		LocationID: "ve9EPM428h8vShlRW1KT", FirstName: ghl.Ptr("Rosan"), LastName: ghl.Ptr("Deo"),
		Email: ghl.Ptr("rosan@deos.com"), Phone: ghl.Ptr("+18888888888"), Tags: []string{"lead", "q4"},
		Source: ghl.Ptr("public api"),
	}
}

// BenchmarkContactsCreate compares Contacts.Create with the hand-written
// baseline on the same loopback server, in the same run.
func BenchmarkContactsCreate(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()
	in := benchCreateRequest()

	b.Run("baseline", func(b *testing.B) {
		hc := benchTransport()
		b.ReportAllocs()
		for b.Loop() {
			var root struct {
				Contact *ghl.Contact `json:"contact"`
			}
			if err := baselinePost(ctx, hc, srv.URL+"/contacts/", "bench-token", in, &root, http.StatusCreated); err != nil || root.Contact == nil {
				b.Fatal(err)
			}
		}
	})
	for _, tc := range benchClients {
		b.Run(tc.name, func(b *testing.B) {
			client := newBenchClient(b, srv.URL, tc.limit)
			b.ReportAllocs()
			for b.Loop() {
				c, _, err := client.Contacts.Create(ctx, in)
				if err != nil || c == nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkContactsSearch compares one page (benchSearchSize contacts) of
// Contacts.Search with the hand-written baseline on the same loopback
// server, in the same run.
func BenchmarkContactsSearch(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()
	in := &ghl.ContactSearchRequest{LocationID: "ve9EPM428h8vShlRW1KT", PageLimit: benchSearchSize}

	b.Run("baseline", func(b *testing.B) {
		hc := benchTransport()
		b.ReportAllocs()
		for b.Loop() {
			var root struct {
				Contacts []ghl.Contact `json:"contacts"`
				Total    int           `json:"total"`
			}
			if err := baselinePost(ctx, hc, srv.URL+"/contacts/search", "bench-token", in, &root, http.StatusOK); err != nil || len(root.Contacts) != benchSearchSize {
				b.Fatal(err)
			}
		}
	})
	for _, tc := range benchClients {
		b.Run(tc.name, func(b *testing.B) {
			client := newBenchClient(b, srv.URL, tc.limit)
			b.ReportAllocs()
			for b.Loop() {
				page, _, err := client.Contacts.Search(ctx, in)
				if err != nil || len(page) != benchSearchSize {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOverheadPaired times the SDK and the baseline call by call in
// the same loop, alternating which goes first, so that both see the same
// load on a shared machine. It reports the ratio of the summed times
// (ghl/baseline) and each side's mean. The SDK client has the limiter on
// (never binding), as users run it. Allocations are measured by the
// separate BenchmarkContacts* benchmarks.
func BenchmarkOverheadPaired(b *testing.B) {
	srv := benchServer(b)
	ctx := context.Background()
	const id = "seD4PfOuKoVMLkEZqohJ"
	create := benchCreateRequest()
	search := &ghl.ContactSearchRequest{LocationID: "ve9EPM428h8vShlRW1KT", PageLimit: benchSearchSize}
	hc := benchTransport()
	client := newBenchClient(b, srv.URL, benchClients[0].limit)
	for _, tc := range []struct {
		name          string
		baseline, sdk func() error
	}{
		{"Get", func() error {
			_, err := baselineGet(ctx, hc, srv.URL, "bench-token", id)
			return err
		}, func() error {
			_, _, err := client.Contacts.Get(ctx, id)
			return err
		}},
		{"Create", func() error {
			var root struct {
				Contact *ghl.Contact `json:"contact"`
			}
			return baselinePost(ctx, hc, srv.URL+"/contacts/", "bench-token", create, &root, http.StatusCreated)
		}, func() error {
			_, _, err := client.Contacts.Create(ctx, create)
			return err
		}},
		{"Search", func() error {
			var root struct {
				Contacts []ghl.Contact `json:"contacts"`
				Total    int           `json:"total"`
			}
			return baselinePost(ctx, hc, srv.URL+"/contacts/search", "bench-token", search, &root, http.StatusOK)
		}, func() error {
			_, _, err := client.Contacts.Search(ctx, search)
			return err
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var tBase, tSDK time.Duration
			timed := func(f func() error, sum *time.Duration) {
				start := time.Now()
				if err := f(); err != nil {
					b.Fatal(err)
				}
				*sum += time.Since(start)
			}
			n := 0
			for b.Loop() {
				if n%2 == 0 {
					timed(tc.baseline, &tBase)
					timed(tc.sdk, &tSDK)
				} else {
					timed(tc.sdk, &tSDK)
					timed(tc.baseline, &tBase)
				}
				n++
			}
			b.ReportMetric(float64(tSDK)/float64(tBase), "ghl/baseline")
			b.ReportMetric(float64(tBase.Nanoseconds())/float64(n), "baseline-ns/call")
			b.ReportMetric(float64(tSDK.Nanoseconds())/float64(n), "ghl-ns/call")
		})
	}
}
