package ghl_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
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

// benchServer answers every GET /contacts/{id} with benchContact and GHL's
// rate-limit headers, on loopback.
func benchServer(b *testing.B) *httptest.Server {
	b.Helper()
	body := []byte(benchContact)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"] = []string{"application/json; charset=utf-8"}
		h["X-Ratelimit-Max"] = []string{"100"}
		h["X-Ratelimit-Remaining"] = []string{"99"}
		h["X-Ratelimit-Interval-Milliseconds"] = []string{"10000"}
		h["X-Ratelimit-Limit-Daily"] = []string{"200000"}
		h["X-Ratelimit-Daily-Remaining"] = []string{"199999"}
		h["Content-Length"] = []string{fmt.Sprint(len(body))}
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
	for _, tc := range []struct {
		name  string
		limit ghl.RateLimit
	}{
		// The limiter is on but never binding, so its cost is measured.
		{"ghl", ghl.RateLimit{Requests: 1 << 30, Interval: time.Second, Burst: 1 << 30}},
		{"ghl-no-limiter", ghl.RateLimit{Disabled: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			client, err := ghl.NewClient(ghl.WithBaseURL(srv.URL), ghl.WithAccessToken("bench-token"),
				ghl.WithHTTPClient(benchTransport()), ghl.WithRateLimit(tc.limit))
			if err != nil {
				b.Fatal(err)
			}
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
