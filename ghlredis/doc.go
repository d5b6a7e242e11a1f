// Package ghlredis shares what the replicas of a ghl-go connector must
// agree on through Redis: OAuth tokens and their refresh lock
// ([TokenStore]), the rate-limit budget of each location or company
// ([RateLimiter]) and the de-duplication of webhook deliveries
// ([WebhookDedupe]). It is a separate package so that programs that do not
// need Redis do not import its client.
//
//	rdb := redis.NewUniversalClient(&redis.UniversalOptions{Addrs: []string{"redis:6379"}})
//	store := ghlredis.NewTokenStore(rdb)
//	app, err := ghl.NewOAuthApp(ghl.OAuthConfig{
//		ClientID: id, ClientSecret: secret,
//		ClientOptions: []ghl.Option{ghl.WithLimiter(ghlredis.NewRateLimiter(rdb, ghl.DefaultRateLimit()))},
//	}, store)
//	verifier, err := ghl.NewWebhookVerifier(ghl.WithWebhookDeduper(ghlredis.NewWebhookDedupe(rdb, 0)))
//
// # Single, Sentinel and Cluster
//
// Every type takes a [redis.UniversalClient], so a single server, a
// Sentinel group (MasterName set) and a Cluster all work. The keys of one
// location, company or webhook share one hash tag, so that each script
// runs on one slot:
//
//	<prefix>{<key>}:token   a token pair, JSON (access and refresh token in clear)
//	<prefix>{<key>}:lock    the refresh lock (a random token, with a lease)
//	<prefix>{<key>}:tat     the rate limiter's theoretical arrival time (GCRA)
//	<prefix>{<key>}:fit     the limit fitted to HighLevel's X-RateLimit-Max
//	<prefix>{<key>}:daily   present while the daily quota is spent
//	<prefix>{<key>}:checkpoint  a change feed's checkpoint ([CheckpointStore])
//	<prefix>webhook:{<id>}  a webhookId seen, with a TTL
//
// The prefix is "ghl:" unless [WithPrefix] says otherwise. A key that is
// empty or holds a brace is written {{<hex of key>} instead of {<key>},
// so that it still makes a hash tag of its own.
//
// # Durability
//
// A token Save is one SET. Redis acknowledges it from memory: for a save
// that survives a crash of Redis, run it with the append-only file and
// appendfsync always (or everysec, accepting a second's loss), and, with
// replicas, use [WithWait] so that Save returns only once that many
// replicas have the pair (WAIT). A refresh token lost by Redis cannot be
// recovered: the location must install the app again.
//
// Redis replicates asynchronously, so a Sentinel or Cluster fail-over
// loses the writes the promoted replica had not received: a pair saved
// without [WithWait] (its predecessor's refresh token already spent:
// [ghl.ErrReauthorize]), or a refresh lock just taken (another replica may
// then refresh the same pair at once, and one of the two meets "Invalid
// grant"). WithWait closes the first; the second needs a fail-over within
// the few hundred milliseconds of a refresh. During a fail-over, calls
// fail with [ErrUnavailable] as when Redis is down, until the client
// reaches the promoted replica.
//
// Protect Redis as you would the tokens themselves (ACLs, TLS, a private
// network): it holds them in clear.
//
// # When Redis is down
//
// Every failure to reach Redis is an [*Error] matching [ErrUnavailable]:
//
//   - TokenStore.Load, Save, Delete and Lock return it. The OAuth token
//     sources of package ghl load the token and take the lock before they
//     POST /oauth/token, so no refresh token is ever spent while Redis is
//     unreachable: the call fails (a *ghl.TokenError wrapping the *Error)
//     and the next one tries again. A refresh whose Save fails (Redis went
//     away after HighLevel answered) keeps the new pair in memory and the
//     lock's lease renewed, and saves it first on the next call; if Redis
//     stays unreachable for longer than the lease, another replica may
//     take the lock and refresh with the old pair ([ghl.ErrReauthorize]):
//     keep the lease long.
//   - RateLimiter.Wait returns it, and the client's call fails with a
//     *ghl.RequestError wrapping it without sending anything: a replica
//     never sends outside the shared budget.
//   - WebhookDedupe.Seen returns it, and the verifier's Handler answers
//     500, so HighLevel delivers the event again later.
package ghlredis
