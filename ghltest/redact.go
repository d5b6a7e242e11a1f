package ghltest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
)

// redactedValue replaces a secret in the request log.
const redactedValue = "[redacted]"

// Fingerprint returns a short, non-reversible identifier of a secret: the
// first 16 hex digits of its SHA-256. [RecordedRequest.TokenFingerprint] is
// the Fingerprint of the bearer token a request carried.
func Fingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:8])
}

// recordRequest fills the header, query and body of rec from r and the
// body read, cut to the body limit and redacted as documented on
// RecordedRequest, and returns the bearer token, which the log hashes into
// TokenFingerprint when it is read. It never changes r or body: the handler
// sees them as received.
func (s *Server) recordRequest(rec *RecordedRequest, r *http.Request, body []byte) (token string) {
	rec.Header = r.Header.Clone()
	rec.RawQuery = r.URL.RawQuery
	rec.BodySize = len(body)
	keep := body
	if len(keep) > s.cfg.bodyLimit {
		keep, rec.BodyTruncated = keep[:s.cfg.bodyLimit], true
	}
	fresh := false // keep no longer shares body's array
	if !s.cfg.unredacted {
		redactHeader(rec.Header)
		rec.RawQuery = redactQuery(rec.RawQuery)
		keep, fresh = redactBody(r.Header.Get("Content-Type"), keep)
	}
	switch {
	case len(keep) == 0:
		keep = nil
	case !fresh && cap(keep) > len(keep):
		// Do not let the log pin the read buffer (up to 8 MiB) or its slack.
		keep = bytes.Clone(keep)
	}
	rec.Body = keep
	return bearerToken(r)
}

// redactHeader redacts the credentials of h in place (h is a clone whose
// value slices are its own).
func redactHeader(h http.Header) {
	for k, vs := range h {
		switch {
		case k == "Authorization" || k == "Proxy-Authorization":
			for i, v := range vs {
				vs[i] = redactCredential(v)
			}
		case secretHeader(k):
			for i := range vs {
				vs[i] = redactedValue
			}
		}
	}
}

// redactCredential keeps the scheme of an Authorization value:
// "Bearer abc" → "Bearer [redacted]".
func redactCredential(v string) string {
	scheme, _, ok := strings.Cut(strings.TrimSpace(v), " ")
	switch {
	case v == "":
		return ""
	case !ok:
		return redactedValue
	case scheme == "Bearer":
		return "Bearer " + redactedValue // constant: no allocation
	default:
		return scheme + " " + redactedValue
	}
}

// secretHeader reports whether a header (canonical name) other than
// Authorization carries a secret.
func secretHeader(k string) bool {
	switch k {
	case "Cookie", "Set-Cookie":
		return true
	case "Version", "Accept", "Accept-Encoding", "Content-Type", "Content-Length", "User-Agent", "Idempotency-Key", "Connection":
		return false
	}
	for _, w := range [...]string{"token", "secret", "password", "session", "api-key", "apikey", "authorization", "cookie"} {
		if containsFold(k, w) {
			return true
		}
	}
	return false
}

// containsFold reports whether s contains the lower-case ASCII word w,
// ignoring ASCII case, without allocating.
func containsFold(s, w string) bool {
	for i := 0; i+len(w) <= len(s); i++ {
		j := 0
		for ; j < len(w); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != w[j] {
				break
			}
		}
		if j == len(w) {
			return true
		}
	}
	return false
}

// text is what the scanners read.
type text interface{ ~string | ~[]byte }

// secretKey reports whether a form, query or JSON key names a secret:
// client_secret, refresh_token, code, access_token, id_token or password,
// in any case and with or without "_" or "-" (clientSecret, Access-Token).
func secretKey[T text](k T) bool {
	if len(k) < 4 {
		return false
	}
	switch k[0] | 0x20 { // a cheap first cut: the initials of the names
	case 'a', 'c', 'i', 'p', 'r', '%':
	default:
		return false
	}
	var buf [16]byte
	n := 0
	for i := 0; i < len(k); i++ {
		c := k[i]
		switch {
		case c == '_' || c == '-':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == '%':
			if u, err := url.QueryUnescape(string(k)); err == nil && u != string(k) {
				return secretKey(u)
			}
			return false
		}
		if n == len(buf) {
			return false
		}
		buf[n] = c
		n++
	}
	switch string(buf[:n]) {
	case "clientsecret", "refreshtoken", "code", "accesstoken", "idtoken", "password":
		return true
	}
	return false
}

// span is a part of a text to replace.
type span struct {
	start, end int
	with       string
}

// replaceSpans returns b with the (ordered, disjoint) spans replaced.
func replaceSpans[T text](b T, spans []span) []byte {
	n := len(b)
	for _, s := range spans {
		n += len(s.with) - (s.end - s.start)
	}
	out := make([]byte, 0, n)
	last := 0
	for _, s := range spans {
		out = append(out, b[last:s.start]...)
		out = append(out, s.with...)
		last = s.end
	}
	return append(out, b[last:]...)
}

func isKeyByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.' || c == '%'
}

// pairSpans finds the values of key=value pairs whose key names a secret.
// A key is the run of [A-Za-z0-9_.%-] before a '='. In a form or query
// (strict) a value ends at '&'; in free text also at whitespace, ',', ';'
// and quotes, and a value in quotes runs to the closing quote.
func pairSpans[T text](b T, strict bool) []span {
	var spans []span
	for j := 0; j < len(b); j++ {
		if b[j] != '=' {
			continue
		}
		k := j
		for k > 0 && isKeyByte(b[k-1]) {
			k--
		}
		if k == j || !secretKey(b[k:j]) {
			continue
		}
		e := j + 1
		if q := byte(0); !strict && e < len(b) && (b[e] == '"' || b[e] == '\'') {
			// A quoted value in free text runs to its closing quote.
			for q, e = b[e], e+1; e < len(b) && b[e] != q; e++ {
			}
			e = min(e+1, len(b))
		} else {
			for e < len(b) && b[e] != '&' && (strict || !endsTextValue(b[e])) {
				e++
			}
		}
		spans = append(spans, span{j + 1, e, redactedValue})
		j = e
	}
	return spans
}

// endsTextValue reports whether c ends a key=value value in free text.
func endsTextValue(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', ',', ';', '"', '\'':
		return true
	}
	return false
}

// jsonSpans finds the values of JSON members whose key names a secret, at
// any depth: a string's contents, or any other value (number, object,
// array, literal) as a whole. It scans once, string by string, so it also
// copes with invalid or cut JSON (an unterminated secret runs to the end).
func jsonSpans(b []byte) []span {
	var spans []span
	for i := 0; i < len(b); {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			break
		}
		q += i
		e := stringEnd(b, q+1)
		if e == len(b) {
			break
		}
		c := skipSpace(b, e+1)
		if c == len(b) || b[c] != ':' || !secretKey(b[q+1:e]) {
			i = e + 1
			continue
		}
		v := skipSpace(b, c+1)
		if v == len(b) {
			break
		}
		end, with := jsonValueEnd(b, v), `"`+redactedValue+`"`
		if b[v] == '"' && stringEnd(b, v+1) == len(b) {
			with = `"` + redactedValue // cut short: no closing quote
		}
		spans = append(spans, span{v, end, with})
		i = end
	}
	return spans
}

// stringEnd returns the index of the quote closing the JSON string whose
// contents start at i, or len(b).
func stringEnd(b []byte, i int) int {
	for start := i; i < len(b); i++ {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			break
		}
		i += j
		n := 0 // backslashes before the quote: an odd number escapes it
		for k := i - 1; k >= start && b[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return i
		}
	}
	return len(b)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// jsonValueEnd returns the index just after the JSON value starting at v
// (or len(b) if it is cut short).
func jsonValueEnd(b []byte, v int) int {
	switch b[v] {
	case '"':
		return min(stringEnd(b, v+1)+1, len(b))
	case '{', '[':
		depth := 0
		for i := v; i < len(b); i++ {
			switch b[i] {
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			case '"':
				i = stringEnd(b, i+1)
			}
		}
		return len(b)
	}
	i := v
	for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' && b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n' {
		i++
	}
	return i
}

// redactQuery redacts secret values of an encoded query string, returning
// q itself (no allocation) when there are none.
func redactQuery(q string) string {
	if q == "" {
		return q
	}
	spans := pairSpans(q, true)
	if spans == nil {
		return q
	}
	return string(replaceSpans(q, spans))
}

// redactBody redacts secret values of a body by its Content-Type: pairs in
// a form, members in JSON, both in anything else. fresh reports that the
// result is a new array (b itself is returned when nothing was redacted).
func redactBody(contentType string, b []byte) (out []byte, fresh bool) {
	if len(b) == 0 {
		return b, false
	}
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(mt)
	isForm := strings.EqualFold(mt, "application/x-www-form-urlencoded")
	isJSON := strings.EqualFold(mt, "application/json") || len(mt) > 5 && strings.EqualFold(mt[len(mt)-5:], "+json")
	out = b
	if !isJSON {
		if spans := pairSpans(out, isForm); spans != nil {
			out, fresh = replaceSpans(out, spans), true
		}
	}
	if !isForm {
		if spans := jsonSpans(out); spans != nil {
			out, fresh = replaceSpans(out, spans), true
		}
	}
	return out, fresh
}
