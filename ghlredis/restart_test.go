//go:build unix

package ghlredis_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
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

// ownRedis is a redis-server of the test's own (its port, its directory,
// the append-only file fsynced on every write), which the test stops with
// SIGKILL and starts again on the same port and directory.
type ownRedis struct {
	t    *testing.T
	bin  string
	dir  string
	port int
	cmd  *exec.Cmd
}

func startOwnRedis(t *testing.T) *ownRedis {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	require.NoError(t, err, "this test stops and restarts a redis-server of its own: put redis-server on PATH (Debian: apt-get install redis-server)")
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	r := &ownRedis{t: t, bin: bin, dir: t.TempDir(), port: port}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *ownRedis) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

func (r *ownRedis) start() {
	r.t.Helper()
	r.cmd = exec.Command(r.bin, "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1", "--dir", r.dir,
		"--save", "", "--appendonly", "yes", "--appendfsync", "always", "--daemonize", "no")
	dieWithTest(r.cmd)
	require.NoError(r.t, r.cmd.Start())
	require.NoError(r.t, ping("redis://"+r.addr()+"/0", 10*time.Second), "redis-server on port %d", r.port)
}

// stop kills the server (SIGKILL: no shutdown save; only the AOF keeps
// what was written).
func (r *ownRedis) stop() {
	if r.cmd == nil {
		return
	}
	r.cmd.Process.Kill()
	r.cmd.Wait()
	r.cmd = nil
}

// waitFor polls cond until it holds, failing the test after within.
func waitFor(t *testing.T, within time.Duration, what string, state func() string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s (%s)", within, what, state())
		}
		time.Sleep(5 * time.Millisecond) // polling
	}
}

// watchedChild is a replica whose output the test reads while it runs.
type watchedChild struct {
	*child
	mu      sync.Mutex
	done    int                 // DONE lines: calls that succeeded
	failed  map[string]int      // FAIL lines by kind
	firstBy map[string]string   // the first FAIL line of each kind
	ended   chan struct{}       // the output is closed
	lines   map[string][]string // other lines by first word
}

func watch(c *child) *watchedChild {
	w := &watchedChild{child: c, failed: map[string]int{}, firstBy: map[string]string{}, lines: map[string][]string{},
		ended: make(chan struct{})}
	go func() {
		defer close(w.ended)
		for c.out.Scan() {
			l := c.out.Text()
			kind, rest, _ := strings.Cut(l, " ")
			w.mu.Lock()
			switch kind {
			case "DONE":
				w.done++
			case "FAIL":
				k, _, _ := strings.Cut(rest, " ")
				w.failed[k]++
				if _, ok := w.firstBy[k]; !ok {
					w.firstBy[k] = rest
				}
			default:
				w.lines[kind] = append(w.lines[kind], rest)
			}
			w.mu.Unlock()
		}
	}()
	return w
}

func (w *watchedChild) send(cmd string) { fmt.Fprintln(w.in, cmd) }

func (w *watchedChild) counts() (done, unavailable, other int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.done, w.failed["unavailable"], w.failed["other"]
}

func (w *watchedChild) state() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return fmt.Sprintf("done %d, failed %v (first: %v), other output %v", w.done, w.failed, w.firstBy, w.lines)
}

// childRestart is a replica of TestRedisRestartedMidRun: four
// workers GET its contacts (GHLREDIS_IDS) through the shared limiter and
// token store. It prints DONE per success and FAIL unavailable|other per
// failure, keeps the calls that failed until the parent says RESTARTED,
// then sends them again; "CLOCK d" sets its clock d ahead of the real one.
func childRestart() error {
	rdb, err := dialRedis()
	if err != nil {
		return err
	}
	p := os.Getenv("GHLREDIS_PREFIX")
	var offset atomic.Int64
	app, err := ghl.NewOAuthApp(ghl.OAuthConfig{ClientID: testClientID, ClientSecret: testClientSecret, BaseURL: os.Getenv("GHLREDIS_EMU"),
		Clock:         func() time.Time { return time.Now().Add(time.Duration(offset.Load())) },
		ClientOptions: []ghl.Option{ghl.WithLimiter(ghlredis.NewRateLimiter(rdb, quotaLimit, ghlredis.WithPrefix(p)))}},
		ghlredis.NewTokenStore(rdb, ghlredis.WithPrefix(p), ghlredis.WithLockLease(time.Minute)))
	if err != nil {
		return err
	}
	c, err := app.Client(os.Getenv("GHLREDIS_LOC"))
	if err != nil {
		return err
	}
	ids := strings.Split(os.Getenv("GHLREDIS_IDS"), ",")
	var out sync.Mutex
	say := func(format string, args ...any) {
		out.Lock()
		defer out.Unlock()
		fmt.Printf(format+"\n", args...)
	}
	queue := make(chan string, len(ids))
	for _, id := range ids {
		queue <- id
	}
	var (
		mu        sync.Mutex
		restarted bool
		stash     []string
	)
	restart := func() {
		mu.Lock()
		defer mu.Unlock()
		restarted = true
		for _, id := range stash {
			queue <- id
		}
		stash = nil
	}
	fmt.Println("READY")
	waitGo()
	go func() { // the parent's commands
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			cmd, arg, _ := strings.Cut(sc.Text(), " ")
			switch cmd {
			case "CLOCK":
				d, _ := time.ParseDuration(arg)
				offset.Store(int64(d))
			case "RESTARTED":
				restart()
			}
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second) // a bound, should the parent hang
	defer cancel()
	var ok atomic.Int64
	allDone := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-allDone:
					return
				case <-ctx.Done():
					return
				case id := <-queue:
					_, _, err := c.Contacts.Get(ctx, id)
					if err == nil {
						say("DONE %s", id)
						if ok.Add(1) == int64(len(ids)) {
							close(allDone)
						}
						continue
					}
					if errors.Is(err, ghlredis.ErrUnavailable) {
						say("FAIL unavailable")
					} else {
						say("FAIL other %s: %v", id, err)
					}
					mu.Lock()
					if restarted {
						queue <- id
					} else {
						stash = append(stash, id)
					}
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if n := ok.Load(); n != int64(len(ids)) {
		return fmt.Errorf("%d of %d calls done: %v", n, len(ids), ctx.Err())
	}
	return nil
}

// Redis restarted mid-run. The replicas are three OS processes (the test
// binary re-executed), each with its own go-redis client, TokenStore,
// RateLimiter, OAuthApp and ghl.Client, sharing the test's own
// redis-server (AOF, appendfsync always) and one emulator. They GET 480
// contacts (160 each, four workers each). The test moves the replicas'
// clocks past the token's expiry once while Redis is up, SIGKILLs Redis,
// moves them past the expiry again and keeps Redis down until every
// replica has failed calls, then starts Redis again on the same port and
// directory and tells the replicas to send their failed calls again.
// Asserted: every failure matches ErrUnavailable, no refresh token is
// spent while Redis is down, every contact is fetched exactly once,
// exactly two refreshes across the processes, 0 Invalid grant, 0 429s,
// and the stored pair is the live one.
//
//	go test -race -count=1 -v -run TestRedisRestartedMidRun ./ghlredis
func TestRedisRestartedMidRun(t *testing.T) {
	rs := startOwnRedis(t)
	srv := ghltest.NewServer(ghltest.WithAccessTokenTTL(time.Hour),
		ghltest.WithRateLimit(quotaMax, quotaInterval, ghltest.DefaultRateLimitDaily), ghltest.WithRequestLogLimit(1<<16))
	t.Cleanup(srv.Close)
	srv.RegisterApp(testClientID, testClientSecret)
	loc := srv.CreateLocation("Restart")
	const total, replicas = 480, 3
	ids := srv.SeedContacts(loc.ID, total)
	p := prefix(t)
	rdb := redis.NewClient(&redis.Options{Addr: rs.addr()})
	t.Cleanup(func() { rdb.Close() })
	store := ghlredis.NewTokenStore(rdb, ghlredis.WithPrefix(p))
	app, err := ghl.NewOAuthApp(ghl.OAuthConfig{ClientID: testClientID, ClientSecret: testClientSecret, BaseURL: srv.URL}, store)
	require.NoError(t, err)
	_, err = app.Exchange(t.Context(), srv.AuthorizationCode(testClientID, loc.ID, "Location", ""))
	require.NoError(t, err)

	var cs []*watchedChild
	for r := range replicas {
		part := ids[r*total/replicas : (r+1)*total/replicas]
		c := startChild(t, "restart", redisURLEnv+"=redis://"+rs.addr()+"/0", "GHLREDIS_PREFIX="+p, "GHLREDIS_EMU="+srv.URL,
			"GHLREDIS_LOC="+loc.ID, "GHLREDIS_IDS="+strings.Join(part, ","))
		cs = append(cs, watch(c))
	}
	sum := func() (done, unavailable, other int) {
		for _, c := range cs {
			d, u, o := c.counts()
			done, unavailable, other = done+d, unavailable+u, other+o
		}
		return
	}
	state := func() string {
		var b strings.Builder
		for i, c := range cs {
			fmt.Fprintf(&b, "replica %d: %s; ", i, c.state())
		}
		fmt.Fprintf(&b, "emulator %+v", srv.Stats())
		return b.String()
	}
	sendAll := func(cmd string) {
		for _, c := range cs {
			c.send(cmd)
		}
	}
	for _, c := range cs {
		c.goAhead()
	}
	waitFor(t, 20*time.Second, "60 calls", state, func() bool { d, _, _ := sum(); return d >= 60 })
	sendAll("CLOCK 2h")
	waitFor(t, 20*time.Second, "the first refresh and 160 calls", state, func() bool {
		d, _, _ := sum()
		return srv.Stats().TokenRefreshes == 1 && d >= 160
	})

	rs.stop()
	killedAt := time.Now()
	doneAtKill, _, _ := sum()
	sendAll("CLOCK 4h")
	waitFor(t, 20*time.Second, "failures on every replica while Redis is down", state, func() bool {
		for _, c := range cs {
			if _, u, o := c.counts(); u+o == 0 {
				return false
			}
		}
		_, u, o := sum()
		return u+o >= 24 // two per worker
	})
	downStats := srv.Stats()
	doneDown, failedDown, _ := sum()
	restartAt := time.Now()
	rs.start()
	sendAll("RESTARTED")
	for i, c := range cs {
		select {
		case <-c.ended:
		case <-time.After(60 * time.Second):
			t.Fatalf("replica %d not done a minute after the restart: %s", i, state())
		}
		c.in.Close()
		require.NoError(t, c.cmd.Wait(), "replica %d: %s", i, c.state())
		require.Contains(t, c.lines, "OK", "replica %d: %s", i, c.state())
	}
	resumedIn := time.Since(restartAt)
	done, unavailable, other := sum()
	require.Zero(t, other, "every failure matches ErrUnavailable: %s", state())
	require.Equal(t, total, done)

	perContact := map[string]int{}
	sentDown := 0
	var last ghltest.RecordedRequest
	var times []time.Time
	for _, r := range srv.Requests() {
		if !strings.HasPrefix(r.Path, "/contacts/") {
			continue
		}
		assert.Equal(t, http.StatusOK, r.Status, "%s %s", r.Method, r.Path)
		perContact[strings.TrimPrefix(r.Path, "/contacts/")]++
		times = append(times, r.Time)
		if r.Time.After(killedAt) && r.Time.Before(restartAt) {
			sentDown++
		}
		last = r
	}
	for _, id := range ids {
		assert.Equal(t, 1, perContact[id], "contact %s fetched exactly once", id)
	}
	assert.Len(t, times, total, "no request sent twice")
	st := srv.Stats()
	assert.Zero(t, st.RateLimited, "no 429")
	assert.Zero(t, st.InvalidGrant, "no Invalid grant")
	assert.EqualValues(t, 1, downStats.TokenRefreshes, "no refresh while Redis was down")
	assert.EqualValues(t, 2, st.TokenRefreshes, "one refresh per expiry across the processes")
	assert.LessOrEqual(t, sentDown, replicas*4, "only slots reserved before the kill were used while Redis was down")
	_, _, most := fixedWindowFill(srv.Requests(), quotaInterval, quotaMax)
	assert.LessOrEqual(t, most, quotaMax, "never more than the quota in any of the emulator's windows")

	stored, err := store.Load(t.Context(), loc.ID)
	require.NoError(t, err)
	assert.Equal(t, ghltest.Fingerprint(stored.AccessToken), last.TokenFingerprint, "the last request used the stored access token")
	later, err := ghl.NewOAuthApp(ghl.OAuthConfig{ClientID: testClientID, ClientSecret: testClientSecret, BaseURL: srv.URL,
		Clock: func() time.Time { return time.Now().Add(6 * time.Hour) }}, store)
	require.NoError(t, err)
	_, err = later.TokenSource(loc.ID).Token()
	require.NoError(t, err)
	assert.EqualValues(t, 3, srv.Stats().TokenRefreshes)
	assert.Zero(t, srv.Stats().InvalidGrant, "the stored refresh token was the live one")

	t.Logf("%d processes × 4 workers, %d contacts: %d done before the kill; Redis down %s: %d calls failed (all ErrUnavailable), %d succeeded, %d requests reached the emulator, 0 refreshes; all done %s after the restart (%d failures in all, every one retried); refreshes %d, Invalid grant %d, 429s %d, most in one of the emulator's windows %d, max in a sliding 1 s window %d",
		replicas, total, doneAtKill, restartAt.Sub(killedAt).Round(time.Millisecond), failedDown, doneDown-doneAtKill, sentDown,
		resumedIn.Round(time.Millisecond), unavailable, st.TokenRefreshes, st.InvalidGrant, st.RateLimited, most, maxInWindow(times, quotaInterval))
}
