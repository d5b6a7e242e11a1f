package ghltest

import (
	"net/http"
	"net/url"
	"strings"
)

// authClass is the kind of token an operation accepts (HighLevel's
// security schemes).
type authClass int

const (
	locationOnly authClass = iota // Sub-Account (Location) token or PIT
	companyOnly                   // Agency (Company) token
	anyToken                      // either
)

type route struct {
	method string
	segs   []string // literal segments, or "{name}" parameters
	class  authClass
	h      func(*reqCtx)
}

// handle registers a route. Patterns are HighLevel spec paths; a trailing
// slash is optional when matching (Express's non-strict routing). Routes are
// tried in registration order, so register literal paths before
// parameterized ones that could shadow them.
func (s *Server) handle(method, pattern string, class authClass, h func(*reqCtx)) {
	s.routes = append(s.routes, route{method: method, segs: splitPath(pattern), class: class, h: h})
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match finds the route for method and the request's escaped path and returns
// it with its decoded parameters.
func (s *Server) match(method string, u *url.URL) (*route, []string) {
	segs := splitPath(u.EscapedPath())
	for i := range s.routes {
		rt := &s.routes[i]
		if rt.method != method || len(rt.segs) != len(segs) {
			continue
		}
		var params []string
		ok := true
		for j, want := range rt.segs {
			got, err := url.PathUnescape(segs[j])
			if err != nil {
				ok = false
				break
			}
			if strings.HasPrefix(want, "{") {
				if got == "" {
					ok = false
					break
				}
				params = append(params, want[1:len(want)-1], got)
			} else if want != got {
				ok = false
				break
			}
		}
		if ok {
			return rt, params
		}
	}
	return nil, nil
}

// validVersions are the published values of the Version header.
var validVersions = map[string]bool{
	"2021-04-15": true,
	"2021-07-28": true,
	"2023-02-21": true,
	"v3":         true,
	"legacy":     true,
}

// Messages of the 401 responses. See the package documentation.
const (
	msgInvalidToken   = "Invalid token: access token is invalid"
	msgExpiredToken   = "Invalid JWT: access token has expired"
	msgNoVersion      = "version header was not found."
	msgBadVersion     = "version header is invalid"
	msgWrongAuthClass = "This authClass type is not allowed to access this scope. Please reach out to the Platform team to get it added."
)

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header, or "".
func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// process runs the emulated API for one request: OAuth token endpoint, or
// authentication, rate limiting, Version check, routing and the handler.
func (s *Server) process(c *reqCtx) {
	r := c.r
	if strings.TrimSuffix(r.URL.Path, "/") == "/oauth/token" {
		if r.Method != http.MethodPost {
			c.notFound("Cannot " + r.Method + " " + r.URL.Path)
			return
		}
		s.oauthToken(c)
		return
	}
	p, expired := s.lookupToken(bearerToken(r))
	if p == nil {
		if expired {
			c.unauthorized(msgExpiredToken, true)
		} else {
			c.unauthorized(msgInvalidToken, true)
		}
		return
	}
	c.p = p
	st, ok := s.rl.take(p.rateKey(), s.now())
	c.rl, c.rlSet = st, true
	if !ok {
		s.counters.rateLimited.Add(1)
		c.fail(http.StatusTooManyRequests, "Too Many Requests", "")
		return
	}
	v := r.Header.Get("Version")
	if v == "" {
		c.unauthorized(msgNoVersion, false)
		return
	}
	if !validVersions[v] {
		c.unauthorized(msgBadVersion, false)
		return
	}
	rt, params := s.match(r.Method, r.URL)
	if rt == nil {
		c.notFound("Cannot " + r.Method + " " + r.URL.Path)
		return
	}
	if (rt.class == locationOnly && p.kind != kindLocation) || (rt.class == companyOnly && p.kind != kindCompany) {
		c.unauthorized(msgWrongAuthClass, true)
		return
	}
	c.params = params
	rt.h(c)
}

func (s *Server) registerRoutes() {
	s.registerContactRoutes()
	s.registerOAuthRoutes()
}
