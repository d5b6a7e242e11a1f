package ghltest_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/salesnexus/ghl-go/ghltest"
)

func TestWebhookKeyFollowsSeed(t *testing.T) {
	a, b := ghltest.NewHandler(), ghltest.NewHandler()
	c := ghltest.NewHandler(ghltest.WithSeed(2))
	require.Len(t, a.WebhookPublicKey(), ed25519.PublicKeySize)
	assert.Equal(t, a.WebhookPublicKey(), b.WebhookPublicKey(), "same seed, same key")
	assert.NotEqual(t, a.WebhookPublicKey(), c.WebhookPublicKey())

	body := []byte(`{"type":"ContactCreate"}`)
	sig, err := base64.StdEncoding.DecodeString(a.SignWebhook(body))
	require.NoError(t, err)
	assert.True(t, ed25519.Verify(a.WebhookPublicKey(), body, sig))
	assert.False(t, ed25519.Verify(c.WebhookPublicKey(), body, sig))
	assert.False(t, ed25519.Verify(a.WebhookPublicKey(), []byte(`{"type":"ContactCreate" }`), sig))
}

func TestWebhookBody(t *testing.T) {
	clk := ghltest.NewManualClock(time.Date(2025, 1, 28, 14, 35, 0, 0, time.UTC))
	srv := ghltest.NewHandler(ghltest.WithClock(clk.Now))

	b, err := srv.WebhookBody(map[string]any{"type": "NoteCreate", "id": "n1"})
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Equal(t, "2025-01-28T14:35:00Z", m["timestamp"])
	assert.Len(t, m["webhookId"], 20)
	assert.Equal(t, "NoteCreate", m["type"])

	// Each body gets a fresh ID.
	b2, err := srv.WebhookBody(map[string]any{"type": "NoteCreate", "id": "n1"})
	require.NoError(t, err)
	var m2 map[string]any
	require.NoError(t, json.Unmarshal(b2, &m2))
	assert.NotEqual(t, m["webhookId"], m2["webhookId"])

	// Present fields are kept, and the event's bytes are unchanged.
	raw := `{"timestamp":"2020-01-01T00:00:00Z","webhookId":"mine", "type" : "X"}`
	b, err = srv.WebhookBody(json.RawMessage(raw))
	require.NoError(t, err)
	assert.Equal(t, raw, string(b))
	b, err = srv.WebhookBody([]byte(`{"webhookId":"mine","type":"X"}`))
	require.NoError(t, err)
	assert.Equal(t, `{"timestamp":"2025-01-28T14:35:00Z","webhookId":"mine","type":"X"}`, string(b))

	b, err = srv.WebhookBody(struct{}{})
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &m))
	assert.Contains(t, string(b), `"timestamp":"2025-01-28T14:35:00Z","webhookId":"`)

	for _, bad := range []any{[]int{1}, "s", []byte(`not json`), json.RawMessage(`{"a":`), func() {}} {
		_, err := srv.WebhookBody(bad)
		assert.Error(t, err, "%v", bad)
	}
}

func TestSendWebhook(t *testing.T) {
	srv := ghltest.NewServer()
	defer srv.Close()
	type got struct {
		method, ctype, sig string
		body               []byte
	}
	ch := make(chan got, 2)
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ch <- got{r.Method, r.Header.Get("Content-Type"), r.Header.Get("X-GHL-Signature"), b}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer app.Close()

	resp, err := srv.SendWebhook(context.Background(), app.URL, map[string]any{"type": "TaskCreate", "id": "t1"})
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, http.StatusNoContent, resp.StatusCode)
	g := <-ch
	assert.Equal(t, "POST", g.method)
	assert.Equal(t, "application/json", g.ctype)
	sig, err := base64.StdEncoding.DecodeString(g.sig)
	require.NoError(t, err)
	assert.True(t, ed25519.Verify(srv.WebhookPublicKey(), g.body, sig), "signature over the bytes received")
	assert.Contains(t, string(g.body), `"type":"TaskCreate"`)
	assert.Contains(t, string(g.body), `"webhookId":"`)

	// PostWebhook re-sends the same bytes and signature (a redelivery).
	resp, err = srv.PostWebhook(context.Background(), app.URL, g.body)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	g2 := <-ch
	assert.Equal(t, g.body, g2.body)
	assert.Equal(t, g.sig, g2.sig)

	_, err = srv.SendWebhook(context.Background(), app.URL, 42)
	assert.Error(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = srv.PostWebhook(ctx, app.URL, g.body)
	assert.ErrorIs(t, err, context.Canceled)
}
