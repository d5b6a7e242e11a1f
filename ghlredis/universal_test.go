//go:build unix

package ghlredis_test

import (
	"context"
	"errors"
	"fmt"
	"os"
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

// Every type of the package through redis.NewUniversalClient on the three
// deployments the package documents: a single server (the test Redis), a
// Sentinel group (one master, one replica, one Sentinel) and a Cluster of
// three masters. Each check uses two clients, as two replicas would.
//
//	go test -race -count=1 -v -run TestUniversalClient ./ghlredis
func TestUniversalClient(t *testing.T) {
	t.Parallel()
	topologies := []struct {
		name string
		// start brings the deployment up and returns a dialer of
		// universal clients on it, and how many replicas a write reaches.
		start func(t *testing.T) (dial func(*testing.T) redis.UniversalClient, replicas int)
	}{
		{"single", func(t *testing.T) (func(*testing.T) redis.UniversalClient, int) {
			opt, err := redis.ParseURL(os.Getenv(redisURLEnv))
			require.NoError(t, err)
			return func(t *testing.T) redis.UniversalClient {
				rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{opt.Addr}, DB: opt.DB,
					Username: opt.Username, Password: opt.Password, PoolSize: 32})
				_, ok := rdb.(*redis.Client)
				require.True(t, ok, "a universal client on one address is a Client")
				t.Cleanup(func() { rdb.Close() })
				return rdb
			}, 0
		}},
		{"sentinel", func(t *testing.T) (func(*testing.T) redis.UniversalClient, int) {
			g := startSentinel(t, 500*time.Millisecond)
			return func(t *testing.T) redis.UniversalClient {
				rdb := g.dial(t)
				_, ok := rdb.(*redis.Client)
				require.True(t, ok, "a universal client with MasterName is a failover Client")
				return rdb
			}, 1
		}},
		{"cluster", func(t *testing.T) (func(*testing.T) redis.UniversalClient, int) {
			return startCluster(t, 3).dial, 0
		}},
	}
	for _, tp := range topologies {
		t.Run(tp.name, func(t *testing.T) {
			t.Parallel()
			dial, replicas := tp.start(t)
			a, b := dial(t), dial(t)
			t.Run("TokenStoreRefreshOnce", func(t *testing.T) { checkRefreshOnce(t, a, b) })
			t.Run("TokenStoreWithWait", func(t *testing.T) { checkWithWait(t, a, replicas) })
			t.Run("RateLimiter", func(t *testing.T) { checkRateLimiter(t, a, b) })
			t.Run("RateLimiterKeys", func(t *testing.T) { checkLimiterKeys(t, a) })
			t.Run("WebhookDedupe", func(t *testing.T) { checkWebhookDedupe(t, a, b) })
			t.Run("CheckpointStore", func(t *testing.T) { checkCheckpoint(t, a, b) })
			if cc, ok := a.(*redis.ClusterClient); ok {
				t.Run("LocationsSpreadOverNodes", func(t *testing.T) { checkSpread(t, cc) })
			}
		})
	}
}

// checkRefreshOnce: 200 callers over two replicas' token sources on an
// expired pair: one POST /oauth/token, no Invalid grant, one new token.
func checkRefreshOnce(t *testing.T, a, b redis.UniversalClient) {
	e := newOAuthEnvOn(t, a)
	apps := make([]*ghl.OAuthApp, 2)
	for i, rdb := range []redis.UniversalClient{a, b} {
		app, err := ghl.NewOAuthApp(ghl.OAuthConfig{ClientID: testClientID, ClientSecret: testClientSecret, BaseURL: e.srv.URL,
			Clock: func() time.Time { return time.Now().Add(48 * time.Hour) }},
			ghlredis.NewTokenStore(rdb, ghlredis.WithPrefix(e.prefix), ghlredis.WithLockRetry(5*time.Millisecond)))
		require.NoError(t, err)
		apps[i] = app
	}
	before := e.srv.Stats()
	const callers = 200
	tokens := make([]string, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		ts := apps[i%2].TokenSource(e.loc.ID)
		wg.Go(func() {
			tok, err := ts.Token()
			if err == nil {
				tokens[i] = tok.AccessToken
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i := range callers {
		require.NoError(t, errs[i], "caller %d", i)
		require.Equal(t, tokens[0], tokens[i], "caller %d: one new token", i)
	}
	st := e.srv.Stats()
	assert.EqualValues(t, 1, st.TokenRefreshes-before.TokenRefreshes, "exactly one refresh")
	assert.Zero(t, st.InvalidGrant)
	stored, err := ghlredis.NewTokenStore(b, ghlredis.WithPrefix(e.prefix)).Load(t.Context(), e.loc.ID)
	require.NoError(t, err)
	assert.Equal(t, tokens[0], stored.AccessToken, "the new pair is stored")
}

// checkWithWait: Save with WithWait(1) succeeds where a replica acknowledges
// the write (Sentinel) and fails with ErrNotReplicated where none does
// (single, and a Cluster of masters: the WAIT goes to the key's master).
func checkWithWait(t *testing.T, rdb redis.UniversalClient, replicas int) {
	p := prefix(t)
	// The replica's acknowledgement may take a while on a loaded machine;
	// where none can come, the short timeout keeps the test fast.
	timeout := 100 * time.Millisecond
	if replicas > 0 {
		timeout = 5 * time.Second
	}
	s := ghlredis.NewTokenStore(rdb, ghlredis.WithPrefix(p), ghlredis.WithWait(1, timeout))
	ctx := t.Context()
	for _, loc := range []string{"loc-a", "loc-b", "loc-c"} {
		err := s.Save(ctx, loc, &ghl.StoredToken{AccessToken: "a-" + loc, RefreshToken: "r-" + loc})
		if replicas > 0 {
			require.NoError(t, err, loc)
		} else {
			require.ErrorIs(t, err, ghlredis.ErrNotReplicated, loc)
		}
		got, err := s.Load(ctx, loc)
		require.NoError(t, err)
		assert.Equal(t, "r-"+loc, got.RefreshToken, "the pair is on the master either way")
	}
}

// checkRateLimiter: two replicas' limiters share one budget (a burst of 1
// at 50 per second: 11 Waits take 10 intervals of 20 ms, whichever limiter
// they go through), and the limit fitted to X-RateLimit-Max and a spent
// daily quota seen by one replica apply to the other.
func checkRateLimiter(t *testing.T, a, b redis.UniversalClient) {
	p := prefix(t)
	ctx := t.Context()
	cfg := ghl.RateLimit{Requests: 50, Interval: time.Second, Burst: 1}
	la := ghlredis.NewRateLimiter(a, cfg, ghlredis.WithPrefix(p))
	lb := ghlredis.NewRateLimiter(b, cfg, ghlredis.WithPrefix(p))
	start := time.Now()
	for i := range 11 {
		l := la
		if i%2 == 1 {
			l = lb
		}
		require.NoError(t, l.Wait(ctx, "loc1"))
	}
	assert.GreaterOrEqual(t, time.Since(start), 195*time.Millisecond, "10 intervals of 20 ms")
	require.NoError(t, la.Reset(ctx, "loc1"))

	const max, daily = 10, 5
	srv := ghltest.NewServer(ghltest.WithRateLimit(max, time.Second, daily), ghltest.WithRequestLogLimit(100))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Fit")
	id := srv.SeedContacts(loc.ID, 1)[0]
	loose := ghl.RateLimit{Requests: 99, Interval: time.Second, Burst: 1}
	client := func(rdb redis.UniversalClient) *ghl.Client {
		c, err := ghl.NewClient(ghl.WithBaseURL(srv.URL), ghl.WithAccessToken(loc.Token), ghl.WithHTTPClient(srv.Client()),
			ghl.WithLimiter(ghlredis.NewRateLimiter(rdb, loose, ghlredis.WithPrefix(p))), ghl.WithRetry(ghl.RetryPolicy{}))
		require.NoError(t, err)
		return c
	}
	ca, cb := client(a), client(b)
	_, _, err := ca.Contacts.Get(ctx, id)
	require.NoError(t, err, "a learns the server's limit of 10 per second")
	for range daily - 1 {
		_, _, err := cb.Contacts.Get(ctx, id)
		require.NoError(t, err, "b keeps to the fitted limit: no 429")
	}
	_, _, err = ca.Contacts.Get(ctx, id)
	var rl *ghl.RateLimitError
	require.ErrorAs(t, err, &rl, "a is stopped by the daily quota b saw spent")
	assert.True(t, rl.Daily)
	st := srv.Stats()
	assert.Zero(t, st.RateLimited)
	assert.EqualValues(t, daily, st.Requests, "the refused call was not sent")
}

// checkLimiterKeys: the limiter's script touches three keys of one
// location, so they must share a slot; in a Cluster it fails with
// CROSSSLOT otherwise. Keys that make no hash tag of their own (empty,
// braces) are escaped, and keys that differ keep separate budgets.
func checkLimiterKeys(t *testing.T, rdb redis.UniversalClient) {
	p := prefix(t)
	ctx := t.Context()
	l := ghlredis.NewRateLimiter(rdb, ghl.RateLimit{Requests: 1, Interval: time.Hour, Burst: 1}, ghlredis.WithPrefix(p))
	keys := []string{"loc1", "", "{", "}", "{}", "a{b", "}x", "x}{y", "{loc1}", "7b", "7d"}
	for _, k := range keys {
		require.NoError(t, l.Wait(ctx, k), "key %q", k)
	}
	// Each key's budget of one per hour is spent by its own Wait only.
	for _, k := range keys {
		short, cancel := context.WithTimeout(ctx, time.Second)
		err := l.Wait(short, k)
		cancel()
		require.ErrorIs(t, err, context.DeadlineExceeded, "key %q has its own budget, spent", k)
	}
	for _, k := range keys {
		require.NoError(t, l.Reset(ctx, k), "key %q: its keys deleted in one DEL", k)
		require.NoError(t, l.Wait(ctx, k), "key %q: reset", k)
	}
}

// checkWebhookDedupe: of 40 concurrent Seen of one delivery over two
// replicas exactly one is first; Forget lets the redelivery through.
func checkWebhookDedupe(t *testing.T, a, b redis.UniversalClient) {
	p := prefix(t)
	ctx := t.Context()
	da := ghlredis.NewWebhookDedupe(a, time.Minute, ghlredis.WithPrefix(p))
	db := ghlredis.NewWebhookDedupe(b, time.Minute, ghlredis.WithPrefix(p))
	for _, id := range []string{"wh-1", "wh-2", "wh-3"} {
		var first atomic.Int32
		var wg sync.WaitGroup
		for i := range 40 {
			d := da
			if i%2 == 1 {
				d = db
			}
			wg.Go(func() {
				seen, err := d.Seen(ctx, id)
				assert.NoError(t, err)
				if !seen {
					first.Add(1)
				}
			})
		}
		wg.Wait()
		assert.EqualValues(t, 1, first.Load(), id)
		require.NoError(t, db.Forget(ctx, id))
		seen, err := da.Seen(ctx, id)
		require.NoError(t, err)
		assert.False(t, seen, "%s forgotten: the redelivery is processed", id)
	}
}

// checkCheckpoint: a checkpoint saved by one replica is loaded by another.
func checkCheckpoint(t *testing.T, a, b redis.UniversalClient) {
	p := prefix(t)
	ctx := t.Context()
	sa := ghlredis.NewCheckpointStore(a, ghlredis.WithPrefix(p))
	sb := ghlredis.NewCheckpointStore(b, ghlredis.WithPrefix(p))
	for i := range 5 {
		key := fmt.Sprintf("contacts/loc%d", i)
		got, err := sb.Load(ctx, key)
		require.NoError(t, err)
		assert.Nil(t, got)
		require.NoError(t, sa.Save(ctx, key, []byte("cp-"+key)))
		got, err = sb.Load(ctx, key)
		require.NoError(t, err)
		assert.Equal(t, []byte("cp-"+key), got)
	}
}

// checkSpread: the hash tag is the location, not the prefix, so that
// locations spread over the Cluster's masters.
func checkSpread(t *testing.T, cc *redis.ClusterClient) {
	p := prefix(t)
	ctx := t.Context()
	s := ghlredis.NewTokenStore(cc, ghlredis.WithPrefix(p))
	for i := range 30 {
		require.NoError(t, s.Save(ctx, fmt.Sprintf("loc-%d", i), &ghl.StoredToken{AccessToken: "a", RefreshToken: "r"}))
	}
	var mu sync.Mutex
	holding := 0
	require.NoError(t, cc.ForEachMaster(ctx, func(ctx context.Context, m *redis.Client) error {
		keys, err := m.Keys(ctx, p+"*").Result()
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		if len(keys) > 0 {
			holding++
		}
		return nil
	}))
	assert.Equal(t, 3, holding, "30 locations' tokens are on every master")
}

// A Sentinel fail-over under the TokenStore. A pair saved with WithWait(1)
// is on the replica when the master is SIGKILLed. Until the Sentinel has
// promoted the replica, a token call fails with an error matching
// ErrUnavailable and spends no refresh token (the limiter's Wait and the
// deduper's Seen fail the same way); then the pair is found on the new
// master, the limiter and deduper work again, and 100 callers over two
// replicas refresh the pair once, with no Invalid grant.
//
//	go test -race -count=1 -v -run TestSentinelFailover ./ghlredis
func TestSentinelFailover(t *testing.T) {
	t.Parallel()
	g := startSentinel(t, 1500*time.Millisecond)
	dial := func() redis.UniversalClient {
		// No command retries: a command on the dead master fails on its
		// first error instead of retrying into the fail-over (go-redis
		// still retries the dial, for about 0.4 s).
		rdb := redis.NewUniversalClient(&redis.UniversalOptions{MasterName: sentinelMaster, Addrs: []string{g.sentinel.addr()},
			MaxRetries: -1, DialTimeout: 500 * time.Millisecond})
		t.Cleanup(func() { rdb.Close() })
		return rdb
	}
	a, b := dial(), dial()
	e := newOAuthEnvOn(t, a, ghlredis.WithWait(1, 2*time.Second)) // the pair saved is on the replica
	saved, err := e.store.Load(t.Context(), e.loc.ID)
	require.NoError(t, err)
	newApp := func(rdb redis.UniversalClient) *ghl.OAuthApp {
		app, err := ghl.NewOAuthApp(ghl.OAuthConfig{ClientID: testClientID, ClientSecret: testClientSecret, BaseURL: e.srv.URL,
			Clock: func() time.Time { return time.Now().Add(48 * time.Hour) }},
			ghlredis.NewTokenStore(rdb, ghlredis.WithPrefix(e.prefix)))
		require.NoError(t, err)
		return app
	}
	apps := []*ghl.OAuthApp{newApp(a), newApp(b)}

	lim := ghlredis.NewRateLimiter(b, ghl.DefaultRateLimit(), ghlredis.WithPrefix(e.prefix))
	dedupe := ghlredis.NewWebhookDedupe(b, time.Minute, ghlredis.WithPrefix(e.prefix))
	require.NoError(t, lim.Wait(t.Context(), e.loc.ID))
	seen, err := dedupe.Seen(t.Context(), "wh-before")
	require.NoError(t, err)
	require.False(t, seen)

	// The calls while the master is down go together, at once: each spends
	// go-redis's dial retries (about 0.4 s) before it fails, and the
	// Sentinel calls the master down after 1.5 s.
	killedAt := time.Now()
	g.master.kill()
	before := e.srv.Stats()
	var tokenErr, waitErr, seenErr error
	var outage sync.WaitGroup
	outage.Go(func() { _, tokenErr = apps[0].TokenSource(e.loc.ID).Token() })
	outage.Go(func() { waitErr = lim.Wait(t.Context(), e.loc.ID) })
	outage.Go(func() { _, seenErr = dedupe.Seen(t.Context(), "wh-during") })
	outage.Wait()
	failedIn := time.Since(killedAt)
	require.ErrorIs(t, tokenErr, ghlredis.ErrUnavailable, "master down, not yet replaced (%s after the kill)", failedIn)
	var te *ghl.TokenError
	require.ErrorAs(t, tokenErr, &te)
	assert.False(t, te.Terminal, "the next call tries again")
	assert.Equal(t, before, e.srv.Stats(), "nothing sent to HighLevel: no refresh token spent")
	require.ErrorIs(t, waitErr, ghlredis.ErrUnavailable, "the limiter fails typed too")
	require.ErrorIs(t, seenErr, ghlredis.ErrUnavailable, "and the deduper (the verifier answers 500)")

	// The Sentinel promotes the replica; the clients follow it.
	sc := redis.NewSentinelClient(&redis.Options{Addr: g.sentinel.addr()})
	t.Cleanup(func() { sc.Close() })
	eventually(t, 20*time.Second, "the Sentinel to promote the replica", func() error {
		addr, err := sc.GetMasterAddrByName(t.Context(), sentinelMaster).Result()
		if err != nil {
			return err
		}
		if addr[1] != fmt.Sprint(g.replica.port) {
			return fmt.Errorf("master still %v", addr)
		}
		return nil
	})
	promoted := time.Since(killedAt)
	var got *ghl.StoredToken
	eventually(t, 10*time.Second, "the stores to reach the new master", func() error {
		got, err = ghlredis.NewTokenStore(b, ghlredis.WithPrefix(e.prefix)).Load(t.Context(), e.loc.ID)
		if err != nil && !errors.Is(err, ghlredis.ErrUnavailable) {
			t.Fatalf("not a typed outage: %v", err)
		}
		return err
	})
	assert.Equal(t, saved.RefreshToken, got.RefreshToken, "the pair saved with WithWait(1) survived the fail-over")
	require.NoError(t, lim.Wait(t.Context(), e.loc.ID), "the limiter works on the new master")
	seen, err = dedupe.Seen(t.Context(), "wh-during")
	require.NoError(t, err)
	assert.False(t, seen, "the delivery refused during the fail-over is processed when HighLevel sends it again")
	t.Logf("master SIGKILLed; calls failed with ErrUnavailable within %s; the Sentinel promoted the replica after %s; stores on it after %s",
		failedIn.Round(time.Millisecond), promoted.Round(time.Millisecond), time.Since(killedAt).Round(time.Millisecond))

	const callers = 100
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		ts := apps[i%2].TokenSource(e.loc.ID)
		wg.Go(func() { _, errs[i] = ts.Token() })
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "caller %d", i)
	}
	st := e.srv.Stats()
	assert.EqualValues(t, 1, st.TokenRefreshes-before.TokenRefreshes, "exactly one refresh after the fail-over")
	assert.Zero(t, st.InvalidGrant, "the surviving refresh token was the live one")
}
