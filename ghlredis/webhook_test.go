package ghlredis_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/salesnexus/ghl-go/ghlredis"
)

func TestWebhookDedupe(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	p := prefix(t)
	a := ghlredis.NewWebhookDedupe(newRedis(t), time.Minute, ghlredis.WithPrefix(p))
	b := ghlredis.NewWebhookDedupe(newRedis(t), time.Minute, ghlredis.WithPrefix(p))
	seen, err := a.Seen(ctx, "wh-1")
	require.NoError(t, err)
	assert.False(t, seen)
	seen, err = b.Seen(ctx, "wh-1")
	require.NoError(t, err)
	assert.True(t, seen, "another replica sees it")
	require.NoError(t, b.Forget(ctx, "wh-1"))
	seen, err = a.Seen(ctx, "wh-1")
	require.NoError(t, err)
	assert.False(t, seen, "forgotten: the redelivery is processed")

	// Of many concurrent Seen of one id, exactly one is first.
	var first atomic.Int32
	var wg sync.WaitGroup
	for i := range 50 {
		d := a
		if i%2 == 0 {
			d = b
		}
		wg.Go(func() {
			seen, err := d.Seen(ctx, "wh-2")
			assert.NoError(t, err)
			if !seen {
				first.Add(1)
			}
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, first.Load())

	// The TTL: the ID is forgotten after it.
	short := ghlredis.NewWebhookDedupe(newRedis(t), time.Second, ghlredis.WithPrefix(p))
	_, err = short.Seen(ctx, "wh-3")
	require.NoError(t, err)
	ttl, err := newRedis(t).TTL(ctx, p+"webhook:{wh-3}").Result()
	require.NoError(t, err)
	assert.Equal(t, time.Second, ttl)

	_, err = ghlredis.NewWebhookDedupe(deadRedis(t), 0).Seen(ctx, "wh-4")
	assert.ErrorIs(t, err, ghlredis.ErrUnavailable)
}
