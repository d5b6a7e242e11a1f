package ghlredis

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"

	ghl "github.com/salesnexus/ghl-go"
)

// WebhookDedupe is a [ghl.WebhookDeduper] in Redis, for webhooks received
// by several replicas: a webhookId is one key set with SET NX EX, so of two
// replicas that get the same delivery at once exactly one processes it,
// and a failed handler's Forget (DEL) lets HighLevel's retry through. Give
// it to [ghl.WithWebhookDeduper].
type WebhookDedupe struct {
	rdb redis.UniversalClient
	opt options
	ttl time.Duration
}

var _ ghl.WebhookDeduper = (*WebhookDedupe)(nil)

// NewWebhookDedupe returns a deduper on rdb remembering each webhookId for
// ttl (<= 0 means [ghl.DefaultWebhookDedupeTTL], a day). Keep ttl at least
// twice the verifier's tolerance. It applies WithPrefix.
func NewWebhookDedupe(rdb redis.UniversalClient, ttl time.Duration, opts ...Option) *WebhookDedupe {
	if ttl <= 0 {
		ttl = ghl.DefaultWebhookDedupeTTL
	}
	return &WebhookDedupe{rdb: rdb, opt: newOptions(opts), ttl: ttl}
}

func (d *WebhookDedupe) key(id string) string { return d.opt.prefix + "webhook:{" + id + "}" }

// Seen marks id as seen for the TTL and reports whether it already was, in
// one SET NX EX. A Redis failure is an [*Error] matching [ErrUnavailable]
// (the verifier's Handler answers 500, and HighLevel delivers again).
func (d *WebhookDedupe) Seen(ctx context.Context, id string) (bool, error) {
	if ctx == nil {
		return false, nilContext("ghlredis.WebhookDedupe.Seen")
	}
	ok, err := d.rdb.SetNX(ctx, d.key(id), "1", d.ttl).Result()
	if err != nil {
		return false, wrap("WebhookDedupe.Seen", id, err)
	}
	return !ok, nil
}

// Forget removes id, so that HighLevel's redelivery is processed.
func (d *WebhookDedupe) Forget(ctx context.Context, id string) error {
	if ctx == nil {
		return nilContext("ghlredis.WebhookDedupe.Forget")
	}
	return wrap("WebhookDedupe.Forget", id, d.rdb.Del(ctx, d.key(id)).Err())
}
