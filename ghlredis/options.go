package ghlredis

import (
	"encoding/hex"
	"strings"
	"time"

	ghl "github.com/salesnexus/ghl-go"
)

// DefaultLockLease is the lease of the refresh lock: longer than a refresh
// may take ([ghl.DefaultRefreshTimeout]), so that the lease never runs out
// under a live refresh even if its renewal fails. A process killed while it
// holds the lock delays the others by at most this long.
const DefaultLockLease = ghl.DefaultRefreshTimeout + 30*time.Second

// DefaultPrefix begins every key this package writes.
const DefaultPrefix = "ghl:"

// Option configures a [TokenStore], [RateLimiter] or [WebhookDedupe]; each
// says which types it applies to, and the others ignore it.
type Option func(*options)

type options struct {
	prefix      string
	lease       time.Duration
	retry       time.Duration
	replicas    int
	waitTimeout time.Duration
}

func newOptions(opts []Option) options {
	o := options{prefix: DefaultPrefix, lease: DefaultLockLease, retry: 20 * time.Millisecond}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// WithPrefix sets the prefix of every key (default [DefaultPrefix]), for
// several apps or environments on one Redis. All types. In a Cluster, a
// prefix holding braces changes the hash tag: "{app}:" puts every key in
// one slot (one node), and a prefix holding "{}" spreads the keys of one
// location over several slots, which the rate limiter's script cannot
// run on (CROSSSLOT); keep braces out of the prefix.
func WithPrefix(p string) Option { return func(o *options) { o.prefix = p } }

// WithLockLease sets the lease of the [TokenStore] refresh lock (default
// [DefaultLockLease]). The lock is renewed every third of the lease while
// it is held, so the lease bounds only how long a killed holder blocks the
// others; keep it longer than OAuthConfig.RefreshTimeout. Values under a
// second are raised to a second. TokenStore.
func WithLockLease(d time.Duration) Option {
	return func(o *options) { o.lease = max(d, time.Second) }
}

// WithLockRetry sets how often a blocked [TokenStore.Lock] tries again
// (default 20 ms). TokenStore.
func WithLockRetry(d time.Duration) Option {
	return func(o *options) {
		if d > 0 {
			o.retry = d
		}
	}
}

// WithWait makes [TokenStore.Save] wait until replicas replicas have
// acknowledged the write, for at most timeout (Redis WAIT), and fail with
// [ErrNotReplicated] otherwise. TokenStore.
func WithWait(replicas int, timeout time.Duration) Option {
	return func(o *options) { o.replicas, o.waitTimeout = replicas, timeout }
}

// hashKey is prefix{key}suffix: every key of one ID in one Cluster slot,
// so that the rate limiter's script (three keys) runs in a Cluster. Redis
// hashes the text between the first "{" and the next "}", or the whole
// key when that text is empty: a key that is empty or holds a brace would
// spread its keys over several slots, so it is written as "{" + hex, a
// tag that no plain key makes (plain keys hold no brace).
func (o *options) hashKey(key, suffix string) string {
	if key == "" || strings.ContainsAny(key, "{}") {
		key = "{" + hex.EncodeToString([]byte(key))
	}
	return o.prefix + "{" + key + "}" + suffix
}
