package ghl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// TokenSource hands out the access token of one location or company from
// an [OAuthApp]'s store, refreshing it when needed. Get one from
// [OAuthApp.TokenSource]; it is an [oauth2.TokenSource] for
// [WithTokenSource], implements [TokenInvalidator] (the client refreshes once
// on a 401 for an expired token) and names its rate-limit bucket by its
// location or company ID.
//
// A refresh is:
//   - proactive, RefreshMargin before the token expires;
//   - single-flight: concurrent callers share one refresh;
//   - locked across processes when the store is a [Locker]: the token is
//     reloaded under the lock, and if another process has refreshed it
//     already, its token is used;
//   - saved before it is handed out. If the store fails, the caller gets
//     [ErrTokenNotSaved]; the new pair is kept in memory (and the store's
//     lock held, so no other process spends the dead refresh token) and
//     saved on the next call before anything else;
//   - terminal on "Invalid grant" ([ErrReauthorize]): later calls fail at
//     once, without asking HighLevel, until the store holds another refresh
//     token (the app was reinstalled);
//   - paused on "Location is not active" ([ErrLocationInactive]) for
//     InactiveRetryAfter, keeping the same refresh token;
//   - forced by a 401 at most once per token lifetime: the token from a
//     refresh that a 401 forced is not invalidated by a 401 again (see
//     [TokenSource.InvalidateToken]), so a token HighLevel keeps rejecting
//     does not spend a refresh token on every call.
//
// One window cannot be closed by any client: a process that dies (or loses
// its connection) after HighLevel has rotated the refresh token and before
// the new pair is saved takes the only copy of the new pair with it, and
// the stored, spent pair then fails with [ErrReauthorize]. The window is as
// short as a response read plus one file write; a kill before the request
// or after the save loses nothing, and the store is never left torn.
type TokenSource struct {
	app  *OAuthApp
	key  string
	work chan struct{} // serializes refresh and install

	mu      sync.Mutex
	cur     *StoredToken // the token last handed out or saved
	stale   string       // an access token HighLevel rejected
	forced  string       // an access token from a refresh a 401 forced
	flight  *flight
	unsaved *StoredToken   // a new pair the store failed to save
	held    func() error   // the store lock, held while unsaved != nil
	term    *TokenError    // the terminal error of termRT
	termRT  string         // a refresh token HighLevel called invalid
	inact   *TokenError    // "Location is not active" for inactRT
	inactRT string         // ...
	inactTo time.Time      // ... until then
	hook    func(p string) // test hook at each refresh step
}

type flight struct {
	done   chan struct{}
	forced bool // started only because a 401 made the current token stale
	tok    *StoredToken
	err    error
}

// Key returns the location or company ID the source acts for.
func (s *TokenSource) Key() string { return s.key }

// RateLimitKey names the client's rate-limit bucket: the location or
// company ID.
func (s *TokenSource) RateLimitKey() string { return s.key }

// String describes the source without its tokens.
func (s *TokenSource) String() string { return fmt.Sprintf("ghl.TokenSource{Key: %q}", s.key) }

// GoString is String.
func (s *TokenSource) GoString() string { return s.String() }

// Format prints String for every verb, so no verb prints a token.
func (s *TokenSource) Format(f fmt.State, verb rune) { io.WriteString(f, s.String()) }

// Token returns a valid access token, refreshing it if needed. It is
// TokenContext with a background context.
func (s *TokenSource) Token() (*oauth2.Token, error) {
	return s.TokenContext(context.Background())
}

// TokenContext returns a valid access token, refreshing it if needed. ctx
// bounds the wait; a refresh already under way is not abandoned when ctx
// ends (its result is saved for the next call). A nil ctx is an error
// matching [ErrInvalidArgument].
func (s *TokenSource) TokenContext(ctx context.Context) (*oauth2.Token, error) {
	if ctx == nil {
		return nil, &TokenError{Op: "refresh", Key: s.key, Err: nilContext("TokenSource.TokenContext")}
	}
	t, err := s.stored(ctx)
	if err != nil {
		return nil, err
	}
	return oauthToken(t), nil
}

// Stored returns the current token with its metadata, refreshing it if
// needed (see [TokenSource.TokenContext]).
func (s *TokenSource) Stored(ctx context.Context) (*StoredToken, error) {
	if ctx == nil {
		return nil, &TokenError{Op: "refresh", Key: s.key, Err: nilContext("TokenSource.Stored")}
	}
	t, err := s.stored(ctx)
	return t.clone(), err
}

// stored returns the current token, or waits for the refresh that gets one.
// ctx is not nil.
func (s *TokenSource) stored(ctx context.Context) (*StoredToken, error) {
	t, f, err := s.current(ctx)
	if t != nil || err != nil {
		return t, err
	}
	select {
	case <-f.done:
		return f.tok, f.err
	case <-ctx.Done():
		return nil, &TokenError{Op: "refresh", Key: s.key, Err: ctx.Err(), detail: ctx.Err().Error()}
	}
}

// current returns the token to hand out as it is, or else the flight to
// wait for, starting one if none is under way. s.mu is released by a
// defer, so that nothing done under it (the injected clock, ctx.Err) can
// leave it held.
func (s *TokenSource) current(ctx context.Context) (*StoredToken, *flight, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t := s.cur; t != nil && s.unsaved == nil && t.AccessToken != s.stale && s.app.fresh(t) {
		return t, nil, nil
	}
	if s.flight == nil {
		if err := ctx.Err(); err != nil {
			return nil, nil, &TokenError{Op: "refresh", Key: s.key, Err: err, detail: err.Error()}
		}
		detached := context.WithoutCancel(ctx)
		forced := s.cur != nil && s.cur.AccessToken == s.stale && s.unsaved == nil && s.app.fresh(s.cur)
		f := &flight{done: make(chan struct{}), forced: forced}
		s.flight = f
		go s.run(detached, f)
	}
	return nil, s.flight, nil
}

// InvalidateToken tells the source that HighLevel rejected rejected as
// invalid or expired. If it is still the current token, the next call
// refreshes (or picks up a token another process refreshed); a token that
// was already replaced is ignored, so many failing callers cause one
// refresh.
//
// A token that itself came from a refresh forced this way is not
// invalidated: a second 401 shows that refreshing does not help, so the
// token is handed out until it nears expiry (and the caller sees the 401).
// The next normal refresh lifts this, so a 401 forces at most one refresh
// per token lifetime.
func (s *TokenSource) InvalidateToken(rejected *oauth2.Token) {
	if rejected == nil || rejected.AccessToken == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil && s.cur.AccessToken == rejected.AccessToken && rejected.AccessToken != s.forced {
		s.stale = rejected.AccessToken
	}
}

// run is the single flight: it refreshes detached from the caller's
// cancellation, so that a token pair obtained from HighLevel is always
// saved.
func (s *TokenSource) run(ctx context.Context, f *flight) {
	ctx, cancel := context.WithTimeout(ctx, s.app.cfg.RefreshTimeout)
	defer cancel()
	var tok *StoredToken
	var err error
	select {
	case s.work <- struct{}{}:
		tok, err = s.refresh(ctx)
		<-s.work
	case <-ctx.Done():
		err = &TokenError{Op: "refresh", Key: s.key, Err: ctx.Err(), detail: ctx.Err().Error()}
	}
	s.mu.Lock()
	if err == nil {
		s.cur, s.forced = tok, ""
		if f.forced {
			s.forced = tok.AccessToken
		}
	}
	f.tok, f.err = tok, err
	s.flight = nil
	s.mu.Unlock()
	close(f.done)
}

func (s *TokenSource) step(p string) {
	if s.hook != nil {
		s.hook(p)
	}
}

// usable reports whether a stored token can be handed out as it is.
func (s *TokenSource) usable(t *StoredToken) bool {
	s.mu.Lock()
	stale := s.stale
	s.mu.Unlock()
	return t.AccessToken != "" && t.AccessToken != stale && s.app.fresh(t)
}

// known returns the cached failure for the stored refresh token, if any.
func (s *TokenSource) known(t *StoredToken) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.term != nil {
		if t.RefreshToken == s.termRT {
			return s.term
		}
		s.term, s.termRT = nil, "" // reinstalled
	}
	if s.inact != nil {
		if t.RefreshToken == s.inactRT && s.app.now().Before(s.inactTo) {
			return s.inact
		}
		s.inact, s.inactRT = nil, ""
	}
	return nil
}

// refresh runs under s.work. See TokenSource for the protocol.
func (s *TokenSource) refresh(ctx context.Context) (*StoredToken, error) {
	a := s.app
	// A pair we could not save comes first: it holds the only live
	// refresh token.
	if t, err := s.saveUnsaved(ctx); err != nil {
		return nil, err
	} else if t != nil && s.usable(t) {
		return t, nil
	}
	// Optimistic read: a token another process saved needs no lock.
	t, err := a.store.Load(ctx, s.key)
	if err != nil {
		return nil, newTokenError("load", s.key, err)
	}
	if s.usable(t) {
		return t, nil
	}
	if err := s.known(t); err != nil {
		return nil, err
	}

	s.step("refresh:lock")
	unlock, err := a.lock(ctx, s.key)
	if err != nil {
		return nil, newTokenError("lock", s.key, err)
	}
	hold := false
	defer func() {
		if !hold {
			s.step("refresh:unlock")
			if err := unlock(); err != nil {
				a.logger.LogAttrs(ctx, slog.LevelWarn, "ghl oauth unlock failed", slog.String("key", s.key))
			}
		}
	}()
	s.step("refresh:locked")
	if t, err = a.store.Load(ctx, s.key); err != nil {
		return nil, newTokenError("load", s.key, err)
	}
	if s.usable(t) {
		a.logger.LogAttrs(ctx, slog.LevelDebug, "ghl oauth token refreshed elsewhere", slog.String("key", s.key))
		return t, nil // refreshed by another process meanwhile
	}
	if err := s.known(t); err != nil {
		return nil, err
	}
	if t.RefreshToken == "" {
		return nil, &TokenError{Op: "refresh", Key: s.key, Terminal: true, Message: "no refresh token is stored"}
	}

	ut := t.UserType
	if ut == "" {
		ut = a.cfg.UserType
	}
	form := url.Values{
		"grant_type":    {"refresh_token"},
		"refresh_token": {t.RefreshToken},
		"user_type":     {string(ut)},
	}
	s.step("refresh:post")
	nt, err := a.tokenRequest(ctx, "refresh", s.key, form, t)
	s.step("refresh:answered")
	if err != nil {
		var te *TokenError
		if errors.As(err, &te) {
			until := a.now().Add(a.cfg.InactiveRetryAfter) // the clock is not read under s.mu
			s.mu.Lock()
			switch {
			case te.Terminal:
				s.term, s.termRT = te, t.RefreshToken
			case te.LocationInactive:
				s.inact, s.inactRT, s.inactTo = te, t.RefreshToken, until
			}
			s.mu.Unlock()
			if te.Terminal {
				a.logger.LogAttrs(ctx, slog.LevelWarn, "ghl oauth grant invalid; reinstall needed", slog.String("key", s.key))
			}
		}
		return nil, err
	}
	if err := a.store.Save(ctx, s.key, nt); err != nil {
		// The old refresh token is spent: keep the new pair, and the lock,
		// until it is saved.
		s.mu.Lock()
		s.unsaved, s.held = nt, unlock
		s.mu.Unlock()
		hold = true
		a.logger.LogAttrs(ctx, slog.LevelWarn, "ghl oauth token not saved; will retry", slog.String("key", s.key))
		return nil, newTokenError("save", s.key, err, nt.AccessToken, nt.RefreshToken, t.RefreshToken)
	}
	s.step("refresh:saved")
	a.logger.LogAttrs(ctx, slog.LevelDebug, "ghl oauth token refreshed",
		slog.String("key", s.key), slog.Time("expiry", nt.Expiry))
	return nt, nil
}

// saveUnsaved saves a pair the store failed to save before, then releases
// the lock held since. It returns (nil, nil) when there is none.
func (s *TokenSource) saveUnsaved(ctx context.Context) (*StoredToken, error) {
	s.mu.Lock()
	t, held := s.unsaved, s.held
	s.mu.Unlock()
	if t == nil {
		return nil, nil
	}
	if err := s.app.store.Save(ctx, s.key, t); err != nil {
		return nil, newTokenError("save", s.key, err, t.AccessToken, t.RefreshToken)
	}
	s.mu.Lock()
	s.unsaved, s.held = nil, nil
	s.mu.Unlock()
	if held != nil {
		_ = held()
	}
	return t, nil
}

// install saves a pair from a code exchange as the current token.
func (s *TokenSource) install(ctx context.Context, t *StoredToken) error {
	select {
	case s.work <- struct{}{}:
		defer func() { <-s.work }()
	case <-ctx.Done():
		return newTokenError("save", s.key, ctx.Err())
	}
	// An older unsaved pair is superseded by the new installation.
	s.mu.Lock()
	held := s.held
	s.unsaved, s.held = nil, nil
	s.mu.Unlock()
	unlock := held
	if unlock == nil {
		var err error
		if unlock, err = s.app.lock(ctx, s.key); err != nil {
			s.mu.Lock()
			s.unsaved = t
			s.mu.Unlock()
			return newTokenError("save", s.key, err)
		}
	}
	err := s.app.store.Save(ctx, s.key, t)
	s.mu.Lock()
	if err != nil {
		s.unsaved, s.held = t, unlock
	} else {
		s.cur, s.stale, s.forced = t, "", ""
		s.term, s.termRT, s.inact, s.inactRT = nil, "", nil, ""
	}
	s.mu.Unlock()
	if err != nil {
		return newTokenError("save", s.key, err, t.AccessToken, t.RefreshToken)
	}
	if err := unlock(); err != nil {
		s.app.logger.LogAttrs(ctx, slog.LevelWarn, "ghl oauth unlock failed", slog.String("key", s.key))
	}
	return nil
}

// fresh reports whether t is valid for at least the refresh margin (capped
// at half its lifetime).
func (a *OAuthApp) fresh(t *StoredToken) bool {
	if t.Expiry.IsZero() {
		return true
	}
	margin := a.margin
	if !t.IssuedAt.IsZero() {
		margin = min(margin, t.Expiry.Sub(t.IssuedAt)/2)
	}
	return a.now().Before(t.Expiry.Add(-margin))
}

func oauthToken(t *StoredToken) *oauth2.Token {
	return &oauth2.Token{AccessToken: t.AccessToken, TokenType: tokenType(t.TokenType), Expiry: t.Expiry}
}
