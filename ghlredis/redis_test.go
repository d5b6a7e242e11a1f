package ghlredis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// The tests run against a real Redis: the one GHL_REDIS_URL names (CI
// starts one), or else a redis-server from PATH that TestMain starts on a
// free loopback port with a temporary directory and stops at the end.
// Child processes (re-executed test binary, see process_test.go) inherit
// GHL_REDIS_URL. Each test writes under its own key prefix.

const redisURLEnv = "GHL_REDIS_URL"

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		os.Exit(runChild(mode))
	}
	stop, err := ensureRedis()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ghlredis tests:", err)
		os.Exit(2)
	}
	code := m.Run()
	stop()
	os.Exit(code)
}

// ensureRedis makes GHL_REDIS_URL name a live Redis.
func ensureRedis() (stop func(), err error) {
	if u := os.Getenv(redisURLEnv); u != "" {
		return func() {}, ping(u, 5*time.Second)
	}
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("these tests need a real Redis: set %s (e.g. redis://127.0.0.1:6379/0) or put redis-server on PATH (Debian: apt-get install redis-server): %v", redisURLEnv, err)
	}
	dir, err := os.MkdirTemp("", "ghlredis-test-")
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--daemonize", "no")
	dieWithTest(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %v", bin, err)
	}
	u := fmt.Sprintf("redis://127.0.0.1:%d/0", port)
	stop = func() {
		cmd.Process.Kill()
		cmd.Wait()
		os.RemoveAll(dir)
	}
	if err := ping(u, 10*time.Second); err != nil {
		stop()
		return nil, fmt.Errorf("redis-server on port %d: %v", port, err)
	}
	os.Setenv(redisURLEnv, u)
	return stop, nil
}

// ping waits until the Redis at u answers PING.
func ping(u string, within time.Duration) error {
	opt, err := redis.ParseURL(u)
	if err != nil {
		return fmt.Errorf("%s: %v", redisURLEnv, err)
	}
	c := redis.NewClient(opt)
	defer c.Close()
	deadline := time.Now().Add(within)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = c.Ping(ctx).Err()
		cancel()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond) // polling for start-up
	}
}

// newRedis returns a client on the test Redis, closed with the test.
func newRedis(t testing.TB) redis.UniversalClient {
	t.Helper()
	c, err := dialRedis()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func dialRedis() (redis.UniversalClient, error) {
	opt, err := redis.ParseURL(os.Getenv(redisURLEnv))
	if err != nil {
		return nil, err
	}
	opt.PoolSize = 64
	return redis.NewClient(opt), nil
}

// deadRedis is a client on a loopback port nobody listens on.
func deadRedis(t testing.TB) redis.UniversalClient {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { c.Close() })
	return c
}

// prefix is a key prefix of the test's own.
func prefix(t testing.TB) string {
	b := make([]byte, 4)
	rand.Read(b)
	return "test:" + strings.ReplaceAll(t.Name(), "/", "_") + ":" + hex.EncodeToString(b) + ":"
}
