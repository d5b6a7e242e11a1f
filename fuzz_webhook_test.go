package ghl_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"testing"

	ghl "github.com/salesnexus/ghl-go"
)

// FuzzWebhookVerify checks that no header values and body verify with
// HighLevel's real keys (nobody here holds their private halves), that
// verification never panics, and that a body signed with a test key verifies
// (or fails only on its payload or timestamp) while any change to one byte
// of it is refused as a signature error. Its seed corpus runs with go test;
// fuzz it with: go test -run '^$' -fuzz '^FuzzWebhookVerify$' -fuzztime 60s .
func FuzzWebhookVerify(f *testing.F) {
	doc := []byte(`{"type":"ContactCreate","locationId":"ve9EPM428h8vShlRW1KT","id":"nmFmQEsNgz6AVpgLVUJ0","timestamp":"2025-01-28T14:35:00Z","webhookId":"abc123xyz"}`)
	sig64 := base64.StdEncoding.EncodeToString(make([]byte, 64))
	sig512 := base64.StdEncoding.EncodeToString(make([]byte, 512))
	for _, s := range []struct{ cur, legacy, body string }{
		{"", "", string(doc)},
		{"N/A", "N/A", string(doc)},
		{sig64, "", string(doc)},
		{"", sig512, string(doc)},
		{sig64, sig512, ""},
		{signEd(whEdKey, doc), "", string(doc)},
		{"!!", "??", `{"data":{"type":"INSTALL","timestamp":1}}`},
		{"", "", `[]`},
		{"AAAA", "", `{"timestamp":"9999-12-31T23:59:59Z"}`},
	} {
		f.Add(s.cur, s.legacy, []byte(s.body), uint16(0))
	}
	highLevel, err := ghl.NewWebhookVerifier(ghl.WithWebhookClock(whClock), ghl.WithWebhookDeduper(nil))
	if err != nil {
		f.Fatal(err)
	}
	test := newTestVerifier(f, ghl.WithWebhookDeduper(nil))
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, cur, legacy string, body []byte, flip uint16) {
		h := http.Header{}
		h.Set("X-GHL-Signature", cur)
		h.Set("X-WH-Signature", legacy)
		ev, err := highLevel.Verify(ctx, h, body)
		if err == nil || ev != nil {
			t.Fatalf("verified with HighLevel's keys: %q %q %q", cur, legacy, body)
		}
		if !errors.Is(err, ghl.ErrWebhookSignature) {
			t.Fatalf("unsigned request refused for another reason: %v", err)
		}

		// Signed with the test key, the body passes the signature check.
		good := http.Header{}
		good.Set("X-GHL-Signature", signEd(whEdKey, body))
		good.Set("X-WH-Signature", legacy)
		ev, err = test.Verify(ctx, good, body)
		switch {
		case err == nil:
			if ev == nil || !bytes.Equal(ev.Raw, body) {
				t.Fatalf("event does not carry the signed body")
			}
			_, _ = ev.Contact()
			_, _ = ev.AppInstall()
		case errors.Is(err, ghl.ErrWebhookSignature):
			t.Fatalf("signed body refused: %v", err)
		case !errors.Is(err, ghl.ErrWebhookPayload) && !errors.Is(err, ghl.ErrWebhookTimestamp):
			t.Fatalf("unexpected error: %v", err)
		}

		// One changed byte breaks the signature.
		if len(body) > 0 {
			changed := bytes.Clone(body)
			i := int(flip) % len(changed)
			changed[i] ^= 1 + byte(flip>>8)%255
			if _, err := test.Verify(ctx, good, changed); !errors.Is(err, ghl.ErrWebhookSignature) {
				t.Fatalf("changed byte %d accepted: %v", i, err)
			}
		}
	})
}
