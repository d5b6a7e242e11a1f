package ghl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
)

func TestExpandPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		want    string
		wantArg string
	}{
		{name: "plain", args: []string{"abc", "x1"}, want: "/things/abc/sub/x1"},
		{name: "escapes slash and space", args: []string{"a/b c", "é"}, want: "/things/a%2Fb%20c/sub/%C3%A9"},
		{name: "plus and question mark", args: []string{"a+b?c", "#"}, want: "/things/a+b%3Fc/sub/%23"},
		{name: "empty", args: []string{"", "x"}, wantArg: "thingId"},
		{name: "blank", args: []string{"  ", "x"}, wantArg: "thingId"},
		{name: "dot", args: []string{"a", "."}, wantArg: "subId"},
		{name: "dotdot", args: []string{"..", "x"}, wantArg: "thingId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := testPutOp.expand(tt.args...)
			if tt.wantArg != "" {
				var ae *ArgError
				require.ErrorAs(t, err, &ae)
				assert.Equal(t, tt.wantArg, ae.Arg)
				assert.Equal(t, "Things.Update", ae.Operation)
				assert.ErrorIs(t, err, ErrInvalidArgument)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := testPutOp.expand("only-one")
	assert.ErrorContains(t, err, "missing path argument subId")
}

func TestCallSendsExactRequest(t *testing.T) {
	t.Parallel()
	c, mock := setupCore(t, WithUserAgent("salesnexus-sync/2.3"))
	var got *http.Request
	var gotBody []byte
	mock.RegisterResponder(http.MethodPost, "https://ghl.test/things/", func(r *http.Request) (*http.Response, error) {
		got = r
		gotBody, _ = io.ReadAll(r.Body)
		return jsonResponse(201, `{"thing":{"id":"t1"}}`), nil
	})
	resp, err := c.createThing(t, map[string]any{"name": "<Tom & Jerry>", "locationId": "loc1"})
	require.NoError(t, err)
	assert.Equal(t, 201, resp.StatusCode)
	assert.Equal(t, "Things.Create", resp.Operation)
	assert.Equal(t, 1, resp.Attempts)
	assert.Equal(t, "2021-04-15", got.Header.Get("Version"), "Version comes from the operation, not the client")
	assert.Equal(t, "Bearer "+coreToken, got.Header.Get("Authorization"))
	assert.Equal(t, "application/json", got.Header.Get("Content-Type"))
	assert.Equal(t, "application/json", got.Header.Get("Accept"))
	assert.Equal(t, "salesnexus-sync/2.3 ghl-go/"+Version, got.Header.Get("User-Agent"))
	assert.Equal(t, `{"locationId":"loc1","name":"<Tom & Jerry>"}`, string(gotBody), "HTML is not escaped")

	mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/a%2Fb", func(r *http.Request) (*http.Response, error) {
		got = r
		return jsonResponse(200, `{"thing":{"id":"a/b","name":"n"}}`), nil
	})
	th, _, err := c.getThing(t, "a/b")
	require.NoError(t, err)
	assert.Equal(t, &thing{ID: "a/b", Name: "n"}, th)
	assert.Equal(t, "2021-07-28", got.Header.Get("Version"))
	assert.Empty(t, got.Header.Get("Content-Type"), "no Content-Type without a body")
	assert.Equal(t, "/things/a%2Fb", got.URL.RawPath)
}

func TestCallRejectsBadInputBeforeSending(t *testing.T) {
	t.Parallel()
	c, mock := setupCore(t)
	_, _, err := c.getThing(t, "..")
	assert.ErrorIs(t, err, ErrInvalidArgument)

	noCreds, err := NewClient(WithBaseURL("https://ghl.test"), WithHTTPClient(&http.Client{Transport: mock}))
	require.NoError(t, err)
	_, _, err = noCreds.getThing(t, "x")
	assert.ErrorContains(t, err, "no credentials")

	//lint:ignore SA1012 checking the nil-context guard
	_, err = c.call(nil, testGetOp, "/things/x", nil, nil, nil) //nolint:staticcheck
	assert.ErrorIs(t, err, ErrInvalidArgument)
	assert.Equal(t, 0, mock.GetTotalCallCount())
}

func TestCallDecodeErrorNamesOperation(t *testing.T) {
	t.Parallel()
	c, mock := setupCore(t)
	mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x",
		httpmock.NewStringResponder(200, `{"thing":{"id":42}}`))
	_, resp, err := c.getThing(t, "x")
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "Things.Get", de.Operation)
	assert.Equal(t, 200, de.StatusCode)
	assert.Contains(t, err.Error(), "Things.Get")
	assert.Equal(t, 200, resp.StatusCode)
}

func TestAPIErrorsAreTyped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int
		body     string
		sentinel error
		message  string
		messages []string
		errName  string
		trace    string
	}{
		{"404 string message", 404, `{"statusCode":404,"message":"Contact not found","traceId":"tr-1"}`, ErrNotFound, "Contact not found", []string{"Contact not found"}, "", "tr-1"},
		{"422 array message", 422, `{"statusCode":422,"message":["locationId should not be empty","pageLimit must be a number"],"error":"Unprocessable Entity"}`,
			ErrValidation, "locationId should not be empty; pageLimit must be a number", []string{"locationId should not be empty", "pageLimit must be a number"}, "Unprocessable Entity", ""},
		{"401 with error name", 401, `{"statusCode":401,"message":"Invalid token: access token is invalid","error":"Unauthorized"}`, ErrUnauthorized, "Invalid token: access token is invalid", []string{"Invalid token: access token is invalid"}, "Unauthorized", ""},
		{"403", 403, `{"statusCode":403,"message":"The token does not have access to this location"}`, ErrForbidden, "The token does not have access to this location", []string{"The token does not have access to this location"}, "", ""},
		{"400 status field", 400, `{"status":400,"message":"Bad Request"}`, ErrBadRequest, "Bad Request", []string{"Bad Request"}, "", ""},
		{"v3 nested error", 400, `{"error":{"code":"invalid_grant","message":"Invalid grant: refresh token is invalid","details":"x"}}`, ErrBadRequest, "Invalid grant: refresh token is invalid", []string{"Invalid grant: refresh token is invalid"}, "invalid_grant", ""},
		{"plain text", 502, `Bad Gateway`, ErrServer, "Bad Gateway", []string{"Bad Gateway"}, "", ""},
		{"only error field", 500, `{"statusCode":500,"error":"Internal Server Error"}`, ErrServer, "Internal Server Error", []string{"Internal Server Error"}, "Internal Server Error", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, mock := setupCore(t)
			mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x",
				httpmock.NewStringResponder(tt.status, tt.body))
			_, _, err := c.getThing(t, "x")
			var ae *APIError
			require.ErrorAs(t, err, &ae)
			assert.ErrorIs(t, err, tt.sentinel)
			assert.Equal(t, tt.status, ae.StatusCode)
			assert.Equal(t, tt.message, ae.Message)
			assert.Equal(t, tt.messages, ae.Messages)
			assert.Equal(t, tt.errName, ae.ErrorName)
			assert.Equal(t, tt.trace, ae.TraceID)
			assert.Equal(t, "Things.Get", ae.Operation)
			assert.Equal(t, "/things/x", ae.Path)
			assert.Equal(t, []byte(tt.body), ae.Body)
			assert.Contains(t, err.Error(), "Things.Get (GET /things/x)")
			for _, other := range []error{ErrNotFound, ErrValidation, ErrUnauthorized, ErrForbidden, ErrRateLimited} {
				if other != tt.sentinel {
					assert.NotErrorIs(t, err, other)
				}
			}
			assert.NotErrorIs(t, err, ErrOutcomeUnknown, "a GET is never an unknown write")
		})
	}
}

func TestAPIErrorBodyIsBounded(t *testing.T) {
	t.Parallel()
	c, mock := setupCore(t)
	big := `{"message":"` + strings.Repeat("x", 10000) + `"}`
	mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", httpmock.NewStringResponder(400, big))
	_, _, err := c.getThing(t, "x")
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Len(t, ae.Body, maxErrorBody)
}

// refreshingSource is a token source that hands out a new token after
// InvalidateToken, like the OAuth token source does.
type refreshingSource struct {
	tokens      []string
	i           atomic.Int32
	invalidated atomic.Int32
}

func (s *refreshingSource) Token() (*oauth2.Token, error) {
	return &oauth2.Token{AccessToken: s.tokens[s.i.Load()], TokenType: "Bearer"}, nil
}

func (s *refreshingSource) InvalidateToken(rejected *oauth2.Token) {
	s.invalidated.Add(1)
	if rejected.AccessToken == s.tokens[s.i.Load()] {
		s.i.Add(1)
	}
}

func TestCallRefreshesOnceOnExpiredToken(t *testing.T) {
	t.Parallel()
	src := &refreshingSource{tokens: []string{"old-token", "new-token", "newer-token"}}
	c, mock := setupCore(t, WithTokenSource(src))
	var auths []string
	mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", func(r *http.Request) (*http.Response, error) {
		auths = append(auths, r.Header.Get("Authorization"))
		if r.Header.Get("Authorization") == "Bearer old-token" {
			return jsonResponse(401, `{"statusCode":401,"message":"Invalid JWT"}`), nil
		}
		return jsonResponse(200, `{"thing":{"id":"x"}}`), nil
	})
	th, _, err := c.getThing(t, "x")
	require.NoError(t, err)
	assert.Equal(t, "x", th.ID)
	assert.Equal(t, []string{"Bearer old-token", "Bearer new-token"}, auths)

	// A scope error is not fixed by a refresh: no second request.
	mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/y",
		httpmock.NewStringResponder(401, `{"statusCode":401,"message":"The token is not authorized for this scope."}`))
	_, _, err = c.getThing(t, "y")
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, int32(1), src.invalidated.Load())

	// A token still rejected after one refresh is reported, not looped on.
	mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/z",
		httpmock.NewStringResponder(401, `{"statusCode":401,"message":"Invalid token: access token is invalid"}`))
	_, _, err = c.getThing(t, "z")
	assert.ErrorIs(t, err, ErrUnauthorized)
	assert.Equal(t, int32(2), src.invalidated.Load())
	assert.Equal(t, 2, mock.GetCallCountInfo()["GET https://ghl.test/things/z"])
}

func TestSecretsNeverLoggedOrInErrors(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, mock := setupCore(t, WithLogger(logger), WithRetry(RetryPolicy{MaxRetries: 1, MinWait: 1, MaxWait: 1}))
	mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", func(r *http.Request) (*http.Response, error) {
		return jsonResponse(500, `{"statusCode":500,"message":"boom"}`), nil
	})
	mock.RegisterResponder(http.MethodPost, "https://ghl.test/things/",
		httpmock.NewErrorResponder(errors.New("connection reset by peer")))
	_, _, err1 := c.getThing(t, "x")
	_, err2 := c.createThing(t, map[string]string{"a": "b"})
	require.Error(t, err1)
	require.Error(t, err2)
	for _, s := range []string{err1.Error(), err2.Error(), logs.String()} {
		assert.NotContains(t, s, coreToken)
		assert.NotContains(t, s, "Bearer")
	}
	// The debug log does say what happened.
	assert.Contains(t, logs.String(), `"msg":"ghl request"`)
	assert.Contains(t, logs.String(), `"op":"Things.Get"`)
	assert.Contains(t, logs.String(), `"status":500`)
	var line map[string]any
	require.NoError(t, json.Unmarshal(bytes.SplitN(logs.Bytes(), []byte("\n"), 2)[0], &line))
	assert.Equal(t, "DEBUG", line["level"])
}

func TestDefaultLoggerIsSilent(t *testing.T) {
	t.Parallel()
	c, err := NewClient(WithAccessToken("x"))
	require.NoError(t, err)
	assert.False(t, c.logger.Enabled(context.Background(), slog.LevelError))
}

func TestContextWithVersionOverridesTheSpecValue(t *testing.T) {
	t.Parallel()
	c, mock := setupCore(t)
	var versions []string
	mock.RegisterResponder(http.MethodGet, "https://ghl.test/things/x", func(r *http.Request) (*http.Response, error) {
		versions = append(versions, r.Header.Get("Version"))
		return jsonResponse(200, `{}`), nil
	})
	ctx := ContextWithVersion(t.Context(), "2023-02-21")
	_, err := c.call(ctx, testGetOp, "/things/x", nil, nil, nil)
	require.NoError(t, err)
	_, err = c.call(ContextWithVersion(ctx, ""), testGetOp, "/things/x", nil, nil, nil)
	require.NoError(t, err)
	_, err = c.call(t.Context(), testGetOp, "/things/x", nil, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"2023-02-21", "2021-07-28", "2021-07-28"}, versions)
}
