package ghltest

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// WebhookSignatureHeader is the header carrying the emulator's webhook
// signature, as HighLevel's current one: base64 Ed25519 over the raw body.
const WebhookSignatureHeader = "X-GHL-Signature"

// webhookKey derives the server's Ed25519 key pair from its seed
// ([WithSeed]), so that servers with the same seed sign alike. The key is
// not secret: it exists only to exercise verification code.
func (s *Server) webhookKey() ed25519.PrivateKey {
	var seed [8]byte
	binary.BigEndian.PutUint64(seed[:], uint64(s.cfg.seed))
	sum := sha256.Sum256(append([]byte("ghltest webhook signing key\x00"), seed[:]...))
	return ed25519.NewKeyFromSeed(sum[:])
}

// WebhookPublicKey returns the Ed25519 public key that verifies the
// emulator's webhook signatures (HighLevel signs with its own key, which the
// emulator does not have). It is derived from the seed ([WithSeed]), so it
// is the same for every server with the same seed.
func (s *Server) WebhookPublicKey() ed25519.PublicKey {
	return s.webhookKey().Public().(ed25519.PublicKey)
}

// SignWebhook returns the X-GHL-Signature value for body: the base64
// (standard, padded) Ed25519 signature of exactly these bytes.
func (s *Server) SignWebhook(body []byte) string {
	return base64.StdEncoding.EncodeToString(ed25519.Sign(s.webhookKey(), body))
}

// WebhookBody encodes event (any value that marshals to a JSON object, or
// a []byte / json.RawMessage holding one) as a webhook payload: it adds
// "timestamp" (the server's clock, RFC 3339 in UTC such as
// "2025-01-28T14:35:00Z") and "webhookId" (a fresh 20-character ID) when the
// object lacks them, in front of the event's own fields, which keep their
// order and bytes.
func (s *Server) WebhookBody(event any) ([]byte, error) {
	var raw []byte
	switch e := event.(type) {
	case []byte:
		raw = e
	case json.RawMessage:
		raw = e
	default:
		b, err := json.Marshal(event)
		if err != nil {
			return nil, fmt.Errorf("ghltest: encoding webhook event: %w", err)
		}
		raw = b
	}
	raw = bytes.TrimSpace(raw)
	var fields map[string]json.RawMessage
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &fields) != nil {
		return nil, errors.New("ghltest: webhook event is not a JSON object")
	}
	var head bytes.Buffer
	head.WriteByte('{')
	if _, ok := fields["timestamp"]; !ok {
		head.WriteString(`"timestamp":"` + s.now().UTC().Format(time.RFC3339) + `",`)
	}
	if _, ok := fields["webhookId"]; !ok {
		s.mu.Lock()
		id := newID(s.rng)
		s.mu.Unlock()
		head.WriteString(`"webhookId":"` + id + `",`)
	}
	if head.Len() == 1 {
		return bytes.Clone(raw), nil
	}
	rest := bytes.TrimSpace(raw[1:])
	if len(rest) > 0 && rest[0] == '}' {
		// Empty object: drop the trailing comma.
		head.Truncate(head.Len() - 1)
	}
	head.Write(rest)
	return head.Bytes(), nil
}

// SendWebhook delivers event to url as HighLevel would: a POST of the JSON
// payload built by [Server.WebhookBody], with Content-Type application/json
// and the X-GHL-Signature header of [Server.SignWebhook]. The caller closes
// the response body. To exercise deduplication, build the body once and
// deliver it twice with [Server.PostWebhook].
func (s *Server) SendWebhook(ctx context.Context, url string, event any) (*http.Response, error) {
	body, err := s.WebhookBody(event)
	if err != nil {
		return nil, err
	}
	return s.PostWebhook(ctx, url, body)
}

// PostWebhook signs body as it is and POSTs it to url with X-GHL-Signature,
// as a (re)delivery of HighLevel would. The caller closes the response body.
func (s *Server) PostWebhook(ctx context.Context, url string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("ghltest: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(WebhookSignatureHeader, s.SignWebhook(body))
	return http.DefaultClient.Do(req)
}
