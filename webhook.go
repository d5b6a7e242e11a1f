package ghl

import (
	"bytes"
	"container/list"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Webhook signature headers. HighLevel sends both during the transition
// period; [WebhookVerifier] checks X-GHL-Signature when present and falls back
// to X-WH-Signature only when it is absent.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
const (
	// WebhookSignatureHeader carries the current signature: base64 Ed25519
	// over the raw request body.
	WebhookSignatureHeader = "X-GHL-Signature"
	// WebhookLegacySignatureHeader carries the legacy signature: base64
	// RSASSA-PKCS1-v1_5 with SHA-256 over the raw request body. HighLevel
	// deprecates it on September 1, 2026 (see [WebhookLegacySunset]).
	WebhookLegacySignatureHeader = "X-WH-Signature"
)

// WebhookLegacySunset is the date HighLevel announced for dropping the legacy
// X-WH-Signature header (September 1, 2026, UTC): after it, webhooks are
// signed only with X-GHL-Signature, and a verifier by default no longer
// accepts an RSA signature alone (see [WithLegacyRSA]).
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
var WebhookLegacySunset = time.Date(2026, time.September, 1, 0, 0, 0, 0, time.UTC)

// Defaults of [NewWebhookVerifier].
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
const (
	// DefaultWebhookTolerance is how far a payload's "timestamp" may be from
	// the verifier's clock, in either direction (HighLevel suggests 5 minutes).
	DefaultWebhookTolerance = 5 * time.Minute
	// DefaultWebhookMaxBody is the largest body [WebhookVerifier.Handler]
	// reads (1 MiB); a larger one is answered 413.
	DefaultWebhookMaxBody = 1 << 20
	// DefaultWebhookDedupeEntries bounds the default in-memory deduper.
	DefaultWebhookDedupeEntries = 100_000
	// DefaultWebhookDedupeTTL is how long the default deduper remembers a
	// webhookId (at least twice the tolerance). A day covers HighLevel's
	// retries (up to 12, with exponential backoff) of a delivery whose
	// answer was lost.
	DefaultWebhookDedupeTTL = 24 * time.Hour
)

// HighLevelWebhookPublicKeyPEM is HighLevel's published Ed25519 public key
// for X-GHL-Signature, verbatim from the Webhook Integration Guide. It is the
// default key of [NewWebhookVerifier]; replace it with [WithWebhookPublicKey]
// when HighLevel rotates it.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
const HighLevelWebhookPublicKeyPEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=
-----END PUBLIC KEY-----
`

// HighLevelWebhookLegacyKeyPEM is HighLevel's published RSA-4096 public key
// for the legacy X-WH-Signature header, verbatim from the Webhook
// Integration Guide (and docs/oauth/WebhookAuthentication.md). Replace it
// with [WithWebhookRSAKey].
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
const HighLevelWebhookLegacyKeyPEM = `-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----
`

// Sentinel errors of webhook verification, matched with [errors.Is] against
// a [*WebhookError].
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
var (
	// ErrWebhookSignature matches a request whose signature is missing
	// (absent or "N/A"), malformed, or does not verify with the key: the
	// request is not from HighLevel, or its body was changed. Answer 401.
	ErrWebhookSignature = errors.New("ghl: webhook signature not verified")
	// ErrWebhookTimestamp matches a signed payload whose "timestamp" is
	// outside the accepted window (a replay, or a badly skewed clock), is
	// unreadable, or is missing when [WithWebhookRequireTimestamp] is set.
	ErrWebhookTimestamp = errors.New("ghl: webhook timestamp not accepted")
	// ErrWebhookDuplicate matches a signed payload whose webhookId was seen
	// before: a redelivery (HighLevel delivers at least once) or a replay.
	// Answer 2xx without processing it again.
	ErrWebhookDuplicate = errors.New("ghl: duplicate webhook delivery")
	// ErrWebhookPayload matches a signed body that is not a JSON object, or
	// lacks a webhookId when [WithWebhookRequireID] is set.
	ErrWebhookPayload = errors.New("ghl: malformed webhook payload")
)

// WebhookError reports a webhook request that [WebhookVerifier.Verify]
// refused. errors.Is matches it against its Kind: [ErrWebhookSignature],
// [ErrWebhookTimestamp], [ErrWebhookDuplicate] or [ErrWebhookPayload]. Its
// message never contains the body, the signature or a key.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type WebhookError struct {
	// Kind is the sentinel this error matches.
	Kind error
	// Reason says what was wrong, such as "missing signature" or
	// "timestamp 7m0s in the past".
	Reason string
	// WebhookID is the payload's webhookId, when the signature verified and
	// the payload carried one.
	WebhookID string
	// Err is an underlying error (such as a JSON error), or nil.
	Err error
}

// Error describes the failure.
func (e *WebhookError) Error() string {
	s := e.Kind.Error() + ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is matches the sentinel in Kind.
func (e *WebhookError) Is(target error) bool { return target != nil && target == e.Kind }

// Unwrap returns the underlying error, if any.
func (e *WebhookError) Unwrap() error { return e.Err }

func webhookErr(kind error, reason string) *WebhookError {
	return &WebhookError{Kind: kind, Reason: reason}
}

// WebhookDeduper remembers the webhookIds already accepted, so that a
// redelivery or a replay is not processed twice. Implementations must be
// safe for concurrent use; back one with a shared store (Redis SET NX with a
// TTL, a unique database key) when several processes receive webhooks.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type WebhookDeduper interface {
	// Seen marks id as seen and reports whether it had already been seen
	// (and not forgotten). It must be atomic: of two concurrent calls with
	// the same id, exactly one reports false.
	Seen(ctx context.Context, id string) (bool, error)
	// Forget removes id, so that a redelivery is processed again. The
	// verifier's Handler calls it when the callback fails.
	Forget(ctx context.Context, id string) error
}

// MemoryWebhookDeduper is an in-process [WebhookDeduper] holding at most a
// fixed number of IDs, each for a fixed time from when it was first seen;
// when full, the oldest ID is dropped first. It is safe for concurrent use.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type MemoryWebhookDeduper struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	order *list.List // of *dedupeEntry, oldest first
	index map[string]*list.Element
}

type dedupeEntry struct {
	id   string
	seen time.Time
}

// NewMemoryWebhookDeduper returns a deduper remembering at most maxEntries
// IDs (<= 0 means [DefaultWebhookDedupeEntries]) for ttl each (<= 0 means
// [DefaultWebhookDedupeTTL]), on the clock now (nil means time.Now). Keep
// ttl at least twice the verifier's tolerance, or a replay inside the
// timestamp window could pass.
func NewMemoryWebhookDeduper(maxEntries int, ttl time.Duration, now func() time.Time) *MemoryWebhookDeduper {
	if maxEntries <= 0 {
		maxEntries = DefaultWebhookDedupeEntries
	}
	if ttl <= 0 {
		ttl = DefaultWebhookDedupeTTL
	}
	if now == nil {
		now = time.Now
	}
	return &MemoryWebhookDeduper{max: maxEntries, ttl: ttl, now: now, order: list.New(), index: map[string]*list.Element{}}
}

// Seen marks id as seen and reports whether it was already remembered.
func (d *MemoryWebhookDeduper) Seen(_ context.Context, id string) (bool, error) {
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	d.pruneLocked(now)
	if el, ok := d.index[id]; ok {
		if now.Sub(el.Value.(*dedupeEntry).seen) < d.ttl {
			return true, nil
		}
		d.order.Remove(el)
		delete(d.index, id)
	}
	d.index[id] = d.order.PushBack(&dedupeEntry{id: id, seen: now})
	for d.order.Len() > d.max {
		d.removeLocked(d.order.Front())
	}
	return false, nil
}

// Forget removes id.
func (d *MemoryWebhookDeduper) Forget(_ context.Context, id string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if el, ok := d.index[id]; ok {
		d.removeLocked(el)
	}
	return nil
}

// Len returns how many IDs are remembered (including expired ones not yet
// dropped).
func (d *MemoryWebhookDeduper) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.order.Len()
}

// pruneLocked drops the expired entries at the front (entries are in the
// order they were first seen).
func (d *MemoryWebhookDeduper) pruneLocked(now time.Time) {
	for el := d.order.Front(); el != nil; el = d.order.Front() {
		if now.Sub(el.Value.(*dedupeEntry).seen) < d.ttl {
			return
		}
		d.removeLocked(el)
	}
}

func (d *MemoryWebhookDeduper) removeLocked(el *list.Element) {
	d.order.Remove(el)
	delete(d.index, el.Value.(*dedupeEntry).id)
}

// WebhookOption configures a [WebhookVerifier]. Options check their input;
// [NewWebhookVerifier] returns the first error an option reports.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type WebhookOption func(*webhookConfig) error

type webhookConfig struct {
	ed25519Key       ed25519.PublicKey
	rsaKey           *rsa.PublicKey
	legacy           legacyMode
	tolerance        time.Duration
	requireTimestamp bool
	requireID        bool
	now              func() time.Time
	deduper          WebhookDeduper
	deduperSet       bool
	maxBody          int64
	logger           *slog.Logger
}

// WithWebhookPublicKey replaces HighLevel's embedded Ed25519 key (for a key
// rotation, or an emulator's key such as ghltest's Server.WebhookPublicKey).
// Parse a PEM key with [ParseWebhookPublicKey].
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func WithWebhookPublicKey(key ed25519.PublicKey) WebhookOption {
	return func(c *webhookConfig) error {
		if len(key) != ed25519.PublicKeySize {
			return fmt.Errorf("ghl: WithWebhookPublicKey: key is %d bytes, want %d", len(key), ed25519.PublicKeySize)
		}
		c.ed25519Key = bytes.Clone(key)
		return nil
	}
}

// WithWebhookRSAKey replaces HighLevel's embedded legacy RSA key used for
// X-WH-Signature. The key must have at least 2048 bits. Parse a PEM key with
// [ParseWebhookRSAKey].
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func WithWebhookRSAKey(key *rsa.PublicKey) WebhookOption {
	return func(c *webhookConfig) error {
		if key == nil || key.N == nil {
			return errors.New("ghl: WithWebhookRSAKey: key is nil")
		}
		if key.N.BitLen() < 2048 {
			return fmt.Errorf("ghl: WithWebhookRSAKey: key has %d bits, want at least 2048", key.N.BitLen())
		}
		c.rsaKey = key
		return nil
	}
}

// legacyMode says when an X-WH-Signature alone is accepted.
type legacyMode int

const (
	legacyUntilSunset legacyMode = iota // the default: before WebhookLegacySunset
	legacyNever
	legacyAlways
)

// WithoutLegacyRSA refuses requests signed only with the legacy
// X-WH-Signature header, even before [WebhookLegacySunset]. By default they
// are accepted until that date (by the verifier's clock) and refused after.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func WithoutLegacyRSA() WebhookOption {
	return func(c *webhookConfig) error {
		c.legacy = legacyNever
		return nil
	}
}

// WithLegacyRSA keeps accepting requests signed only with the legacy
// X-WH-Signature header after [WebhookLegacySunset], for an app that still
// receives such deliveries. The signature is still verified with the legacy
// RSA key.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func WithLegacyRSA() WebhookOption {
	return func(c *webhookConfig) error {
		c.legacy = legacyAlways
		return nil
	}
}

// acceptsLegacy reports whether an X-WH-Signature alone is accepted now.
func (c *webhookConfig) acceptsLegacy() bool {
	switch c.legacy {
	case legacyNever:
		return false
	case legacyAlways:
		return true
	}
	return c.now().Before(WebhookLegacySunset)
}

// WithWebhookTolerance sets how far a payload's "timestamp" may be from the
// verifier's clock, in either direction. The default is
// [DefaultWebhookTolerance] (5 minutes). If your endpoint may be down longer
// than the tolerance, HighLevel's later retries of an event carry an old
// timestamp (if HighLevel keeps it across retries) and are refused: widen it
// rather than turning the check off.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func WithWebhookTolerance(d time.Duration) WebhookOption {
	return func(c *webhookConfig) error {
		if d <= 0 {
			return errors.New("ghl: WithWebhookTolerance: tolerance must be positive")
		}
		c.tolerance = d
		return nil
	}
}

// WithWebhookRequireTimestamp refuses payloads without a "timestamp" field
// ([ErrWebhookTimestamp]). By default such payloads are accepted without a
// window check, because the documented payloads of most event types do not
// show one; a replay of such a payload is then caught only by the webhookId
// deduper, for as long as it remembers the ID. Set it once you have seen
// that every event you subscribe to carries a timestamp.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func WithWebhookRequireTimestamp() WebhookOption {
	return func(c *webhookConfig) error {
		c.requireTimestamp = true
		return nil
	}
}

// WithWebhookRequireID refuses payloads without a "webhookId" field
// ([ErrWebhookPayload]). By default they are accepted without deduplication,
// for the same reason as [WithWebhookRequireTimestamp].
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func WithWebhookRequireID() WebhookOption {
	return func(c *webhookConfig) error {
		c.requireID = true
		return nil
	}
}

// WithWebhookClock replaces time.Now for the timestamp window (and the
// default deduper's TTL).
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func WithWebhookClock(now func() time.Time) WebhookOption {
	return func(c *webhookConfig) error {
		if now == nil {
			return errors.New("ghl: WithWebhookClock: clock is nil")
		}
		c.now = now
		return nil
	}
}

// WithWebhookDeduper replaces the default in-memory deduper (a
// [MemoryWebhookDeduper] with [DefaultWebhookDedupeEntries] IDs for
// [DefaultWebhookDedupeTTL], or twice the tolerance if longer). Use a shared
// store when several processes receive webhooks. nil turns deduplication off.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func WithWebhookDeduper(d WebhookDeduper) WebhookOption {
	return func(c *webhookConfig) error {
		c.deduper = d
		c.deduperSet = true
		return nil
	}
}

// WithWebhookMaxBody sets the largest body [WebhookVerifier.Handler] reads;
// a larger one is answered 413. The default is [DefaultWebhookMaxBody]
// (1 MiB).
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func WithWebhookMaxBody(n int64) WebhookOption {
	return func(c *webhookConfig) error {
		if n <= 0 {
			return errors.New("ghl: WithWebhookMaxBody: limit must be positive")
		}
		c.maxBody = n
		return nil
	}
}

// WithWebhookLogger makes [WebhookVerifier.Handler] log each refused or
// failed delivery at debug level (refusals) or error level (callback and
// deduper failures) to l: the reason, event type and webhookId, never the
// body, a signature or a key. By default nothing is logged.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func WithWebhookLogger(l *slog.Logger) WebhookOption {
	return func(c *webhookConfig) error {
		if l == nil {
			return errors.New("ghl: WithWebhookLogger: logger is nil")
		}
		c.logger = l
		return nil
	}
}

// ParseWebhookPublicKey parses a PEM "PUBLIC KEY" block holding an Ed25519
// key, such as [HighLevelWebhookPublicKeyPEM].
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func ParseWebhookPublicKey(pemBytes []byte) (ed25519.PublicKey, error) {
	pub, err := parsePublicKeyPEM(pemBytes)
	if err != nil {
		return nil, err
	}
	k, ok := pub.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("ghl: webhook key is %T, not Ed25519", pub)
	}
	return k, nil
}

// ParseWebhookRSAKey parses a PEM "PUBLIC KEY" block holding an RSA key, such
// as [HighLevelWebhookLegacyKeyPEM].
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func ParseWebhookRSAKey(pemBytes []byte) (*rsa.PublicKey, error) {
	pub, err := parsePublicKeyPEM(pemBytes)
	if err != nil {
		return nil, err
	}
	k, ok := pub.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("ghl: webhook key is %T, not RSA", pub)
	}
	return k, nil
}

func parsePublicKeyPEM(pemBytes []byte) (any, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, errors.New("ghl: webhook key: no PEM PUBLIC KEY block")
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("ghl: webhook key: %w", err)
	}
	return pub, nil
}

// embeddedKeys parses the embedded keys once; a test checks they parse.
var embeddedKeys = sync.OnceValues(func() (ed25519.PublicKey, *rsa.PublicKey) {
	ed, err := ParseWebhookPublicKey([]byte(HighLevelWebhookPublicKeyPEM))
	if err != nil {
		panic(err)
	}
	rk, err := ParseWebhookRSAKey([]byte(HighLevelWebhookLegacyKeyPEM))
	if err != nil {
		panic(err)
	}
	return ed, rk
})

// WebhookVerifier checks that webhook requests come from HighLevel and are
// not replays, and fails closed: a request is accepted only when its
// signature verifies over the exact bytes received.
//
//   - X-GHL-Signature, when present (and not "N/A"), must be a base64 Ed25519
//     signature of the raw body by HighLevel's key; if it fails, the request
//     is refused even if X-WH-Signature is valid (no downgrade).
//   - Otherwise X-WH-Signature must be a base64 RSASSA-PKCS1-v1_5 SHA-256
//     signature of the raw body by the legacy RSA key, accepted only before
//     [WebhookLegacySunset] unless [WithLegacyRSA] or [WithoutLegacyRSA]
//     says otherwise. A request with neither is refused.
//   - The signed body must be a JSON object. Its "timestamp", when present,
//     must be within the tolerance of the clock (default 5 minutes).
//   - Its "webhookId", when present, must not have been seen before (a
//     [WebhookDeduper]; by default in memory, for a day).
//
// Never verify a re-encoded body (json.Marshal of a decoded value): its bytes
// differ from those HighLevel signed. X-GHL-Signature is not an HMAC and
// needs no shared secret: the key is public.
//
// A WebhookVerifier is safe for concurrent use.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
type WebhookVerifier struct {
	cfg webhookConfig
}

// NewWebhookVerifier returns a verifier with HighLevel's published keys and
// the defaults: legacy RSA signatures alone accepted only before
// [WebhookLegacySunset], a 5-minute timestamp window, payloads without a
// timestamp or webhookId accepted, an in-memory deduper of 100,000 IDs for
// a day, and a 1 MiB body limit in Handler.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func NewWebhookVerifier(opts ...WebhookOption) (*WebhookVerifier, error) {
	ed, rk := embeddedKeys()
	cfg := webhookConfig{
		ed25519Key: ed,
		rsaKey:     rk,
		tolerance:  DefaultWebhookTolerance,
		now:        time.Now,
		maxBody:    DefaultWebhookMaxBody,
		logger:     slog.New(slog.DiscardHandler),
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if !cfg.deduperSet {
		cfg.deduper = NewMemoryWebhookDeduper(DefaultWebhookDedupeEntries, max(DefaultWebhookDedupeTTL, 2*cfg.tolerance), cfg.now)
	}
	return &WebhookVerifier{cfg: cfg}, nil
}

// signatureValue returns the header's value, or "" when it is absent, blank
// or "N/A" (which HighLevel's guide treats as absent).
func signatureValue(h http.Header, name string) string {
	v := strings.TrimSpace(h.Get(name))
	if strings.EqualFold(v, "N/A") {
		return ""
	}
	return v
}

// decodeSignature accepts standard base64, padded or not.
func decodeSignature(s string) ([]byte, bool) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, true
	}
	if b, err := base64.RawStdEncoding.DecodeString(s); err == nil {
		return b, true
	}
	return nil, false
}

// VerifySignature checks only the signature headers against body (the raw
// bytes received), with the rules of [WebhookVerifier]; it neither parses
// the body nor checks the timestamp or webhookId. The error is a
// [*WebhookError] matching [ErrWebhookSignature].
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func (v *WebhookVerifier) VerifySignature(header http.Header, body []byte) error {
	if sig := signatureValue(header, WebhookSignatureHeader); sig != "" {
		raw, ok := decodeSignature(sig)
		if !ok {
			return webhookErr(ErrWebhookSignature, WebhookSignatureHeader+" is not base64")
		}
		if len(raw) != ed25519.SignatureSize {
			return webhookErr(ErrWebhookSignature, fmt.Sprintf("%s is %d bytes, want %d", WebhookSignatureHeader, len(raw), ed25519.SignatureSize))
		}
		if !ed25519.Verify(v.cfg.ed25519Key, body, raw) {
			return webhookErr(ErrWebhookSignature, WebhookSignatureHeader+" does not match the body")
		}
		return nil
	}
	sig := signatureValue(header, WebhookLegacySignatureHeader)
	if sig == "" {
		return webhookErr(ErrWebhookSignature, "missing signature")
	}
	if !v.cfg.acceptsLegacy() {
		return webhookErr(ErrWebhookSignature, "only the legacy "+WebhookLegacySignatureHeader+" is present, and it is not accepted")
	}
	raw, ok := decodeSignature(sig)
	if !ok {
		return webhookErr(ErrWebhookSignature, WebhookLegacySignatureHeader+" is not base64")
	}
	sum := sha256.Sum256(body)
	if err := rsa.VerifyPKCS1v15(v.cfg.rsaKey, crypto.SHA256, sum[:], raw); err != nil {
		return webhookErr(ErrWebhookSignature, WebhookLegacySignatureHeader+" does not match the body")
	}
	return nil
}

// Verify checks a webhook request (its headers and raw body bytes, exactly as
// received) and returns the decoded event. It fails closed: any error means
// the request must not be processed. The error is a [*WebhookError]
// matching [ErrWebhookSignature] (answer 401), [ErrWebhookTimestamp]
// (answer 401), [ErrWebhookPayload] (answer 400) or [ErrWebhookDuplicate]
// (answer 200 without processing), or the deduper's error (answer 500).
//
// A successful Verify marks the webhookId as seen: if processing the event
// then fails and you answer non-2xx so that HighLevel retries, call
// [WebhookVerifier.Forget] first, or the retry is refused as a duplicate.
// [WebhookVerifier.Handler] does this for you.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func (v *WebhookVerifier) Verify(ctx context.Context, header http.Header, body []byte) (*WebhookEvent, error) {
	if err := v.VerifySignature(header, body); err != nil {
		return nil, err
	}
	ev, err := parseWebhookEvent(body)
	if err != nil {
		return nil, err
	}
	if err := v.checkTimestamp(ev); err != nil {
		return nil, err
	}
	if ev.WebhookID == "" {
		if v.cfg.requireID {
			return nil, webhookErr(ErrWebhookPayload, "missing webhookId")
		}
		return ev, nil
	}
	if v.cfg.deduper == nil {
		return ev, nil
	}
	seen, err := v.cfg.deduper.Seen(ctx, ev.WebhookID)
	if err != nil {
		return nil, fmt.Errorf("ghl: webhook deduper: %w", err)
	}
	if seen {
		return nil, &WebhookError{Kind: ErrWebhookDuplicate, Reason: "webhookId already seen", WebhookID: ev.WebhookID}
	}
	return ev, nil
}

// Forget makes the verifier's deduper forget id, so that HighLevel's next
// delivery of that event is processed. Call it when processing a verified
// event failed and you answer non-2xx.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func (v *WebhookVerifier) Forget(ctx context.Context, id string) error {
	if v.cfg.deduper == nil || id == "" {
		return nil
	}
	return v.cfg.deduper.Forget(ctx, id)
}

func (v *WebhookVerifier) checkTimestamp(ev *WebhookEvent) error {
	if ev.Timestamp.IsZero() {
		if v.cfg.requireTimestamp {
			return &WebhookError{Kind: ErrWebhookTimestamp, Reason: "missing timestamp", WebhookID: ev.WebhookID}
		}
		return nil
	}
	skew := v.cfg.now().Sub(ev.Timestamp.Time)
	switch {
	case skew > v.cfg.tolerance:
		return &WebhookError{Kind: ErrWebhookTimestamp, Reason: fmt.Sprintf("timestamp %s in the past (tolerance %s)", skew.Round(time.Second), v.cfg.tolerance), WebhookID: ev.WebhookID}
	case -skew > v.cfg.tolerance:
		return &WebhookError{Kind: ErrWebhookTimestamp, Reason: fmt.Sprintf("timestamp %s in the future (tolerance %s)", (-skew).Round(time.Second), v.cfg.tolerance), WebhookID: ev.WebhookID}
	}
	return nil
}

// Handler returns an http.Handler that verifies each POST with
// [WebhookVerifier.Verify] and passes the event to fn, answering:
//
//   - 405 to a method other than POST;
//   - 413 to a body over the limit ([WithWebhookMaxBody], 1 MiB by default);
//   - 401 to a bad or missing signature or a timestamp outside the window;
//   - 400 to a signed body that is not a JSON object;
//   - 200 to a duplicate webhookId, without calling fn;
//   - 500 when fn (or the deduper) fails, after forgetting the webhookId, so
//     that HighLevel retries (it retries non-2xx answers up to 12 times);
//   - 200 otherwise.
//
// fn runs with the request's context. The handler never logs the body, a
// signature or a key.
//
// Docs: https://marketplace.gohighlevel.com/docs/webhook/WebhookIntegrationGuide
func (v *WebhookVerifier) Handler(fn func(ctx context.Context, ev *WebhookEvent) error) http.Handler {
	log := v.cfg.logger
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		ctx := r.Context()
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, v.cfg.maxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				log.DebugContext(ctx, "ghl: webhook refused", "reason", "body too large", "limit", v.cfg.maxBody)
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			log.DebugContext(ctx, "ghl: webhook refused", "reason", "reading body", "err", err)
			http.Error(w, "cannot read body", http.StatusBadRequest)
			return
		}
		ev, err := v.Verify(ctx, r.Header, body)
		if err != nil {
			var we *WebhookError
			switch {
			case errors.Is(err, ErrWebhookDuplicate):
				errors.As(err, &we)
				log.DebugContext(ctx, "ghl: webhook duplicate acknowledged", "webhookId", we.WebhookID)
				w.WriteHeader(http.StatusOK)
			case errors.Is(err, ErrWebhookSignature), errors.Is(err, ErrWebhookTimestamp):
				log.DebugContext(ctx, "ghl: webhook refused", "reason", err.Error())
				http.Error(w, "webhook not verified", http.StatusUnauthorized)
			case errors.Is(err, ErrWebhookPayload):
				log.DebugContext(ctx, "ghl: webhook refused", "reason", err.Error())
				http.Error(w, "malformed webhook payload", http.StatusBadRequest)
			default:
				log.ErrorContext(ctx, "ghl: webhook verification failed", "err", err)
				http.Error(w, "webhook verification failed", http.StatusInternalServerError)
			}
			return
		}
		if err := v.run(ctx, fn, ev); err != nil {
			log.ErrorContext(ctx, "ghl: webhook handler failed", "type", ev.Type, "webhookId", ev.WebhookID, "err", err)
			http.Error(w, "webhook handler failed", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}

// run calls fn and, if it fails or panics, forgets the webhookId so that
// HighLevel's retry is processed.
func (v *WebhookVerifier) run(ctx context.Context, fn func(context.Context, *WebhookEvent) error, ev *WebhookEvent) (err error) {
	done := false
	defer func() {
		if done {
			return
		}
		// fn panicked: forget the ID, then let the panic continue.
		if ferr := v.Forget(context.WithoutCancel(ctx), ev.WebhookID); ferr != nil {
			v.cfg.logger.ErrorContext(ctx, "ghl: webhook deduper forget failed", "webhookId", ev.WebhookID, "err", ferr)
		}
	}()
	err = fn(ctx, ev)
	done = true
	if err != nil {
		if ferr := v.Forget(context.WithoutCancel(ctx), ev.WebhookID); ferr != nil {
			v.cfg.logger.ErrorContext(ctx, "ghl: webhook deduper forget failed", "webhookId", ev.WebhookID, "err", ferr)
		}
	}
	return err
}

// webhookEnvelope is the part of every payload the verifier reads.
type webhookEnvelope struct {
	Type       string          `json:"type"`
	LocationID string          `json:"locationId"`
	CompanyID  string          `json:"companyId"`
	WebhookID  string          `json:"webhookId"`
	Timestamp  json.RawMessage `json:"timestamp"`
	Data       json.RawMessage `json:"data"`
}

// parseWebhookEvent decodes the envelope of a signed body: flat first, then
// fields missing at the top level from a "data" object, if there is one.
func parseWebhookEvent(body []byte) (*WebhookEvent, error) {
	if i := bytes.IndexFunc(body, func(r rune) bool { return !isJSONSpace(r) }); i < 0 || body[i] != '{' {
		return nil, webhookErr(ErrWebhookPayload, "body is not a JSON object")
	}
	var top webhookEnvelope
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, &WebhookError{Kind: ErrWebhookPayload, Reason: "decoding body", Err: err}
	}
	env := top
	if d := bytes.TrimSpace(top.Data); len(d) > 0 && d[0] == '{' {
		var inner webhookEnvelope
		if err := json.Unmarshal(d, &inner); err == nil {
			env.Type = firstNonEmpty(env.Type, inner.Type)
			env.LocationID = firstNonEmpty(env.LocationID, inner.LocationID)
			env.CompanyID = firstNonEmpty(env.CompanyID, inner.CompanyID)
			env.WebhookID = firstNonEmpty(env.WebhookID, inner.WebhookID)
			if isJSONNull(env.Timestamp) {
				env.Timestamp = inner.Timestamp
			}
		}
	}
	ev := &WebhookEvent{
		Type:       env.Type,
		LocationID: env.LocationID,
		CompanyID:  env.CompanyID,
		WebhookID:  env.WebhookID,
		Raw:        json.RawMessage(bytes.Clone(body)),
	}
	if !isJSONNull(env.Timestamp) {
		if err := ev.Timestamp.UnmarshalJSON(env.Timestamp); err != nil {
			return nil, &WebhookError{Kind: ErrWebhookTimestamp, Reason: "unreadable timestamp", WebhookID: ev.WebhookID, Err: err}
		}
	}
	return ev, nil
}

// firstNonEmpty returns a unless it is empty, else b.
func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// isJSONSpace reports whether r is whitespace in JSON's grammar.
func isJSONSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

func isJSONNull(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	return len(raw) == 0 || bytes.Equal(raw, []byte("null"))
}
