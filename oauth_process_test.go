//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package ghl

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/salesnexus/ghl-go/ghltest"
)

// The multi-process tests re-run this test binary as a child process
// (TestHelperProcess), which talks to an emulator run by the parent on
// 127.0.0.1 and shares the parent's FileTokenStore directory.

const helperEnv = "GHL_OAUTH_HELPER"

// helper describes one child process.
type helper struct {
	Mode    string // "loop" or "crash"
	URL     string // the emulator
	Dir     string // the token directory
	Loc     string // the location ID
	N       int    // loop: iterations
	CrashAt string // crash: the step at which the child SIGKILLs itself
	Seed    uint64
	Start   time.Time // the child's clock starts here (default: now)
}

func (h helper) env() []string {
	return append(os.Environ(),
		helperEnv+"=1",
		"GHL_HELPER_MODE="+h.Mode, "GHL_HELPER_URL="+h.URL, "GHL_HELPER_DIR="+h.Dir, "GHL_HELPER_LOC="+h.Loc,
		"GHL_HELPER_N="+strconv.Itoa(h.N), "GHL_HELPER_CRASH_AT="+h.CrashAt, "GHL_HELPER_SEED="+strconv.FormatUint(h.Seed, 10),
		"GHL_HELPER_NOW="+strconv.FormatInt(h.Start.UnixNano(), 10))
}

func (h helper) command(ctx context.Context) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1", "-test.v=false")
	cmd.Env = h.env()
	return cmd
}

// TestHelperProcess is the child side of the multi-process tests. It does
// nothing unless started by one of them.
func TestHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		return // not a child: nothing to do
	}
	n, _ := strconv.Atoi(os.Getenv("GHL_HELPER_N"))
	seed, _ := strconv.ParseUint(os.Getenv("GHL_HELPER_SEED"), 10, 64)
	start, _ := strconv.ParseInt(os.Getenv("GHL_HELPER_NOW"), 10, 64)
	h := helper{Mode: os.Getenv("GHL_HELPER_MODE"), URL: os.Getenv("GHL_HELPER_URL"), Dir: os.Getenv("GHL_HELPER_DIR"),
		Loc: os.Getenv("GHL_HELPER_LOC"), N: n, CrashAt: os.Getenv("GHL_HELPER_CRASH_AT"), Seed: seed}
	if start > 0 {
		h.Start = time.Unix(0, start)
	}
	if err := runHelper(h); err != nil {
		fmt.Println("HELPER-ERROR:", err)
		os.Exit(3)
	}
	fmt.Println("HELPER-OK")
	os.Exit(0)
}

// childClock is a clock the child moves forward on its own.
type childClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *childClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *childClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
func (c *childClock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

func runHelper(h helper) error {
	store, err := NewFileTokenStore(h.Dir)
	if err != nil {
		return err
	}
	clk := &childClock{now: time.Now()}
	if !h.Start.IsZero() {
		clk.now = h.Start
	}
	logs := &syncBuffer{}
	app, err := NewOAuthApp(OAuthConfig{
		ClientID: testClientID, ClientSecret: testClientSecret, BaseURL: h.URL, Clock: clk.Now,
		Logger:        slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		ClientOptions: []Option{WithRetry(RetryPolicy{}), WithRateLimit(RateLimit{Disabled: true})},
	}, store)
	if err != nil {
		return err
	}
	ts := app.TokenSource(h.Loc)
	ctx := context.Background()
	switch h.Mode {
	case "loop":
		// Many refresh cycles: the child's clock runs 30 to 50 minutes per
		// iteration against 1-hour tokens, and every other token is
		// reported rejected (as a 401 would; a token from a refresh forced
		// that way is not refreshed again until it nears expiry).
		c, err := app.Client(h.Loc)
		if err != nil {
			return err
		}
		r := rand.New(rand.NewPCG(h.Seed, 1))
		for i := range h.N {
			clk.Advance(time.Duration(30+r.IntN(20)) * time.Minute)
			tok, err := ts.Token()
			if err != nil {
				return fmt.Errorf("iteration %d: %w", i, err)
			}
			if err := listContacts(ctx, c, h.Loc); err != nil {
				return fmt.Errorf("iteration %d: %w", i, err)
			}
			if i%2 == 0 {
				ts.InvalidateToken(tok)
			}
		}
		fmt.Printf("HELPER-STATS refreshed=%d elsewhere=%d\n",
			strings.Count(logs.String(), `"msg":"ghl oauth token refreshed"`),
			strings.Count(logs.String(), `"msg":"ghl oauth token refreshed elsewhere"`))
		return nil
	case "crash", "spin":
		kill := func(p string) {
			if p == h.CrashAt {
				syscall.Kill(os.Getpid(), syscall.SIGKILL)
				select {} // the signal is on its way
			}
		}
		ts.hook, store.hook = kill, kill
		// The child's clock stands at Start, after the stored token's
		// expiry, so the first Token call refreshes.
		if h.Mode == "spin" {
			// Refresh over and over until the parent kills us: each
			// token has expired by the next call. (Invalidating it would
			// not do: a token from a refresh forced that way is not
			// refreshed again on a 401.)
			fmt.Println("HELPER-READY")
			for {
				if _, err := ts.Token(); err != nil {
					return err
				}
				clk.Advance(time.Hour)
			}
		}
		_, err := ts.Token()
		return err
	}
	return fmt.Errorf("unknown mode %q", h.Mode)
}

// oauthProcessEnv is an emulator and a token directory shared with child
// processes, plus the parent's own app on that directory.
type oauthProcessEnv struct {
	srv   *ghltest.Server
	loc   *ghltest.Location
	dir   string
	store *FileTokenStore
	clk   *childClock
	app   *OAuthApp
}

func newProcessEnv(t *testing.T, ttl time.Duration) *oauthProcessEnv {
	t.Helper()
	// The server's clock stands still: tokens expire by the clients'
	// clocks only, so every access token the clients hold stays usable.
	srvClock := ghltest.NewManualClock(time.Now())
	srv := ghltest.NewServer(ghltest.WithClock(srvClock.Now), ghltest.WithAccessTokenTTL(ttl), ghltest.WithRateLimit(0, 0, 0))
	t.Cleanup(srv.Close)
	require.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), srv.URL)
	srv.RegisterApp(testClientID, testClientSecret)
	loc := srv.CreateLocation("Shared")
	dir := t.TempDir()
	store, err := NewFileTokenStore(dir)
	require.NoError(t, err)
	e := &oauthProcessEnv{srv: srv, loc: loc, dir: dir, store: store, clk: &childClock{now: time.Now()}}
	e.app, err = NewOAuthApp(OAuthConfig{ClientID: testClientID, ClientSecret: testClientSecret, BaseURL: srv.URL, Clock: e.clk.Now}, store)
	require.NoError(t, err)
	e.install(t)
	return e
}

func (e *oauthProcessEnv) install(t *testing.T) {
	t.Helper()
	code := e.srv.AuthorizationCode(testClientID, e.loc.ID, "Location", "")
	_, err := e.app.Exchange(t.Context(), code)
	require.NoError(t, err)
}

func (e *oauthProcessEnv) helper(mode string) helper {
	return helper{Mode: mode, URL: e.srv.URL, Dir: e.dir, Loc: e.loc.ID}
}

// Two processes share one file store through many refresh cycles: no
// refresh token is ever used twice.
func TestOAuthTwoProcessesShareFileStore(t *testing.T) {
	t.Parallel()
	e := newProcessEnv(t, time.Hour)
	const perChild = 100
	var wg sync.WaitGroup
	outs := make([]string, 2)
	errs := make([]error, 2)
	for i := range 2 {
		h := e.helper("loop")
		h.N, h.Seed = perChild, uint64(i+1)
		wg.Go(func() {
			out, err := h.command(t.Context()).CombinedOutput()
			outs[i], errs[i] = string(out), err
		})
	}
	wg.Wait()
	for i := range 2 {
		require.NoError(t, errs[i], "child %d:\n%s", i, outs[i])
		require.Contains(t, outs[i], "HELPER-OK", "child %d", i)
	}
	st := e.srv.Stats()
	assert.Zero(t, st.InvalidGrant, "no refresh token was used twice")
	assert.GreaterOrEqual(t, st.TokenRefreshes, int64(50), "many refresh cycles")
	t.Logf("%d refreshes, %d requests", st.TokenRefreshes, st.Requests)
	for i := range 2 {
		for _, line := range strings.Split(outs[i], "\n") {
			if strings.HasPrefix(line, "HELPER-STATS") {
				t.Logf("child %d: %s", i, line)
			}
		}
	}

	// The store ends with a live refresh token.
	e.clk.Advance(1000 * time.Hour)
	_, err := e.app.TokenSource(e.loc.ID).Token()
	require.NoError(t, err)
	assert.Zero(t, e.srv.Stats().InvalidGrant)
}

// crashPoints are the steps of a refresh, in order, at which a child can
// die. A kill before "refresh:post" or from "save:renamed" on loses
// nothing. A kill from "refresh:answered" to "save:written" dies after
// HighLevel rotated the refresh token and before the new one reached the
// disk: no client can keep that pair (it only ever existed in the dead
// process), so the store keeps the old, now spent pair, intact.
var crashPoints = []struct {
	point string
	lost  bool // the new pair dies with the process
}{
	{"refresh:lock", false},
	{"refresh:locked", false},
	{"refresh:post", false},
	{"refresh:answered", true},
	{"save:written", true},
	{"save:renamed", false},
	{"save:synced", false},
	{"refresh:saved", false},
	{"refresh:unlock", false},
}

// A child killed (SIGKILL) at any step of a refresh never leaves a torn
// file or a held lock, and loses no refresh token unless it dies in the
// window where the only copy of the new one is in its memory.
func TestOAuthCrashDuringRefresh(t *testing.T) {
	t.Parallel()
	e := newProcessEnv(t, time.Hour)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 2))
	// Every point once, then a few random ones, in random order.
	order := r.Perm(len(crashPoints))
	for range 3 {
		order = append(order, r.IntN(len(crashPoints)))
	}
	ctx := t.Context()
	for iter, idx := range order {
		cp := crashPoints[idx]
		before, err := e.store.Load(ctx, e.loc.ID)
		require.NoError(t, err)
		stats0 := e.srv.Stats()

		h := e.helper("crash")
		h.CrashAt = cp.point
		h.Start = e.clk.Now().Add(48 * time.Hour) // past the stored token's expiry
		out, err := h.command(ctx).CombinedOutput()
		requireKilled(t, err, string(out), cp.point)

		// The kernel released the flock of the dead process.
		lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		unlock, err := e.store.Lock(lctx, e.loc.ID)
		cancel()
		require.NoError(t, err, "%s: lock released", cp.point)
		require.NoError(t, unlock())

		// The file is whole, 0600, and holds the old pair or the new one.
		fi, err := os.Stat(e.store.Path(e.loc.ID))
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
		after, err := e.store.Load(ctx, e.loc.ID)
		require.NoError(t, err, "%s: the token file is readable", cp.point)
		require.NotEmpty(t, after.RefreshToken)
		stats1 := e.srv.Stats()
		rotated := stats1.TokenRefreshes - stats0.TokenRefreshes
		switch {
		case cp.point == "refresh:lock" || cp.point == "refresh:locked" || cp.point == "refresh:post":
			assert.Zero(t, rotated, "%s: nothing sent", cp.point)
			assert.Equal(t, before.RefreshToken, after.RefreshToken, "%s: old pair kept", cp.point)
		case cp.lost:
			assert.EqualValues(t, 1, rotated, "%s", cp.point)
			assert.Equal(t, before.RefreshToken, after.RefreshToken, "%s: old pair kept intact", cp.point)
		default:
			assert.EqualValues(t, 1, rotated, "%s", cp.point)
			assert.NotEqual(t, before.RefreshToken, after.RefreshToken, "%s: new pair saved", cp.point)
		}

		// The next process refreshes with what the store holds: its clock
		// is past the expiry of anything the child saved.
		// Past every token the child can have saved: its clock runs an
		// hour per refresh, and a fast child refreshes dozens of times
		// before the kill. (With 48 hours here, a child that had gone
		// past them left a token the parent took as fresh without asking
		// HighLevel, while the child's last refresh, still in the socket,
		// spent it: the next child then met Invalid grant.)
		e.clk.Set(h.Start.Add(365 * 24 * time.Hour))
		_, err = e.app.TokenSource(e.loc.ID).Token()
		if cp.lost {
			require.ErrorIs(t, err, ErrReauthorize, "%s: the spent pair is reported, once", cp.point)
			e.install(t) // the customer reinstalls
		} else {
			require.NoError(t, err, "iteration %d, %s: the stored refresh token is accepted", iter, cp.point)
		}
		assertNoTempLeftOver(t, e.dir, cp.point)
	}
	lost := 0
	for _, idx := range order {
		if crashPoints[idx].lost {
			lost++
		}
	}
	assert.EqualValues(t, lost, e.srv.Stats().InvalidGrant, "invalid grants only from the unavoidable window")
}

// Kills at random moments of a child that refreshes in a loop leave a whole
// token file and a free lock every time.
func TestOAuthCrashAtRandomMoments(t *testing.T) {
	t.Parallel()
	e := newProcessEnv(t, time.Hour)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	r := rand.New(rand.NewPCG(seed, 3))
	ctx := t.Context()
	accepted, spent := 0, 0
	const kills = 4
	for range kills {
		h := e.helper("spin")
		h.Start = e.clk.Now().Add(48 * time.Hour)
		cmd := h.command(ctx)
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		sc := bufio.NewScanner(stdout)
		for sc.Scan() && sc.Text() != "HELPER-READY" {
		}
		// Let it refresh for a random while, then kill it.
		time.Sleep(time.Duration(r.IntN(40)) * time.Millisecond)
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		go io.Copy(io.Discard, stdout)
		err = cmd.Wait()
		requireKilled(t, err, "", "random")

		lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		unlock, err := e.store.Lock(lctx, e.loc.ID)
		cancel()
		require.NoError(t, err, "lock released")
		require.NoError(t, unlock())
		tok, err := e.store.Load(ctx, e.loc.ID)
		require.NoError(t, err, "the token file is whole")
		require.NotEmpty(t, tok.RefreshToken)

		// Past every token the child can have saved: its clock runs an
		// hour per refresh, and a fast child refreshes dozens of times
		// before the kill. (With 48 hours here, a child that had gone
		// past them left a token the parent took as fresh without asking
		// HighLevel, while the child's last refresh, still in the socket,
		// spent it: the next child then met Invalid grant.)
		e.clk.Set(h.Start.Add(365 * 24 * time.Hour))
		_, err = e.app.TokenSource(e.loc.ID).Token()
		switch {
		case err == nil:
			accepted++
		case errors.Is(err, ErrReauthorize):
			spent++ // killed between rotation and rename
			e.install(t)
		default:
			require.NoError(t, err)
		}
	}
	t.Logf("after a kill the stored token was accepted %d times, spent %d times", accepted, spent)
	// Every spent pair was refused once. A child killed just after writing
	// its request can add one more refusal: the request is already in the
	// socket and may reach the emulator after the parent has refreshed with
	// the same stored token (seen with a per-process header: the parent's
	// refresh answered 200, then the dead child's 400). That refusal harms
	// nothing; had it arrived first, it would have been the unavoidable
	// window, and the parent would have seen ErrReauthorize.
	invalid := e.srv.Stats().InvalidGrant
	assert.GreaterOrEqual(t, invalid, int64(spent))
	assert.LessOrEqual(t, invalid, int64(spent+kills))
}

func requireKilled(t *testing.T, err error, out, point string) {
	t.Helper()
	var ee *exec.ExitError
	require.True(t, errors.As(err, &ee), "%s: child was not killed: %v\n%s", point, err, out)
	ws, ok := ee.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "%s: child ended with %v\n%s", point, err, out)
}

func assertNoTempLeftOver(t *testing.T, dir, point string) {
	t.Helper()
	// A kill between writing the temporary file and renaming it leaves the
	// temporary file behind (harmless: it is never read); clean it up as
	// an operator would, and check nothing else is there.
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, ent := range ents {
		name := ent.Name()
		if strings.Contains(name, ".tmp-") {
			assert.Equal(t, "save:written", point, "temporary file %s", name)
			os.Remove(dir + "/" + name)
			continue
		}
		assert.True(t, strings.HasSuffix(name, ".json") || strings.HasSuffix(name, ".lock"), name)
	}
}

var _ oauth2.TokenSource = (*TokenSource)(nil)
