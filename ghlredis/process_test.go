//go:build unix

package ghlredis_test

import (
	"bufio"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghlredis"
	"github.com/salesnexus/ghl-go/ghltest"
)

// The multi-process tests re-run this test binary as replicas: TestMain
// sees GHLREDIS_CHILD and runs runChild instead of the tests. A replica
// prints READY (and what the parent needs), waits for GO on stdin so that
// all replicas start together, works, prints RESULT lines and OK.

const childEnv = "GHLREDIS_CHILD"

type child struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
	all strings.Builder // everything it printed
}

// startChild starts a replica in mode with env, and waits for its READY.
func startChild(t *testing.T, mode string, env ...string) *child {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{childEnv + "=" + mode}, env...)...)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	c := &child{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	for c.out.Scan() {
		c.all.WriteString(c.out.Text() + "\n")
		if c.out.Text() == "READY" {
			return c
		}
	}
	t.Fatalf("%s replica did not start:\n%s", mode, c.all.String())
	return nil
}

func (c *child) line(prefix string) string {
	for _, l := range strings.Split(c.all.String(), "\n") {
		if strings.HasPrefix(l, prefix) {
			return strings.TrimPrefix(l, prefix)
		}
	}
	return ""
}

func (c *child) goAhead() { fmt.Fprintln(c.in, "GO") }

// finish reads the rest of the replica's output and waits for it to end.
func (c *child) finish() error {
	for c.out.Scan() {
		c.all.WriteString(c.out.Text() + "\n")
	}
	c.in.Close()
	return c.cmd.Wait()
}

func goAll(cs []*child) {
	for _, c := range cs {
		c.goAhead()
	}
}

func finishAll(t *testing.T, cs []*child) {
	t.Helper()
	errs := make([]error, len(cs))
	var wg sync.WaitGroup
	for i, c := range cs {
		wg.Go(func() { errs[i] = c.finish() })
	}
	wg.Wait()
	for i, c := range cs {
		require.NoError(t, errs[i], "replica %d:\n%s", i, c.all.String())
		require.Contains(t, c.all.String(), "\nOK\n", "replica %d:\n%s", i, c.all.String())
	}
}

func runChild(mode string) int {
	var err error
	switch mode {
	case "sync":
		err = childSync()
	case "refresh":
		err = childRefresh()
	case "die-locked":
		err = childDieLocked()
	case "webhook":
		err = childWebhook()
	case "restart":
		err = childRestart()
	default:
		err = fmt.Errorf("unknown mode %q", mode)
	}
	if err != nil {
		fmt.Println("ERROR:", err)
		return 3
	}
	fmt.Println("OK")
	return 0
}

func waitGo() {
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() && sc.Text() != "GO" {
	}
}

func envInt(name string) int {
	n, _ := strconv.Atoi(os.Getenv(name))
	return n
}

// ---- three replicas, one quota ----

const (
	quotaMax      = 100
	quotaInterval = time.Second
)

// quotaLimit is the shared limiter's: 1 + 96 per second leaves three
// slots a second (about 30 ms) for the jitter between the slot Redis
// reserved and the request's arrival at the server: timers and the
// scheduler of three processes on a loaded CI machine (with 1 + 99, a
// run under -race beside other tests once put 101 in one of the
// emulator's windows).
var quotaLimit = ghl.RateLimit{Requests: 96, Interval: quotaInterval, Burst: 1}

func childSync() error {
	rdb, err := dialRedis()
	if err != nil {
		return err
	}
	lim := ghlredis.NewRateLimiter(rdb, quotaLimit, ghlredis.WithPrefix(os.Getenv("GHLREDIS_PREFIX")))
	c, err := ghl.NewClient(ghl.WithBaseURL(os.Getenv("GHLREDIS_EMU")), ghl.WithAccessToken(os.Getenv("GHLREDIS_TOKEN")),
		ghl.WithLimiter(lim))
	if err != nil {
		return err
	}
	id, n, workers := os.Getenv("GHLREDIS_CONTACT"), envInt("GHLREDIS_N"), envInt("GHLREDIS_WORKERS")
	fmt.Println("READY")
	waitGo()
	var errs, caller429 atomic.Int64
	var first atomic.Value
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range n {
				if _, _, err := c.Contacts.Get(context.Background(), id); err != nil {
					errs.Add(1)
					if errors.Is(err, ghl.ErrRateLimited) {
						caller429.Add(1)
					}
					first.CompareAndSwap(nil, err.Error())
				}
			}
		})
	}
	wg.Wait()
	fmt.Printf("RESULT errors=%d caller429=%d\n", errs.Load(), caller429.Load())
	if errs.Load() > 0 {
		return fmt.Errorf("%d errors, first: %v", errs.Load(), first.Load())
	}
	return nil
}

// Three replicas sync one location as fast as they can through the shared
// limiter: the emulator (100 per 1 s, its own clock) never sees more than
// its quota in a window and sends no 429, and the replicas together use at
// least 95% of it.
//
//	go test -run TestReplicasShareOneQuota -v ./ghlredis
//
// It does not run in parallel with the other tests of the package, whose
// thousand goroutines per process would add to the jitter it measures.
func TestReplicasShareOneQuota(t *testing.T) {
	srv := ghltest.NewServer(ghltest.WithRateLimit(quotaMax, quotaInterval, ghltest.DefaultRateLimitDaily),
		ghltest.WithRequestLogLimit(1<<16))
	t.Cleanup(srv.Close)
	loc := srv.CreateLocation("Quota")
	ids := srv.SeedContacts(loc.ID, 1)
	const replicas, workers, perWorker = 3, 4, 50
	p := prefix(t)
	var cs []*child
	for range replicas {
		cs = append(cs, startChild(t, "sync", "GHLREDIS_PREFIX="+p, "GHLREDIS_EMU="+srv.URL, "GHLREDIS_TOKEN="+loc.Token,
			"GHLREDIS_CONTACT="+ids[0], "GHLREDIS_N="+strconv.Itoa(perWorker), "GHLREDIS_WORKERS="+strconv.Itoa(workers)))
	}
	srv.ResetRequests()
	goAll(cs)
	finishAll(t, cs)

	st := srv.Stats()
	log := srv.Requests()
	var times []time.Time
	for _, r := range log {
		if r.Status != http.StatusTooManyRequests {
			times = append(times, r.Time)
		}
	}
	require.Len(t, times, replicas*workers*perWorker, "every request served")
	span := times[len(times)-1].Sub(times[0])
	used := 100 * float64(len(times)) / (quotaMax * span.Seconds() / quotaInterval.Seconds())
	fill, windows, most := fixedWindowFill(log, quotaInterval, quotaMax)
	sliding := maxInWindow(times, quotaInterval)
	t.Logf("%d replicas: %d requests in %s: quota used %.1f%%, fixed-window fill %.1f%% over %d windows (most in one: %d), max in a sliding 1 s window %d, server 429s %d",
		replicas, len(times), span.Round(time.Millisecond), used, fill, windows, most, sliding, st.RateLimited)
	assert.Zero(t, st.RateLimited, "no 429")
	assert.LessOrEqual(t, most, quotaMax, "never more than the quota in any of the emulator's windows")
	assert.GreaterOrEqual(t, used, 95.0, "the replicas together use the quota")
	assert.GreaterOrEqual(t, fill, 95.0)
}

// fixedWindowFill replays the emulator's fixed windows (a window opens at
// the first request at or after the previous one's start + interval) and
// returns the share of capacity served requests used in every window but
// the last, partial one, the number of windows and the most requests
// served in one.
func fixedWindowFill(log []ghltest.RecordedRequest, interval time.Duration, quota int) (float64, int, int) {
	var start time.Time
	var counts []int
	for _, r := range log {
		if len(counts) == 0 || !r.Time.Before(start.Add(interval)) {
			start = r.Time
			counts = append(counts, 0)
		}
		if r.Status != http.StatusTooManyRequests {
			counts[len(counts)-1]++
		}
	}
	most := 0
	for _, n := range counts {
		most = max(most, n)
	}
	if len(counts) < 2 {
		return 0, len(counts), most
	}
	served := 0
	for _, n := range counts[:len(counts)-1] {
		served += n
	}
	return 100 * float64(served) / float64(quota*(len(counts)-1)), len(counts), most
}

// ---- OAuth: one refresh per expiry across replicas ----

func oauthChildApp(store ghl.TokenStore) (*ghl.OAuthApp, error) {
	offset, _ := time.ParseDuration(os.Getenv("GHLREDIS_CLOCK"))
	return ghl.NewOAuthApp(ghl.OAuthConfig{ClientID: testClientID, ClientSecret: testClientSecret, BaseURL: os.Getenv("GHLREDIS_EMU"),
		Clock: func() time.Time { return time.Now().Add(offset) }}, store)
}

func childStore() (*ghlredis.TokenStore, error) {
	rdb, err := dialRedis()
	if err != nil {
		return nil, err
	}
	lease, _ := time.ParseDuration(os.Getenv("GHLREDIS_LEASE"))
	return ghlredis.NewTokenStore(rdb, ghlredis.WithPrefix(os.Getenv("GHLREDIS_PREFIX")), ghlredis.WithLockLease(lease)), nil
}

func childRefresh() error {
	store, err := childStore()
	if err != nil {
		return err
	}
	app, err := oauthChildApp(store)
	if err != nil {
		return err
	}
	ts := app.TokenSource(os.Getenv("GHLREDIS_LOC"))
	callers := envInt("GHLREDIS_N")
	fmt.Println("READY")
	waitGo()
	tokens := make([]string, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			tok, err := ts.Token()
			if err == nil {
				sum := sha256.Sum256([]byte(tok.AccessToken))
				tokens[i] = hex.EncodeToString(sum[:8])
			}
			errs[i] = err
		})
	}
	wg.Wait()
	distinct := map[string]bool{}
	for i := range callers {
		if errs[i] != nil {
			return fmt.Errorf("caller %d: %w", i, errs[i])
		}
		distinct[tokens[i]] = true
	}
	if len(distinct) != 1 {
		return fmt.Errorf("%d distinct access tokens", len(distinct))
	}
	fmt.Println("TOKEN", tokens[0])
	return nil
}

// 1,000 callers across three replicas on an expired token: exactly one
// POST /oauth/token per expiry, no "Invalid grant", and every caller gets
// the one new token. Two expiries in a row.
func TestReplicasRefreshOncePerExpiry(t *testing.T) {
	t.Parallel()
	e := newOAuthEnv(t)
	const replicas, callers = 3, 1000
	for round := 1; round <= 2; round++ {
		before := e.srv.Stats()
		var cs []*child
		for i := range replicas {
			n := callers / replicas
			if i == 0 {
				n += callers % replicas
			}
			// The replicas' clocks stand past the expiry of every token
			// stored before this round (tokens live an hour).
			clock := fmt.Sprintf("%dh", 48*round)
			cs = append(cs, startChild(t, "refresh", "GHLREDIS_PREFIX="+e.prefix, "GHLREDIS_EMU="+e.srv.URL,
				"GHLREDIS_LOC="+e.loc.ID, "GHLREDIS_N="+strconv.Itoa(n), "GHLREDIS_CLOCK="+clock, "GHLREDIS_LEASE=1m"))
		}
		goAll(cs)
		finishAll(t, cs)
		st := e.srv.Stats()
		assert.EqualValues(t, 1, st.TokenRefreshes-before.TokenRefreshes, "round %d: exactly one refresh", round)
		assert.Zero(t, st.InvalidGrant, "round %d", round)
		for _, c := range cs {
			assert.Equal(t, cs[0].line("TOKEN "), c.line("TOKEN "), "round %d: one token for every replica", round)
		}
	}
}

// ---- a replica killed while it holds the refresh lock ----

// dieUnderLock is a TokenStore that SIGKILLs its process at the first Load
// under the lock: the replica dies holding the refresh lock, before it
// could POST /oauth/token.
type dieUnderLock struct {
	*ghlredis.TokenStore
	locked atomic.Bool
}

func (d *dieUnderLock) Lock(ctx context.Context, key string) (func() error, error) {
	unlock, err := d.TokenStore.Lock(ctx, key)
	if err == nil {
		d.locked.Store(true)
	}
	return unlock, err
}

func (d *dieUnderLock) Load(ctx context.Context, key string) (*ghl.StoredToken, error) {
	if d.locked.Load() {
		fmt.Println("LOCKED")
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
	return d.TokenStore.Load(ctx, key)
}

func childDieLocked() error {
	store, err := childStore()
	if err != nil {
		return err
	}
	app, err := oauthChildApp(&dieUnderLock{TokenStore: store})
	if err != nil {
		return err
	}
	fmt.Println("READY")
	waitGo()
	_, err = app.TokenSource(os.Getenv("GHLREDIS_LOC")).Token()
	return fmt.Errorf("still alive: %v", err)
}

// A replica SIGKILLed while it holds the refresh lock: another replica
// waits out the lease, then refreshes, with no "Invalid grant".
func TestReplicaKilledHoldingRefreshLock(t *testing.T) {
	t.Parallel()
	e := newOAuthEnv(t)
	const lease = 2 * time.Second
	c := startChild(t, "die-locked", "GHLREDIS_PREFIX="+e.prefix, "GHLREDIS_EMU="+e.srv.URL,
		"GHLREDIS_LOC="+e.loc.ID, "GHLREDIS_CLOCK=48h", "GHLREDIS_LEASE="+lease.String())
	c.goAhead()
	err := c.finish()
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "killed: %v\n%s", err, c.all.String())
	ws := ee.Sys().(syscall.WaitStatus)
	require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, c.all.String())
	require.Contains(t, c.all.String(), "LOCKED")

	rdb := newRedis(t)
	held, err := rdb.PTTL(t.Context(), e.prefix+"{"+e.loc.ID+"}:lock").Result()
	require.NoError(t, err)
	require.Greater(t, held, time.Duration(0), "the dead replica's lock is still there")

	store := ghlredis.NewTokenStore(rdb, ghlredis.WithPrefix(e.prefix), ghlredis.WithLockLease(lease))
	app, err := ghl.NewOAuthApp(ghl.OAuthConfig{ClientID: testClientID, ClientSecret: testClientSecret, BaseURL: e.srv.URL,
		Clock: func() time.Time { return time.Now().Add(48 * time.Hour) }}, store)
	require.NoError(t, err)
	before := e.srv.Stats()
	start := time.Now()
	_, err = app.TokenSource(e.loc.ID).Token()
	waited := time.Since(start)
	require.NoError(t, err)
	t.Logf("the surviving replica refreshed after %s (lease %s, %s of it left)", waited.Round(time.Millisecond), lease, held)
	assert.GreaterOrEqual(t, waited, held-50*time.Millisecond, "it waited for the lease")
	st := e.srv.Stats()
	assert.EqualValues(t, 1, st.TokenRefreshes-before.TokenRefreshes)
	assert.Zero(t, st.InvalidGrant)
}

// ---- one webhook delivery, two replicas ----

func childWebhook() error {
	rdb, err := dialRedis()
	if err != nil {
		return err
	}
	p := os.Getenv("GHLREDIS_PREFIX")
	key, err := hex.DecodeString(os.Getenv("GHLREDIS_KEY"))
	if err != nil {
		return err
	}
	v, err := ghl.NewWebhookVerifier(ghl.WithWebhookPublicKey(ed25519.PublicKey(key)),
		ghl.WithWebhookDeduper(ghlredis.NewWebhookDedupe(rdb, time.Hour, ghlredis.WithPrefix(p))))
	if err != nil {
		return err
	}
	var runs atomic.Int64
	h := v.Handler(func(ctx context.Context, ev *ghl.WebhookEvent) error {
		runs.Add(1)
		// What the handler did, where the parent can count it.
		return rdb.RPush(ctx, p+"handled", ev.WebhookID).Err()
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go http.Serve(l, h)
	fmt.Println("ADDR", l.Addr().String())
	fmt.Println("READY")
	waitGo() // the parent says GO when it has sent everything
	fmt.Printf("RESULT runs=%d\n", runs.Load())
	return nil
}

// Every webhook delivery sent to two replicas at once runs the handler
// once, and both replicas answer 200.
func TestWebhookDeliveredToTwoReplicasRunsOnce(t *testing.T) {
	t.Parallel()
	srv := ghltest.NewServer()
	t.Cleanup(srv.Close)
	p := prefix(t)
	key := hex.EncodeToString(srv.WebhookPublicKey())
	cs := []*child{
		startChild(t, "webhook", "GHLREDIS_PREFIX="+p, "GHLREDIS_KEY="+key),
		startChild(t, "webhook", "GHLREDIS_PREFIX="+p, "GHLREDIS_KEY="+key),
	}
	const deliveries = 100
	ctx := t.Context()
	for i := range deliveries {
		body, err := srv.WebhookBody(map[string]any{"type": "ContactCreate", "locationId": "loc1", "id": fmt.Sprintf("c%d", i),
			"webhookId": fmt.Sprintf("wh-%d", i), "timestamp": time.Now().UTC().Format(time.RFC3339)})
		require.NoError(t, err)
		var wg sync.WaitGroup
		for _, c := range cs {
			wg.Go(func() {
				resp, err := srv.PostWebhook(ctx, "http://"+c.line("ADDR "), body)
				if assert.NoError(t, err) {
					assert.Equal(t, http.StatusOK, resp.StatusCode)
					resp.Body.Close()
				}
			})
		}
		wg.Wait()
	}
	goAll(cs)
	finishAll(t, cs)
	handled, err := newRedis(t).LRange(ctx, p+"handled", 0, -1).Result()
	require.NoError(t, err)
	assert.Len(t, handled, deliveries, "one run per delivery")
	once := map[string]int{}
	for _, id := range handled {
		once[id]++
	}
	assert.Len(t, once, deliveries, "every delivery ran exactly once")
	runs := 0
	for _, c := range cs {
		n, _ := strconv.Atoi(strings.TrimPrefix(c.line("RESULT runs="), ""))
		runs += n
	}
	assert.Equal(t, deliveries, runs)
	t.Logf("replica runs: %s / %s", cs[0].line("RESULT runs="), cs[1].line("RESULT runs="))
}
