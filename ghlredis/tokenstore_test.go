package ghlredis_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghlredis"
	"github.com/salesnexus/ghl-go/ghltest"
)

func TestTokenStoreRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	p := prefix(t)
	s := ghlredis.NewTokenStore(newRedis(t), ghlredis.WithPrefix(p))
	_, err := s.Load(ctx, "loc1")
	require.ErrorIs(t, err, ghl.ErrNoToken)

	tok := &ghl.StoredToken{AccessToken: "at-secret", RefreshToken: "rt-secret", Expiry: time.Now().Add(time.Hour).Round(0),
		UserType: ghl.UserTypeLocation, LocationID: "loc1", ApprovedLocations: []string{"a"}}
	require.NoError(t, s.Save(ctx, "loc1", tok))
	got, err := s.Load(ctx, "loc1")
	require.NoError(t, err)
	assert.Equal(t, tok.RefreshToken, got.RefreshToken)
	assert.True(t, tok.Expiry.Equal(got.Expiry))
	assert.Equal(t, tok.ApprovedLocations, got.ApprovedLocations)

	// Another replica's store on the same Redis sees it.
	other := ghlredis.NewTokenStore(newRedis(t), ghlredis.WithPrefix(p))
	got, err = other.Load(ctx, "loc1")
	require.NoError(t, err)
	assert.Equal(t, "at-secret", got.AccessToken)

	require.NoError(t, s.Delete(ctx, "loc1"))
	_, err = s.Load(ctx, "loc1")
	require.ErrorIs(t, err, ghl.ErrNoToken)

	for _, v := range []string{fmt.Sprint(s), fmt.Sprintf("%#v", s), fmt.Sprintf("%+v", s)} {
		assert.NotContains(t, v, "secret")
	}
	var nilCtx context.Context
	_, err = s.Load(nilCtx, "loc1")
	assert.ErrorIs(t, err, ghl.ErrInvalidArgument)
}

// WithWait: a save with no replica to wait for fails with
// ErrNotReplicated (the test Redis has none), yet the pair is on the
// primary.
func TestTokenStoreWithWait(t *testing.T) {
	t.Parallel()
	p := prefix(t)
	ctx := t.Context()
	s := ghlredis.NewTokenStore(newRedis(t), ghlredis.WithPrefix(p), ghlredis.WithWait(1, 50*time.Millisecond))
	err := s.Save(ctx, "loc1", &ghl.StoredToken{AccessToken: "a", RefreshToken: "r"})
	require.ErrorIs(t, err, ghlredis.ErrNotReplicated)
	got, err := s.Load(ctx, "loc1")
	require.NoError(t, err)
	assert.Equal(t, "r", got.RefreshToken)
	s0 := ghlredis.NewTokenStore(newRedis(t), ghlredis.WithPrefix(p), ghlredis.WithWait(0, time.Second))
	require.NoError(t, s0.Save(ctx, "loc1", &ghl.StoredToken{AccessToken: "a", RefreshToken: "r2"}))
}

// The lock excludes every other holder (here two stores, as two replicas
// would), blocks until released, honours ctx, and is released only by its
// owner.
func TestTokenStoreLock(t *testing.T) {
	t.Parallel()
	p := prefix(t)
	rdb := newRedis(t)
	a := ghlredis.NewTokenStore(rdb, ghlredis.WithPrefix(p))
	b := ghlredis.NewTokenStore(newRedis(t), ghlredis.WithPrefix(p))
	ctx := t.Context()

	unlockA, err := a.Lock(ctx, "loc1")
	require.NoError(t, err)
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	_, err = b.Lock(short, "loc1")
	cancel()
	require.ErrorIs(t, err, context.DeadlineExceeded, "held by a")
	assert.NotErrorIs(t, err, ghlredis.ErrUnavailable)
	unlockOther, err := b.Lock(ctx, "loc2")
	require.NoError(t, err, "another key is free")
	require.NoError(t, unlockOther())

	got := make(chan error, 1)
	var unlockB func() error
	go func() {
		var err error
		unlockB, err = b.Lock(ctx, "loc1")
		got <- err
	}()
	require.NoError(t, unlockA())
	require.NoError(t, <-got, "b gets the lock once a releases it")
	require.NoError(t, unlockA(), "unlock is idempotent")
	require.NoError(t, unlockB())

	// Mutual exclusion under contention: 20 goroutines over two stores.
	var inside, most atomic.Int32
	var wg sync.WaitGroup
	for i := range 20 {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			unlock, err := s.Lock(ctx, "loc3")
			if !assert.NoError(t, err) {
				return
			}
			n := inside.Add(1)
			if n > most.Load() {
				most.Store(n)
			}
			inside.Add(-1)
			assert.NoError(t, unlock())
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, most.Load())

	// Only the owner releases: once someone else holds the key (a's lease
	// ran out), a's unlock reports ErrLockLost and leaves the lock alone.
	unlockA, err = a.Lock(ctx, "loc4")
	require.NoError(t, err)
	lockKey := p + "{loc4}:lock"
	require.NoError(t, rdb.Set(ctx, lockKey, "someone-else", time.Minute).Err())
	require.ErrorIs(t, unlockA(), ghlredis.ErrLockLost)
	v, err := rdb.Get(ctx, lockKey).Result()
	require.NoError(t, err)
	assert.Equal(t, "someone-else", v)
}

// The lease is renewed while the lock is held: a holder that keeps it
// longer than the lease still owns it.
func TestTokenStoreLockRenewed(t *testing.T) {
	t.Parallel()
	p := prefix(t)
	rdb := newRedis(t)
	s := ghlredis.NewTokenStore(rdb, ghlredis.WithPrefix(p), ghlredis.WithLockLease(time.Second))
	unlock, err := s.Lock(t.Context(), "loc1")
	require.NoError(t, err)
	time.Sleep(2500 * time.Millisecond) // two and a half leases: what is tested
	ttl, err := rdb.PTTL(t.Context(), p+"{loc1}:lock").Result()
	require.NoError(t, err)
	assert.Greater(t, ttl, time.Duration(0), "still held")
	require.NoError(t, unlock())
	n, err := rdb.Exists(t.Context(), p+"{loc1}:lock").Result()
	require.NoError(t, err)
	assert.Zero(t, n)
}

// With Redis unreachable every method fails at once with ErrUnavailable.
func TestTokenStoreRedisDown(t *testing.T) {
	t.Parallel()
	s := ghlredis.NewTokenStore(deadRedis(t))
	ctx := t.Context()
	_, err := s.Load(ctx, "loc1")
	require.ErrorIs(t, err, ghlredis.ErrUnavailable)
	var re *ghlredis.Error
	require.ErrorAs(t, err, &re)
	assert.Equal(t, "TokenStore.Load", re.Op)
	require.ErrorIs(t, s.Save(ctx, "loc1", &ghl.StoredToken{AccessToken: "a"}), ghlredis.ErrUnavailable)
	require.ErrorIs(t, s.Delete(ctx, "loc1"), ghlredis.ErrUnavailable)
	_, err = s.Lock(ctx, "loc1")
	require.ErrorIs(t, err, ghlredis.ErrUnavailable)
}

// splitStore loads and saves through a live Redis and locks through one
// that is down: the OAuth refresh must then fail before it POSTs
// /oauth/token.
type splitStore struct {
	*ghlredis.TokenStore
	locker *ghlredis.TokenStore
}

func (s splitStore) Lock(ctx context.Context, key string) (func() error, error) {
	return s.locker.Lock(ctx, key)
}

func TestRefreshFailsWithoutSpendingWhenLockUnavailable(t *testing.T) {
	t.Parallel()
	e := newOAuthEnv(t)
	store := splitStore{TokenStore: e.store, locker: ghlredis.NewTokenStore(deadRedis(t))}
	app, err := ghl.NewOAuthApp(ghl.OAuthConfig{ClientID: testClientID, ClientSecret: testClientSecret, BaseURL: e.srv.URL,
		Clock: func() time.Time { return time.Now().Add(48 * time.Hour) }}, store)
	require.NoError(t, err)
	before := e.srv.Stats()
	_, err = app.TokenSource(e.loc.ID).Token()
	require.ErrorIs(t, err, ghlredis.ErrUnavailable)
	var te *ghl.TokenError
	require.ErrorAs(t, err, &te)
	assert.False(t, te.Terminal)
	after := e.srv.Stats()
	assert.Equal(t, before.TokenRefreshes, after.TokenRefreshes, "no refresh token spent")
	assert.Equal(t, before.Requests, after.Requests, "nothing sent to HighLevel")
}

const (
	testClientID     = "ghlredis-test-client"
	testClientSecret = "ghlredis-test-secret"
)

// oauthEnv is an emulator with one installed location whose pair is in
// Redis under the test's prefix.
type oauthEnv struct {
	srv    *ghltest.Server
	loc    *ghltest.Location
	prefix string
	store  *ghlredis.TokenStore
}

func newOAuthEnv(t *testing.T) *oauthEnv {
	t.Helper()
	return newOAuthEnvOn(t, newRedis(t))
}

// newOAuthEnvOn is newOAuthEnv on rdb, whose store has opts.
func newOAuthEnvOn(t *testing.T, rdb redis.UniversalClient, opts ...ghlredis.Option) *oauthEnv {
	t.Helper()
	// The server's clock stands still: tokens expire by the clients'
	// clocks only, so every access token a client holds stays usable.
	srvClock := ghltest.NewManualClock(time.Now())
	srv := ghltest.NewServer(ghltest.WithClock(srvClock.Now), ghltest.WithAccessTokenTTL(time.Hour), ghltest.WithRateLimit(0, 0, 0))
	t.Cleanup(srv.Close)
	srv.RegisterApp(testClientID, testClientSecret)
	loc := srv.CreateLocation("Shared")
	p := prefix(t)
	store := ghlredis.NewTokenStore(rdb, append([]ghlredis.Option{ghlredis.WithPrefix(p)}, opts...)...)
	app, err := ghl.NewOAuthApp(ghl.OAuthConfig{ClientID: testClientID, ClientSecret: testClientSecret, BaseURL: srv.URL}, store)
	require.NoError(t, err)
	_, err = app.Exchange(t.Context(), srv.AuthorizationCode(testClientID, loc.ID, "Location", ""))
	require.NoError(t, err)
	return &oauthEnv{srv: srv, loc: loc, prefix: p, store: store}
}
