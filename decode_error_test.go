package ghl

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A 2xx body with a value of the wrong type deep inside names the field, the
// kind of value received and the Go type expected.
func TestDecodeErrorNamesFieldAndKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body, field, kind, msg string
	}{
		{`{"contact":{"id":"c1","tags":"vip"}}`, "contact.tags", "string",
			"ghl: Contacts.Get: decoding 200 response: field contact.tags: got string, want []string"},
		{`{"contact":{"id":"c1","dnd":"yes"}}`, "contact.dnd", "string",
			"ghl: Contacts.Get: decoding 200 response: field contact.dnd: got string, want bool"},
		{`{"contact":{"id":"c1","birthDay":1e300}}`, "contact.birthDay", "number",
			"ghl: Contacts.Get: decoding 200 response: field contact.birthDay: got number, want int"},
		{`{"contact":{"id":"c1","customFields":[{"id":"f"},{"id":7}]}}`, "contact.customFields.id", "number",
			"ghl: Contacts.Get: decoding 200 response: field contact.customFields.id: got number, want string"},
		{`{"contact":[1]}`, "contact", "array",
			"ghl: Contacts.Get: decoding 200 response: field contact: got array, want ghl.Contact"},
	}
	for _, tt := range tests {
		client, mock := newContactsTestClient(t)
		mock.RegisterNoResponder(httpmock.NewStringResponder(http.StatusOK, tt.body))
		got, resp, err := client.Contacts.Get(context.Background(), "c1")
		assert.Nil(t, got, tt.body)
		require.NotNil(t, resp, tt.body)
		var de *DecodeError
		require.ErrorAs(t, err, &de, tt.body)
		assert.Equal(t, tt.field, de.Field(), tt.body)
		assert.Equal(t, tt.kind, de.Kind(), tt.body)
		assert.Equal(t, tt.msg, err.Error())
		var ute *json.UnmarshalTypeError
		assert.ErrorAs(t, err, &ute, "the JSON error stays reachable")
	}
}

// Failures that are not a type mismatch keep encoding/json's message and
// have no Field or Kind.
func TestDecodeErrorOtherFailures(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"contact":{"id":"c1"`, `{"contact":{"id":"c1"}} x`} {
		client, mock := newContactsTestClient(t)
		mock.RegisterNoResponder(httpmock.NewStringResponder(http.StatusOK, body))
		_, _, err := client.Contacts.Get(context.Background(), "c1")
		var de *DecodeError
		require.ErrorAs(t, err, &de, body)
		assert.Empty(t, de.Field(), body)
		assert.Empty(t, de.Kind(), body)
		assert.Equal(t, "ghl: Contacts.Get: decoding 200 response: "+de.Err.Error(), err.Error())
	}

	top := &DecodeError{Operation: "Things.Get", StatusCode: 200,
		Err: json.Unmarshal([]byte(`[1]`), new(struct{ ID string }))}
	assert.Equal(t, "ghl: Things.Get: decoding 200 response: top level: got array, want struct { ID string }", top.Error())
	assert.Empty(t, top.Field())
	assert.Equal(t, "array", top.Kind())

	empty := &DecodeError{Operation: "Things.Get", StatusCode: 204, Err: ErrEmptyResponse}
	assert.Empty(t, empty.Kind())
	assert.ErrorIs(t, empty, ErrEmptyResponse)
}
