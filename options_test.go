package ghl

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOptionsValidate(t *testing.T) {
	t.Parallel()
	bad := map[string]Option{
		"empty token":         WithAccessToken("  "),
		"nil token source":    WithTokenSource(nil),
		"relative base URL":   WithBaseURL("services.leadconnectorhq.com"),
		"ftp base URL":        WithBaseURL("ftp://x.test"),
		"base URL with query": WithBaseURL("https://x.test/?a=1"),
		"nil HTTP client":     WithHTTPClient(nil),
		"nil logger":          WithLogger(nil),
		"empty user agent":    WithUserAgent(""),
		"user agent newline":  WithUserAgent("a\r\nX-Evil: 1"),
		"nil limiter":         WithRateLimiter(nil),
	}
	for name, opt := range bad {
		c, err := NewClient(opt)
		assert.Error(t, err, name)
		assert.Nil(t, c, name)
	}
}

func TestNewClientDefaults(t *testing.T) {
	t.Parallel()
	c, err := NewClient(WithAccessToken("x"), nil)
	require.NoError(t, err)
	assert.Equal(t, DefaultBaseURL, c.BaseURL())
	assert.Equal(t, "ghl-go/"+Version, c.userAgent)
	assert.Equal(t, DefaultRetryPolicy(), c.retry)
	assert.NotNil(t, c.Contacts)

	c, err = NewClient(WithBaseURL("http://127.0.0.1:8089/"))
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:8089", c.BaseURL(), "a trailing slash is dropped")
}

func TestWithHTTPClientCopies(t *testing.T) {
	t.Parallel()
	hc := &http.Client{}
	_, err := NewClient(WithHTTPClient(hc))
	require.NoError(t, err)
	assert.Nil(t, hc.Transport, "the caller's client is not modified")
}
