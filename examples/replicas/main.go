// Command replicas runs three workers, as three replicas of a connector
// would be (each its own ghl.Client and its own Redis connection), that
// fetch contacts of one location as fast as they can. They share one rate
// limit budget through ghlredis.RateLimiter, so together they stay inside
// the location's quota instead of each spending all of it. It prints the
// share of the quota they used and the 429s the server sent.
//
//	go run ./examples/replicas
//
// It runs on the embedded HighLevel emulator (ghltest), whose quota is
// scaled down to 100 requests per second so that a run takes seconds, and
// on the Redis that GHL_REDIS_URL names (redis://host:6379/0), or else on
// a redis-server from PATH that it starts on a free loopback port in a
// temporary directory and stops at the end (Debian: apt-get install
// redis-server).
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	ghl "github.com/salesnexus/ghl-go"
	"github.com/salesnexus/ghl-go/ghlredis"
	"github.com/salesnexus/ghl-go/ghltest"
)

// The emulator's quota, scaled down from HighLevel's 100 per 10 s.
const (
	quotaMax      = 100
	quotaInterval = time.Second
)

// limit is the budget the replicas share: 96 a second (with a burst of 1)
// leaves a few slots a second for the jitter between the slot Redis
// reserves and the request's arrival at the server.
var limit = ghl.RateLimit{Requests: 96, Interval: quotaInterval, Burst: 1}

type config struct {
	workers   int
	perWorker int
	redisURL  string // "" starts a redis-server from PATH
}

func main() {
	cfg := config{redisURL: os.Getenv("GHL_REDIS_URL")}
	flag.IntVar(&cfg.workers, "workers", 3, "number of workers (replicas)")
	flag.IntVar(&cfg.perWorker, "requests", 120, "requests per worker")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, cfg); err != nil {
		log.Fatal(err)
	}
}

// run starts the emulator (and Redis if needed), runs the workers and
// prints the report to w.
func run(ctx context.Context, w io.Writer, cfg config) error {
	if cfg.workers <= 0 || cfg.perWorker <= 0 {
		return errors.New("-workers and -requests must be positive")
	}
	redisURL := cfg.redisURL
	if redisURL == "" {
		u, stop, err := startRedis()
		if err != nil {
			return err
		}
		defer stop()
		redisURL = u
		fmt.Fprintf(w, "No GHL_REDIS_URL set: started redis-server at %s\n", u)
	} else {
		fmt.Fprintf(w, "Using Redis at %s\n", redisURL)
	}
	ropt, err := redis.ParseURL(redisURL)
	if err != nil {
		return fmt.Errorf("GHL_REDIS_URL: %v", err)
	}

	srv := ghltest.NewServer(ghltest.WithRateLimit(quotaMax, quotaInterval, ghltest.DefaultRateLimitDaily),
		ghltest.WithRequestLogLimit(cfg.workers*cfg.perWorker+100))
	defer srv.Close()
	loc := srv.CreateLocation("Replicas Demo")
	ids := srv.SeedContacts(loc.ID, 50)
	fmt.Fprintf(w, "Embedded HighLevel emulator at %s, quota %d requests per %s\n", srv.URL, quotaMax, quotaInterval)

	// A prefix of this run's own, so that runs sharing a Redis start
	// with a fresh budget.
	b := make([]byte, 4)
	rand.Read(b)
	prefix := "ghl-replicas-example:" + hex.EncodeToString(b) + ":"

	// Each worker is what one replica would run: its own Redis client,
	// limiter and ghl.Client. Only the budget in Redis is shared.
	clients := make([]*ghl.Client, cfg.workers)
	for i := range clients {
		rdb := redis.NewClient(ropt)
		defer rdb.Close()
		if err := rdb.Ping(ctx).Err(); err != nil {
			return fmt.Errorf("redis at %s: %v", redisURL, err)
		}
		lim := ghlredis.NewRateLimiter(rdb, limit, ghlredis.WithPrefix(prefix))
		c, err := ghl.NewClient(ghl.WithBaseURL(srv.URL), ghl.WithAccessToken(loc.Token), ghl.WithLimiter(lim))
		if err != nil {
			return err
		}
		clients[i] = c
	}

	fmt.Fprintf(w, "%d workers × %d Contacts.Get, sharing ghlredis.RateLimiter at %d per %s...\n",
		cfg.workers, cfg.perWorker, limit.Requests, limit.Interval)
	srv.ResetRequests()
	errs := make([]error, cfg.workers)
	done := make([]int, cfg.workers)
	var wg sync.WaitGroup
	for i, c := range clients {
		wg.Go(func() {
			for n := range cfg.perWorker {
				if _, _, err := c.Contacts.Get(ctx, ids[(i*cfg.perWorker+n)%len(ids)]); err != nil {
					errs[i] = fmt.Errorf("worker %d: %w", i+1, err)
					return
				}
				done[i]++
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}

	// The emulator's log says what reached it and when.
	var first, last time.Time
	served, limited := 0, 0
	for _, r := range srv.Requests() {
		if r.Status == http.StatusTooManyRequests {
			limited++
			continue
		}
		if served == 0 {
			first = r.Time
		}
		last = r.Time
		served++
	}
	span := last.Sub(first)
	capacity := float64(quotaMax) * span.Seconds() / quotaInterval.Seconds()
	used := 0.0
	if capacity > 0 {
		used = 100 * float64(served) / capacity
	}
	for i, n := range done {
		fmt.Fprintf(w, "  worker %d: %d requests\n", i+1, n)
	}
	fmt.Fprintf(w, "Served %d requests in %s: quota used %.1f%% of %d per %s\n",
		served, span.Round(time.Millisecond), used, quotaMax, quotaInterval)
	fmt.Fprintf(w, "429s seen: %d\n", max(limited, int(srv.Stats().RateLimited)))
	return nil
}

// startRedis starts a redis-server from PATH on a free loopback port in a
// temporary directory (nothing saved to disk), and waits until it answers.
func startRedis() (url string, stop func(), err error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", nil, fmt.Errorf("this example needs Redis: set GHL_REDIS_URL (e.g. redis://127.0.0.1:6379/0) or put redis-server on PATH (Debian: apt-get install redis-server): %v", err)
	}
	dir, err := os.MkdirTemp("", "ghl-replicas-")
	if err != nil {
		return "", nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no")
	if err := cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("starting %s: %v", bin, err)
	}
	stop = func() {
		cmd.Process.Kill()
		cmd.Wait()
		os.RemoveAll(dir)
	}
	url = fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	c := redis.NewClient(&redis.Options{Addr: fmt.Sprintf("127.0.0.1:%d", port)})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		pctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = c.Ping(pctx).Err()
		cancel()
		if err == nil {
			return url, stop, nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, fmt.Errorf("redis-server on port %d did not answer: %v", port, err)
		}
		time.Sleep(20 * time.Millisecond) // polling for start-up
	}
}
