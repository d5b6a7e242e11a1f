package ghl

import (
	"bytes"
	"encoding/json"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Operations used by the core tests, shaped like generated ones.
var (
	testGetOp  = &operation{Name: "Things.Get", ID: "get-thing", Method: http.MethodGet, Path: "/things/{thingId}", Version: "2021-07-28"}
	testPostOp = &operation{Name: "Things.Create", ID: "create-thing", Method: http.MethodPost, Path: "/things/", Version: "2021-04-15"}
	testPutOp  = &operation{Name: "Things.Update", ID: "update-thing", Method: http.MethodPut, Path: "/things/{thingId}/sub/{subId}", Version: "2021-07-28"}
)

const coreToken = "pit-secret-core-token"

// setupCore returns a client on a fresh in-memory mock transport, with the
// base URL https://ghl.test. Extra options come last and win.
func setupCore(t *testing.T, opts ...Option) (*Client, *httpmock.MockTransport) {
	t.Helper()
	mock := httpmock.NewMockTransport()
	base := []Option{
		WithBaseURL("https://ghl.test"),
		WithAccessToken(coreToken),
		WithHTTPClient(&http.Client{Transport: mock}),
		WithRetry(RetryPolicy{}),
		WithRateLimit(RateLimit{Disabled: true}),
	}
	c, err := NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return c, mock
}

type thing struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// getThing is a minimal generated-style method used by the core tests.
func (c *Client) getThing(t *testing.T, id string) (*thing, *Response, error) {
	t.Helper()
	path, err := testGetOp.expand(id)
	if err != nil {
		return nil, nil, err
	}
	var root struct {
		Thing *thing `json:"thing"`
	}
	resp, err := c.call(t.Context(), testGetOp, path, nil, nil, &root)
	return root.Thing, resp, err
}

func (c *Client) createThing(t *testing.T, body any) (*Response, error) {
	t.Helper()
	return c.call(t.Context(), testPostOp, "/things/", nil, body, nil)
}

func jsonResponse(status int, body string, headers ...string) *http.Response {
	r := httpmock.NewStringResponse(status, body)
	r.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	return r
}

// transportFunc is an in-memory transport that is not httpmock's (which
// checks the request's context on its own).
type transportFunc func(*http.Request) (*http.Response, error)

func (f transportFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// checkMultipart checks a multipart/form-data request of the generated
// tests: every field of the body fixture as a form field, and the one file
// the test attaches (hello.txt) under field.
func checkMultipart(t *testing.T, req *http.Request, raw, fixture []byte, field string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(req.Header.Get("Content-Type"))
	require.NoError(t, err)
	require.Equal(t, "multipart/form-data", mt)
	form, err := multipart.NewReader(bytes.NewReader(raw), params["boundary"]).ReadForm(1 << 20)
	require.NoError(t, err)
	var want map[string]any
	require.NoError(t, json.Unmarshal(fixture, &want))
	for k, v := range want {
		assert.Equal(t, formText(v), form.Value[k], k)
	}
	files := form.File[field]
	require.Len(t, files, 1, "the file is sent under %s", field)
	assert.Equal(t, "hello.txt", files[0].Filename)
	assert.Equal(t, "text/plain", files[0].Header.Get("Content-Type"))
}

// formText is how a JSON value of a body fixture is sent in a form.
func formText(v any) []string {
	switch v := v.(type) {
	case string:
		if v == "" {
			return nil
		}
		return []string{v}
	case bool:
		return []string{strconv.FormatBool(v)}
	case float64:
		return []string{strconv.FormatFloat(v, 'f', -1, 64)}
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, formText(x)...)
		}
		return out
	}
	return nil
}
