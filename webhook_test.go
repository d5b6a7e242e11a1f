package ghl_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghltest"
)

// whNow is the verifiers' clock in these tests: the documented example
// timestamp "2025-01-28T14:35:00Z".
var whNow = time.Date(2025, 1, 28, 14, 35, 0, 0, time.UTC)

func whClock() time.Time { return whNow }

// whEdKey is a fixed test Ed25519 key pair (not HighLevel's).
var whEdKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))

// whRSAKey is a test RSA-2048 key (HighLevel's legacy key is RSA-4096).
var whRSAKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

func signEd(priv ed25519.PrivateKey, body []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(priv, body))
}

func signRSA(t testing.TB, priv *rsa.PrivateKey, body []byte) string {
	t.Helper()
	sum := sha256.Sum256(body)
	sig, err := rsa.SignPKCS1v15(rand.Reader, priv, crypto.SHA256, sum[:])
	require.NoError(t, err)
	return base64.StdEncoding.EncodeToString(sig)
}

// newTestVerifier trusts the test keys and reads the fixed clock.
func newTestVerifier(t testing.TB, opts ...ghl.WebhookOption) *ghl.WebhookVerifier {
	t.Helper()
	base := []ghl.WebhookOption{
		ghl.WithWebhookPublicKey(whEdKey.Public().(ed25519.PublicKey)),
		ghl.WithWebhookRSAKey(&whRSAKey().PublicKey),
		ghl.WithWebhookClock(whClock),
	}
	v, err := ghl.NewWebhookVerifier(append(base, opts...)...)
	require.NoError(t, err)
	return v
}

func edHeader(body []byte) http.Header {
	h := http.Header{}
	h.Set("X-GHL-Signature", signEd(whEdKey, body))
	return h
}

const whContactBody = `{"type":"ContactCreate","locationId":"ve9EPM428h8vShlRW1KT","id":"nmFmQEsNgz6AVpgLVUJ0",` +
	`"email":"jane@example.com","timestamp":"2025-01-28T14:35:00Z","webhookId":"abc123xyz"}`

func requireWebhookErr(t *testing.T, err error, kind error) *ghl.WebhookError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, kind)
	var we *ghl.WebhookError
	require.ErrorAs(t, err, &we)
	return we
}

func TestWebhookEmbeddedKeysParse(t *testing.T) {
	ed, err := ghl.ParseWebhookPublicKey([]byte(ghl.HighLevelWebhookPublicKeyPEM))
	require.NoError(t, err)
	assert.Equal(t, "8b61d1d6cacbe28d7c3bc0516bb815258ec6edbba96cddc7f40c09ac708388e8", hex.EncodeToString(ed))

	rk, err := ghl.ParseWebhookRSAKey([]byte(ghl.HighLevelWebhookLegacyKeyPEM))
	require.NoError(t, err)
	assert.Equal(t, 4096, rk.N.BitLen())
	assert.Equal(t, 65537, rk.E)

	// Each parser refuses the other kind of key.
	_, err = ghl.ParseWebhookPublicKey([]byte(ghl.HighLevelWebhookLegacyKeyPEM))
	assert.Error(t, err)
	_, err = ghl.ParseWebhookRSAKey([]byte(ghl.HighLevelWebhookPublicKeyPEM))
	assert.Error(t, err)
	_, err = ghl.ParseWebhookPublicKey([]byte("not pem"))
	assert.Error(t, err)

	// The default verifier builds from them.
	_, err = ghl.NewWebhookVerifier()
	require.NoError(t, err)
}

func TestWebhookDefaultVerifierRejectsTestKeySignatures(t *testing.T) {
	// The default verifier trusts HighLevel's key only.
	v, err := ghl.NewWebhookVerifier(ghl.WithWebhookClock(whClock))
	require.NoError(t, err)
	body := []byte(whContactBody)
	_, err = v.Verify(context.Background(), edHeader(body), body)
	requireWebhookErr(t, err, ghl.ErrWebhookSignature)
}

func TestWebhookVerifyEd25519(t *testing.T) {
	v := newTestVerifier(t)
	body := []byte(whContactBody)
	ev, err := v.Verify(context.Background(), edHeader(body), body)
	require.NoError(t, err)
	assert.Equal(t, ghl.WebhookContactCreate, ev.Type)
	assert.Equal(t, "ve9EPM428h8vShlRW1KT", ev.LocationID)
	assert.Equal(t, "abc123xyz", ev.WebhookID)
	assert.True(t, ev.Timestamp.Equal(whNow))
	assert.Equal(t, whContactBody, string(ev.Raw))

	// JSON whitespace around the object is part of the signed bytes.
	spaced := []byte("\n " + strings.Replace(whContactBody, "abc123xyz", "spaced", 1) + "\r\n")
	ev, err = v.Verify(context.Background(), edHeader(spaced), spaced)
	require.NoError(t, err)
	assert.Equal(t, spaced, []byte(ev.Raw))

	// Unpadded base64 is accepted too.
	body2 := []byte(strings.Replace(whContactBody, "abc123xyz", "other-id", 1))
	h := http.Header{}
	h.Set("X-GHL-Signature", base64.RawStdEncoding.EncodeToString(ed25519.Sign(whEdKey, body2)))
	_, err = v.Verify(context.Background(), h, body2)
	require.NoError(t, err)
}

func TestWebhookFailsClosed(t *testing.T) {
	body := []byte(whContactBody)
	_, otherKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	changed := bytes.Clone(body)
	changed[bytes.IndexByte(changed, 'j')] = 'J' // jane -> Jane
	// Same content, different bytes: what JSON.stringify(req.body) or
	// json.Marshal of a decoded value produces.
	var decoded map[string]any
	require.NoError(t, json.Unmarshal(body, &decoded))
	remarshalled, err := json.Marshal(decoded)
	require.NoError(t, err)
	require.NotEqual(t, body, remarshalled)
	require.JSONEq(t, string(body), string(remarshalled))

	cases := []struct {
		name   string
		header map[string]string
		body   []byte
	}{
		{"no signature", nil, body},
		{"N/A", map[string]string{"X-GHL-Signature": "N/A"}, body},
		{"both N/A", map[string]string{"X-GHL-Signature": "N/A", "X-WH-Signature": "N/A"}, body},
		{"blank", map[string]string{"X-GHL-Signature": "  "}, body},
		{"bad base64", map[string]string{"X-GHL-Signature": "!!not base64!!"}, body},
		{"short signature", map[string]string{"X-GHL-Signature": base64.StdEncoding.EncodeToString([]byte("short"))}, body},
		{"zero signature", map[string]string{"X-GHL-Signature": base64.StdEncoding.EncodeToString(make([]byte, 64))}, body},
		{"one byte changed", map[string]string{"X-GHL-Signature": signEd(whEdKey, body)}, changed},
		{"other key", map[string]string{"X-GHL-Signature": signEd(otherKey, body)}, body},
		{"re-marshalled JSON", map[string]string{"X-GHL-Signature": signEd(whEdKey, body)}, remarshalled},
		{"signature of empty body", map[string]string{"X-GHL-Signature": signEd(whEdKey, nil)}, body},
		{"empty body unsigned", nil, nil},
		{"HMAC-style hex", map[string]string{"X-GHL-Signature": hex.EncodeToString(make([]byte, 32))}, body},
		// No downgrade: an invalid X-GHL-Signature is not rescued by a
		// valid legacy signature.
		{"invalid current, valid legacy", map[string]string{
			"X-GHL-Signature": signEd(otherKey, body),
			"X-WH-Signature":  signRSA(t, whRSAKey(), body),
		}, body},
		{"bad base64 current, valid legacy", map[string]string{
			"X-GHL-Signature": "%%%",
			"X-WH-Signature":  signRSA(t, whRSAKey(), body),
		}, body},
		{"legacy of other bytes", map[string]string{"X-WH-Signature": signRSA(t, whRSAKey(), changed)}, body},
		{"legacy bad base64", map[string]string{"X-WH-Signature": "***"}, body},
		{"Ed25519 signature in legacy header", map[string]string{"X-WH-Signature": signEd(whEdKey, body)}, body},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := newTestVerifier(t)
			h := http.Header{}
			for k, val := range tc.header {
				h.Set(k, val)
			}
			ev, err := v.Verify(context.Background(), h, tc.body)
			assert.Nil(t, ev)
			we := requireWebhookErr(t, err, ghl.ErrWebhookSignature)
			assert.NotErrorIs(t, err, ghl.ErrWebhookDuplicate)
			// The error never repeats a signature or the body.
			for _, val := range tc.header {
				if len(val) > 8 {
					assert.NotContains(t, err.Error(), val)
				}
			}
			assert.NotContains(t, err.Error(), "jane@example.com")
			assert.NotEmpty(t, we.Reason)
		})
	}
}

func TestWebhookLegacyRSA(t *testing.T) {
	body := []byte(whContactBody)
	legacy := signRSA(t, whRSAKey(), body)

	t.Run("refused alone after the sunset by default", func(t *testing.T) {
		after := func() time.Time { return ghl.WebhookLegacySunset.Add(time.Hour) }
		// A body with no timestamp, so that only the legacy rule decides.
		plain := []byte(`{"type":"ContactDelete","locationId":"ve9EPM428h8vShlRW1KT","id":"nmFmQEsNgz6AVpgLVUJ0"}`)
		h := http.Header{}
		h.Set("X-WH-Signature", signRSA(t, whRSAKey(), plain))
		_, err := newTestVerifier(t, ghl.WithWebhookClock(after)).Verify(context.Background(), h, plain)
		requireWebhookErr(t, err, ghl.ErrWebhookSignature)
		ev, err := newTestVerifier(t, ghl.WithWebhookClock(after), ghl.WithLegacyRSA()).Verify(context.Background(), h, plain)
		require.NoError(t, err, "WithLegacyRSA keeps accepting it")
		assert.Equal(t, ghl.WebhookContactDelete, ev.Type)
	})
	t.Run("accepted alone by default before the sunset", func(t *testing.T) {
		h := http.Header{}
		h.Set("X-WH-Signature", legacy)
		ev, err := newTestVerifier(t).Verify(context.Background(), h, body)
		require.NoError(t, err)
		assert.Equal(t, "abc123xyz", ev.WebhookID)
	})
	t.Run("accepted when X-GHL-Signature is N/A", func(t *testing.T) {
		h := http.Header{}
		h.Set("X-GHL-Signature", "N/A")
		h.Set("X-WH-Signature", legacy)
		_, err := newTestVerifier(t).Verify(context.Background(), h, body)
		require.NoError(t, err)
	})
	t.Run("refused with WithoutLegacyRSA", func(t *testing.T) {
		h := http.Header{}
		h.Set("X-WH-Signature", legacy)
		_, err := newTestVerifier(t, ghl.WithoutLegacyRSA()).Verify(context.Background(), h, body)
		requireWebhookErr(t, err, ghl.ErrWebhookSignature)
	})
	t.Run("current wins when both are valid", func(t *testing.T) {
		h := edHeader(body)
		h.Set("X-WH-Signature", legacy)
		_, err := newTestVerifier(t, ghl.WithoutLegacyRSA()).Verify(context.Background(), h, body)
		require.NoError(t, err)
	})
	t.Run("HighLevel's legacy key refuses the test key", func(t *testing.T) {
		v, err := ghl.NewWebhookVerifier(ghl.WithWebhookClock(whClock))
		require.NoError(t, err)
		h := http.Header{}
		h.Set("X-WH-Signature", legacy)
		_, err = v.Verify(context.Background(), h, body)
		requireWebhookErr(t, err, ghl.ErrWebhookSignature)
	})
}

func TestWebhookOptionsCheckInput(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	for name, opt := range map[string]ghl.WebhookOption{
		"short Ed25519 key": ghl.WithWebhookPublicKey(ed25519.PublicKey{1, 2, 3}),
		"nil Ed25519 key":   ghl.WithWebhookPublicKey(nil),
		"nil RSA key":       ghl.WithWebhookRSAKey(nil),
		"1024-bit RSA key":  ghl.WithWebhookRSAKey(&small.PublicKey),
		"zero tolerance":    ghl.WithWebhookTolerance(0),
		"nil clock":         ghl.WithWebhookClock(nil),
		"zero body limit":   ghl.WithWebhookMaxBody(0),
		"nil logger":        ghl.WithWebhookLogger(nil),
	} {
		_, err := ghl.NewWebhookVerifier(opt)
		assert.Error(t, err, name)
	}
}

func bodyAt(ts string, id string) []byte {
	b := `{"type":"NoteCreate","locationId":"loc","id":"n1","body":"hi","contactId":"c1"`
	if ts != "" {
		b += `,"timestamp":` + ts
	}
	if id != "" {
		b += `,"webhookId":"` + id + `"`
	}
	return []byte(b + "}")
}

func TestWebhookTimestampWindow(t *testing.T) {
	iso := func(d time.Duration) string { return `"` + whNow.Add(d).Format(time.RFC3339) + `"` }
	cases := []struct {
		name string
		ts   string
		opts []ghl.WebhookOption
		want error // nil: accepted
	}{
		{"now", iso(0), nil, nil},
		{"4m59s old", iso(-4*time.Minute - 59*time.Second), nil, nil},
		{"4m59s ahead", iso(4*time.Minute + 59*time.Second), nil, nil},
		{"exactly 5m old", iso(-5 * time.Minute), nil, nil},
		{"5m01s old", iso(-5*time.Minute - time.Second), nil, ghl.ErrWebhookTimestamp},
		{"5m01s ahead", iso(5*time.Minute + time.Second), nil, ghl.ErrWebhookTimestamp},
		{"a day old", iso(-24 * time.Hour), nil, ghl.ErrWebhookTimestamp},
		{"a day old, wide tolerance", iso(-24 * time.Hour), []ghl.WebhookOption{ghl.WithWebhookTolerance(25 * time.Hour)}, nil},
		{"epoch ms inside", `1738074900000`, nil, nil},
		{"epoch ms old", `1738000000000`, nil, ghl.ErrWebhookTimestamp},
		{"missing, default", "", nil, nil},
		{"null, default", "null", nil, nil},
		{"missing, required", "", []ghl.WebhookOption{ghl.WithWebhookRequireTimestamp()}, ghl.ErrWebhookTimestamp},
		{"unreadable", `"yesterday"`, nil, ghl.ErrWebhookTimestamp},
		{"wrong type", `true`, nil, ghl.ErrWebhookTimestamp},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			body := bodyAt(tc.ts, "id-1")
			ev, err := newTestVerifier(t, tc.opts...).Verify(context.Background(), edHeader(body), body)
			if tc.want == nil {
				require.NoError(t, err)
				assert.Equal(t, "n1", mustNote(t, ev).ID)
				return
			}
			we := requireWebhookErr(t, err, tc.want)
			assert.NotErrorIs(t, err, ghl.ErrWebhookSignature)
			assert.Equal(t, "id-1", we.WebhookID)
		})
	}
}

func mustNote(t *testing.T, ev *ghl.WebhookEvent) *ghl.NoteEvent {
	t.Helper()
	n, err := ev.Note()
	require.NoError(t, err)
	return n
}

func TestWebhookDedupe(t *testing.T) {
	v := newTestVerifier(t)
	ctx := context.Background()
	body := bodyAt("", "wh-1")
	_, err := v.Verify(ctx, edHeader(body), body)
	require.NoError(t, err)

	_, err = v.Verify(ctx, edHeader(body), body)
	we := requireWebhookErr(t, err, ghl.ErrWebhookDuplicate)
	assert.Equal(t, "wh-1", we.WebhookID)

	// Another ID passes; a forgotten one passes again, once.
	other := bodyAt("", "wh-2")
	_, err = v.Verify(ctx, edHeader(other), other)
	require.NoError(t, err)
	require.NoError(t, v.Forget(ctx, "wh-1"))
	_, err = v.Verify(ctx, edHeader(body), body)
	require.NoError(t, err)
	_, err = v.Verify(ctx, edHeader(body), body)
	require.ErrorIs(t, err, ghl.ErrWebhookDuplicate)

	// A duplicate whose signature fails is a signature error, not a duplicate.
	h := http.Header{}
	h.Set("X-GHL-Signature", "N/A")
	_, err = v.Verify(ctx, h, body)
	requireWebhookErr(t, err, ghl.ErrWebhookSignature)

	// Without a webhookId there is nothing to dedupe on, unless required.
	noID := bodyAt("", "")
	for range 2 {
		_, err = v.Verify(ctx, edHeader(noID), noID)
		require.NoError(t, err)
	}
	_, err = newTestVerifier(t, ghl.WithWebhookRequireID()).Verify(ctx, edHeader(noID), noID)
	requireWebhookErr(t, err, ghl.ErrWebhookPayload)

	// nil turns deduplication off.
	off := newTestVerifier(t, ghl.WithWebhookDeduper(nil))
	for range 2 {
		_, err = off.Verify(ctx, edHeader(body), body)
		require.NoError(t, err)
	}
}

func TestWebhookDedupeConcurrentDeliveries(t *testing.T) {
	v := newTestVerifier(t)
	body := bodyAt("", "wh-race")
	var ok, dup atomic.Int32
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			_, err := v.Verify(context.Background(), edHeader(body), body)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, ghl.ErrWebhookDuplicate):
				dup.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), ok.Load())
	assert.Equal(t, int32(15), dup.Load())
}

type failingDeduper struct{}

func (failingDeduper) Seen(context.Context, string) (bool, error) {
	return false, errors.New("redis down")
}
func (failingDeduper) Forget(context.Context, string) error { return nil }

func TestWebhookDeduperErrorFailsClosed(t *testing.T) {
	v := newTestVerifier(t, ghl.WithWebhookDeduper(failingDeduper{}))
	body := bodyAt("", "wh-1")
	ev, err := v.Verify(context.Background(), edHeader(body), body)
	assert.Nil(t, ev)
	require.ErrorContains(t, err, "redis down")

	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/hook", bytes.NewReader(body))
	req.Header = edHeader(body)
	called := false
	v.Handler(func(context.Context, *ghl.WebhookEvent) error { called = true; return nil }).ServeHTTP(rec, req)
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.False(t, called)
}

func TestMemoryWebhookDeduper(t *testing.T) {
	clk := ghltest.NewManualClock(whNow)
	d := ghl.NewMemoryWebhookDeduper(3, 10*time.Minute, clk.Now)
	ctx := context.Background()
	seen := func(id string) bool {
		s, err := d.Seen(ctx, id)
		require.NoError(t, err)
		return s
	}
	assert.False(t, seen("a"))
	assert.True(t, seen("a"))
	clk.Advance(9 * time.Minute)
	assert.True(t, seen("a"), "still within the TTL")
	assert.False(t, seen("b"))
	clk.Advance(time.Minute)
	assert.False(t, seen("a"), "TTL counts from the first sighting")
	assert.Equal(t, 2, d.Len(), "the expired a was dropped and re-added")

	// Bounded: the oldest ID goes first.
	assert.False(t, seen("c"))
	assert.False(t, seen("d"))
	assert.Equal(t, 3, d.Len())
	assert.False(t, seen("b"), "b was evicted")

	require.NoError(t, d.Forget(ctx, "d"))
	require.NoError(t, d.Forget(ctx, "never-seen"))
	assert.False(t, seen("d"))
}

func TestWebhookEventDecoders(t *testing.T) {
	ev := func(body string) *ghl.WebhookEvent {
		b := []byte(body)
		e, err := newTestVerifier(t).Verify(context.Background(), edHeader(b), b)
		require.NoError(t, err)
		return e
	}

	n := mustNote(t, ev(`{"type":"NoteCreate","locationId":"ve9EPM428h8vShlRW1KT","id":"otg8dTQqGLh3Q6iQI55w","body":"Loram ipsum","contactId":"CWBf1PR9LvvBkcYqiXlc","dateAdded":"2021-11-26T12:41:02.193Z"}`))
	assert.Equal(t, "NoteCreate", n.Type)
	assert.Equal(t, "ve9EPM428h8vShlRW1KT", n.LocationID)
	assert.Equal(t, "otg8dTQqGLh3Q6iQI55w", n.ID)
	assert.Equal(t, "Loram ipsum", n.Body)
	assert.Equal(t, "CWBf1PR9LvvBkcYqiXlc", n.ContactID)
	assert.Equal(t, time.Date(2021, 11, 26, 12, 41, 2, 193e6, time.UTC), n.DateAdded.UTC())

	task, err := ev(`{"type":"TaskComplete","locationId":"L","id":"UlRWGLSXh0ji5qbiGu4i","assignedTo":"63e4qiWDsFJjOYAC8phG","body":"b","contactId":"C","title":"Call","completed":true,"dateAdded":"2021-11-26T12:41:02.193Z","dueDate":"2021-11-27T12:41:02.193Z"}`).Task()
	require.NoError(t, err)
	assert.Equal(t, "TaskComplete", task.Type)
	assert.Equal(t, "UlRWGLSXh0ji5qbiGu4i", task.ID)
	assert.Equal(t, "Call", task.Title)
	assert.True(t, task.Completed)
	assert.Equal(t, "C", task.ContactID)
	assert.False(t, task.DueDate.IsZero())
	assert.False(t, task.DateAdded.IsZero())

	appt, err := ev(`{"type":"AppointmentUpdate","locationId":"0007BWpSzSwfiuSl0tR2","appointment":{"id":"A1","address":"https://example.com/meeting","title":"Demo","calendarId":"cal","contactId":"C","appointmentStatus":"confirmed","users":["u1"],"source":"booking_widget","startTime":"2023-09-25T16:00:00+05:30","endTime":"2023-09-25T16:30:00+05:30"}}`).Appointment()
	require.NoError(t, err)
	assert.Equal(t, "AppointmentUpdate", appt.Type)
	assert.Equal(t, "A1", appt.Appointment.ID)
	assert.Equal(t, "confirmed", appt.Appointment.AppointmentStatus)
	assert.Equal(t, "0007BWpSzSwfiuSl0tR2", appt.Appointment.LocationID, "filled from the event")
	assert.Equal(t, []string{"u1"}, appt.Appointment.Users)
	assert.Equal(t, time.Date(2023, 9, 25, 10, 30, 0, 0, time.UTC), appt.Appointment.StartTime.UTC())

	inst, err := ev(`{"type":"INSTALL","appId":"app1","versionId":"v1","installType":"Location","locationId":"L","companyId":"Co","userId":"U","planId":"P","trial":{"onTrial":true,"trialDuration":7,"trialStartDate":"2025-01-28T14:35:00Z"},"isWhitelabelCompany":true,"whitelabelDetails":{"domain":"x.example","logoUrl":"https://x.example/l.png"},"companyName":"Acme","timestamp":"2025-01-28T14:35:00Z","webhookId":"w1"}`).AppInstall()
	require.NoError(t, err)
	assert.Equal(t, ghl.WebhookInstall, inst.Type)
	assert.Equal(t, "app1", inst.AppID)
	assert.Equal(t, "L", inst.LocationID)
	assert.Equal(t, "Co", inst.CompanyID)
	assert.Equal(t, "U", inst.UserID)
	assert.Equal(t, "P", inst.PlanID)
	require.NotNil(t, inst.Trial)
	assert.True(t, inst.Trial.OnTrial)
	assert.Equal(t, "7", inst.Trial.TrialDuration.String())
	require.NotNil(t, inst.WhitelabelDetails)
	assert.Equal(t, "x.example", inst.WhitelabelDetails.Domain)
	assert.Equal(t, "w1", inst.WebhookID)

	un, err := ev(`{"type":"UNINSTALL","appId":"app1","companyId":"Co"}`).AppInstall()
	require.NoError(t, err)
	assert.Equal(t, ghl.WebhookUninstall, un.Type)
	assert.Equal(t, "Co", un.CompanyID)

	// A decoder refuses another event type.
	_, err = ev(`{"type":"NoteCreate","id":"n"}`).Contact()
	assert.ErrorContains(t, err, `"NoteCreate" is not a contact event`)
	_, err = ev(`{"type":"OpportunityCreate","id":"o"}`).Task()
	assert.Error(t, err)

	// Decode reads any event type.
	var opp struct {
		ID             string `json:"id"`
		MonetaryValue  int    `json:"monetaryValue"`
		PipelineStageI string `json:"pipelineStageId"`
	}
	require.NoError(t, ev(`{"type":"OpportunityCreate","id":"o","monetaryValue":100,"pipelineStageId":"s"}`).Decode(&opp))
	assert.Equal(t, 100, opp.MonetaryValue)
}

func TestWebhookDecodesDataWrapper(t *testing.T) {
	// The guide's curl example wraps the fields in "data" (UNVERIFIED).
	body := []byte(`{"type":"ContactUpdate","timestamp":"2025-01-28T14:35:00Z","webhookId":"w-data","data":{"locationId":"L","id":"C","email":"a@b.c","tags":["x"]}}`)
	ev, err := newTestVerifier(t).Verify(context.Background(), edHeader(body), body)
	require.NoError(t, err)
	assert.Equal(t, "L", ev.LocationID, "taken from data")
	assert.Equal(t, "w-data", ev.WebhookID)
	c, err := ev.Contact()
	require.NoError(t, err)
	assert.Equal(t, "ContactUpdate", c.Type)
	assert.Equal(t, "C", c.ID)
	assert.Equal(t, "L", c.LocationID)
	assert.Equal(t, "a@b.c", c.Email)
	assert.Equal(t, []string{"x"}, c.Tags)

	// Envelope fields inside data only.
	body = []byte(`{"data":{"type":"NoteDelete","locationId":"L","webhookId":"w2","timestamp":"2025-01-28T14:35:00Z","id":"N"}}`)
	ev, err = newTestVerifier(t).Verify(context.Background(), edHeader(body), body)
	require.NoError(t, err)
	assert.Equal(t, "NoteDelete", ev.Type)
	assert.Equal(t, "w2", ev.WebhookID)
	assert.False(t, ev.Timestamp.IsZero())
	assert.Equal(t, "N", mustNote(t, ev).ID)
}

func TestWebhookSignedButMalformed(t *testing.T) {
	for _, b := range []string{``, `null`, `[1]`, `"s"`, `{"type":`, `{"type":5}`, "\u00a0{}", "{} {}"} {
		body := []byte(b)
		_, err := newTestVerifier(t).Verify(context.Background(), edHeader(body), body)
		requireWebhookErr(t, err, ghl.ErrWebhookPayload)
	}
}

func TestWebhookContactCreateDocExample(t *testing.T) {
	body, err := os.ReadFile("testdata/webhooks/ContactCreate.json")
	require.NoError(t, err)
	ev, err := newTestVerifier(t).Verify(context.Background(), edHeader(body), body)
	require.NoError(t, err)
	assert.Equal(t, ghl.WebhookContactCreate, ev.Type)
	assert.Equal(t, "ve9EPM428h8vShlRW1KT", ev.LocationID)
	assert.Empty(t, ev.WebhookID)
	assert.True(t, ev.Timestamp.IsZero())

	c, err := ev.Contact()
	require.NoError(t, err)
	assert.Equal(t, "ContactCreate", c.Type)
	assert.Empty(t, c.Contact.Type, "type names the event, not the contact type")
	assert.Equal(t, "nmFmQEsNgz6AVpgLVUJ0", c.ID)
	assert.Equal(t, "ve9EPM428h8vShlRW1KT", c.LocationID)
	assert.Equal(t, "3535 1st St N", c.Address1)
	assert.Equal(t, "ruDolomitebika", c.City)
	assert.Equal(t, "AL", c.State)
	assert.Equal(t, "Loram ipsum", c.CompanyName)
	assert.Equal(t, "DE", c.Country)
	assert.Equal(t, "xyz form", c.Source)
	assert.Equal(t, time.Date(2021, 11, 26, 12, 41, 2, 193e6, time.UTC), c.DateAdded.UTC())
	assert.Equal(t, time.Date(2000, 1, 5, 0, 0, 0, 0, time.UTC), c.DateOfBirth.UTC())
	assert.True(t, c.DND)
	assert.Equal(t, "JohnDeo@gmail.comm", c.Email)
	assert.Equal(t, "John Deo", c.Name)
	assert.Equal(t, "John", c.FirstName)
	assert.Equal(t, "Deo", c.LastName)
	assert.Equal(t, "+919509597501", c.Phone)
	assert.Equal(t, "452001", c.PostalCode)
	assert.Equal(t, []string{"id magna sed Lorem", "Duis dolor commodo aliqua"}, c.Tags)
	assert.Equal(t, "https://www.google.com/", c.Website)
	assert.JSONEq(t, `[]`, string(c.Attachments))
	assert.Equal(t, "nmFmQEsNgz6AVpgLVUJ0", c.AssignedTo)
	require.Len(t, c.CustomFields, 1)
	assert.Equal(t, "BcdmQEsNgz6AVpgLVUJ0", c.CustomFields[0].ID)
	assert.JSONEq(t, `"XYZ Corp"`, string(c.CustomFields[0].Value))
}

// webhookApp is a receiving app: the verifier's Handler behind an
// httptest.Server, recording the events its callback sees.
type webhookApp struct {
	*httptest.Server
	mu     sync.Mutex
	events []*ghl.WebhookEvent
	fail   atomic.Int32 // the callback fails this many more times
}

func newWebhookApp(t *testing.T, v *ghl.WebhookVerifier) *webhookApp {
	t.Helper()
	a := &webhookApp{}
	a.Server = httptest.NewServer(v.Handler(func(ctx context.Context, ev *ghl.WebhookEvent) error {
		if a.fail.Add(-1) >= 0 {
			return errors.New("database unavailable")
		}
		a.fail.Store(0)
		a.mu.Lock()
		a.events = append(a.events, ev)
		a.mu.Unlock()
		return nil
	}))
	t.Cleanup(a.Close)
	return a
}

func (a *webhookApp) received() []*ghl.WebhookEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]*ghl.WebhookEvent(nil), a.events...)
}

func post(t *testing.T, url string, header http.Header, body []byte) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	require.NoError(t, err)
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	require.NoError(t, resp.Body.Close())
	return resp.StatusCode
}

func TestWebhookHandlerWithEmulator(t *testing.T) {
	clk := ghltest.NewManualClock(whNow)
	srv := ghltest.NewServer(ghltest.WithClock(clk.Now))
	defer srv.Close()
	v, err := ghl.NewWebhookVerifier(ghl.WithWebhookPublicKey(srv.WebhookPublicKey()), ghl.WithWebhookClock(clk.Now))
	require.NoError(t, err)
	app := newWebhookApp(t, v)
	ctx := context.Background()

	// SendWebhook stamps timestamp and webhookId, signs, and posts.
	contact, err := os.ReadFile("testdata/webhooks/ContactCreate.json")
	require.NoError(t, err)
	resp, err := srv.SendWebhook(ctx, app.URL, json.RawMessage(contact))
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	got := app.received()
	require.Len(t, got, 1)
	assert.NotEmpty(t, got[0].WebhookID)
	assert.True(t, got[0].Timestamp.Equal(whNow))
	c, err := got[0].Contact()
	require.NoError(t, err)
	assert.Equal(t, "JohnDeo@gmail.comm", c.Email)

	// A redelivery of the same bytes is acknowledged without a second call.
	body, err := srv.WebhookBody(map[string]any{"type": "TaskCreate", "locationId": "L", "id": "T1", "title": "Call"})
	require.NoError(t, err)
	for range 2 {
		resp, err := srv.PostWebhook(ctx, app.URL, body)
		require.NoError(t, err)
		require.NoError(t, resp.Body.Close())
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	}
	require.Len(t, app.received(), 2)

	// A callback failure answers 500 and forgets the ID, so HighLevel's
	// retry is processed once.
	app.fail.Store(1)
	body, err = srv.WebhookBody(map[string]any{"type": "NoteCreate", "locationId": "L", "id": "N1"})
	require.NoError(t, err)
	hdr := http.Header{"X-Ghl-Signature": {srv.SignWebhook(body)}}
	assert.Equal(t, http.StatusInternalServerError, post(t, app.URL, hdr, body))
	require.Len(t, app.received(), 2)
	assert.Equal(t, http.StatusOK, post(t, app.URL, hdr, body))
	assert.Equal(t, http.StatusOK, post(t, app.URL, hdr, body))
	require.Len(t, app.received(), 3)
	assert.Equal(t, "N1", mustNote(t, app.received()[2]).ID)

	// Ten minutes later the same signed bytes are a stale replay.
	clk.Advance(10 * time.Minute)
	stale, err := srv.WebhookBody(map[string]any{"type": "NoteCreate", "timestamp": whNow.Format(time.RFC3339), "id": "N2"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, post(t, app.URL, http.Header{"X-Ghl-Signature": {srv.SignWebhook(stale)}}, stale))

	// Unsigned, tampered and other-key requests are refused; the callback
	// never ran for them.
	fresh, err := srv.WebhookBody(map[string]any{"type": "NoteCreate", "id": "N3"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, post(t, app.URL, nil, fresh))
	assert.Equal(t, http.StatusUnauthorized, post(t, app.URL, http.Header{"X-Ghl-Signature": {"N/A"}}, fresh))
	assert.Equal(t, http.StatusUnauthorized, post(t, app.URL, http.Header{"X-Ghl-Signature": {srv.SignWebhook(fresh)}}, append(bytes.Clone(fresh), ' ')))
	assert.Equal(t, http.StatusUnauthorized, post(t, app.URL, edHeader(fresh), fresh))
	require.Len(t, app.received(), 3)
}

func TestWebhookHandlerStatuses(t *testing.T) {
	v := newTestVerifier(t, ghl.WithWebhookMaxBody(64))
	var calls atomic.Int32
	var failNext atomic.Bool
	h := v.Handler(func(ctx context.Context, ev *ghl.WebhookEvent) error {
		calls.Add(1)
		if failNext.Swap(false) {
			return errors.New("boom")
		}
		return nil
	})
	serve := func(method string, header http.Header, body []byte) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, "/hook", bytes.NewReader(body))
		for k, v := range header {
			req.Header[k] = v
		}
		h.ServeHTTP(rec, req)
		return rec
	}
	small := []byte(`{"type":"NoteCreate","id":"n","webhookId":"w1"}`)
	require.LessOrEqual(t, len(small), 64)

	assert.Equal(t, http.StatusOK, serve("POST", edHeader(small), small).Code)
	assert.Equal(t, http.StatusOK, serve("POST", edHeader(small), small).Code, "duplicate")
	assert.Equal(t, int32(1), calls.Load())

	big := []byte(`{"type":"NoteCreate","id":"n","webhookId":"w2","body":"` + strings.Repeat("x", 64) + `"}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, serve("POST", edHeader(big), big).Code)

	rec := serve("GET", nil, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	assert.Equal(t, "POST", rec.Header().Get("Allow"))

	assert.Equal(t, http.StatusUnauthorized, serve("POST", nil, small).Code)
	notJSON := []byte(`hello`)
	assert.Equal(t, http.StatusBadRequest, serve("POST", edHeader(notJSON), notJSON).Code)

	failNext.Store(true)
	other := []byte(`{"type":"NoteCreate","id":"n","webhookId":"w3"}`)
	assert.Equal(t, http.StatusInternalServerError, serve("POST", edHeader(other), other).Code)
	assert.Equal(t, http.StatusOK, serve("POST", edHeader(other), other).Code, "the retry is processed")
	assert.Equal(t, int32(3), calls.Load())
}

func TestWebhookHandlerForgetsOnPanic(t *testing.T) {
	v := newTestVerifier(t)
	body := []byte(`{"type":"NoteCreate","id":"n","webhookId":"w-panic"}`)
	panicky := v.Handler(func(context.Context, *ghl.WebhookEvent) error { panic("bug") })
	req := httptest.NewRequest("POST", "/hook", bytes.NewReader(body))
	req.Header = edHeader(body)
	assert.PanicsWithValue(t, "bug", func() { panicky.ServeHTTP(httptest.NewRecorder(), req) })

	// The ID was forgotten: a retry reaches the (fixed) callback.
	_, err := v.Verify(context.Background(), edHeader(body), body)
	require.NoError(t, err)
}
