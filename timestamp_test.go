package ghl

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTimestampDecodesEveryGHLForm(t *testing.T) {
	t.Parallel()
	want := time.Date(2021, 7, 2, 5, 18, 26, 704e6, time.UTC)
	tests := []struct {
		in   string
		want time.Time
	}{
		{`"2021-07-02T05:18:26.704Z"`, want},
		{`1625203106704`, want},
		{`"1625203106704"`, want},
		{`1.625203106704e12`, want},
		{`"2021-06-23T03:30:00+05:30"`, time.Date(2021, 6, 22, 22, 0, 0, 0, time.UTC)},
		{`"2021-07-16 11:00:00"`, time.Date(2021, 7, 16, 11, 0, 0, 0, time.UTC)},
		{`"2000-01-05"`, time.Date(2000, 1, 5, 0, 0, 0, 0, time.UTC)},
		{`"2021-07-02T05:18:26.704\u005a"`, want},
		{`{"seconds": 1625203106, "nanoseconds": 704000000}`, want},
		{`{"_seconds":1625203106,"_nanoseconds":704000000}`, want},
		{`{"_seconds":1625203106}`, want.Truncate(time.Second)},
		{`{"nanoseconds":5,"seconds":0}`, time.Unix(0, 5)},
	}
	for _, tt := range tests {
		var ts Timestamp
		require.NoError(t, json.Unmarshal([]byte(tt.in), &ts), tt.in)
		assert.True(t, tt.want.Equal(ts.Time), "%s: got %v", tt.in, ts.Time)
		assert.True(t, ts.Valid(), tt.in)
		assert.Empty(t, ts.Raw(), tt.in)
	}
	for _, empty := range []string{`null`, `""`, ` null `} {
		ts := Timestamp{Time: want}
		require.NoError(t, json.Unmarshal([]byte(empty), &ts), empty)
		assert.True(t, ts.IsZero(), empty)
		assert.False(t, ts.Valid(), empty)
		assert.Empty(t, ts.Raw(), empty)
	}
}

// A value in no known form is kept as it came, with no error, and is
// written back unchanged.
func TestTimestampKeepsWhatItCannotRead(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{`"Date format YYYY-MM-DD"`, `true`, `{}`, `[1,2]`, `"12:00"`, `1e20`, `-1e20`,
		`"99999999999999999"`, `"0000-00-00 00:00:00"`, `{"seconds":"1"}`, `{"seconds":1.5}`, `{"seconds":1,"nanos":2}`,
		`{"seconds":1,"nanoseconds":1000000000}`, `{"seconds":253402300800}`, `{"_seconds":1,"seconds":1}`, `{"nanoseconds":1}`} {
		ts := Timestamp{Time: time.Now()}
		require.NoError(t, json.Unmarshal([]byte(bad), &ts), bad)
		assert.False(t, ts.Valid(), bad)
		assert.False(t, ts.IsZero(), bad)
		assert.True(t, ts.Time.IsZero(), bad)
		assert.Equal(t, bad, ts.Raw())
		out, err := json.Marshal(ts)
		require.NoError(t, err, bad)
		assert.Equal(t, bad, string(out))
	}
	_, err := ParseTimestamp("Date format YYYY-MM-DD")
	assert.ErrorIs(t, err, ErrBadTimestamp)
}

func TestTimestampEncodes(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(struct {
		At   Timestamp  `json:"at"`
		Zero Timestamp  `json:"zero"`
		Omit Timestamp  `json:"omit,omitzero"`
		Ptr  *Timestamp `json:"ptr,omitempty"`
	}{At: Timestamp{Time: time.Date(2021, 6, 23, 3, 30, 0, 0, time.FixedZone("IST", 19800))}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"at":"2021-06-22T22:00:00.000Z","zero":null}`, string(b))

	_, err = json.Marshal(Timestamp{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	assert.ErrorIs(t, err, ErrBadTimestamp)
}

// One odd date in a response neither fails the call nor is lost when the
// record is written back.
func TestOddDateDoesNotFailTheResponse(t *testing.T) {
	t.Parallel()
	client, mock := newContactsTestClient(t)
	mock.RegisterNoResponder(httpmock.NewStringResponder(http.StatusOK,
		`{"contact":{"id":"c1","name":"Ann","dateAdded":"Invalid date","dateUpdated":{"_seconds":1625203106,"_nanoseconds":0}}}`))
	got, _, err := client.Contacts.Get(context.Background(), "c1")
	require.NoError(t, err)
	assert.Equal(t, "Ann", got.Name)
	assert.False(t, got.DateAdded.Valid())
	assert.Equal(t, `"Invalid date"`, got.DateAdded.Raw())
	assert.Equal(t, time.Date(2021, 7, 2, 5, 18, 26, 0, time.UTC), got.DateUpdated.Time)
	assert.Equal(t, []string{"contact.dateAdded"}, unparsedTimestamps(&struct {
		Contact *Contact `json:"contact"`
	}{got}))

	out, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"c1","name":"Ann","dateAdded":"Invalid date","dateUpdated":"2021-07-02T05:18:26.000Z"}`, string(out))
}

func TestUnparsedTimestamps(t *testing.T) {
	t.Parallel()
	type Inner struct {
		At Timestamp `json:"at"`
	}
	type page struct {
		Inner                   // promoted, as encoding/json reads it
		Items []Inner           `json:"items"`
		ByKey map[string]*Inner `json:"byKey"`
		Plain Timestamp         // no tag: the Go name
		Ptr   *Timestamp        `json:"ptr,omitempty"`
		Any   any               `json:"any"`
		Skip  Timestamp         `json:"-"`
		hid   Timestamp
	}
	var p page
	require.NoError(t, json.Unmarshal([]byte(`{"at":"x","items":[{"at":"2021-07-02"},{"at":true}],
		"byKey":{"b":{"at":1},"a":{"at":"?"},"c":null},"Plain":"?","ptr":"?"}`), &p))
	p.Any = []Timestamp{{}, {raw: `"?"`}}
	p.Skip, p.hid = Timestamp{raw: `"?"`}, Timestamp{raw: `"?"`}
	assert.Equal(t, []string{"at", "items[1].at", "byKey.a.at", "Plain", "ptr", "any[1]"}, unparsedTimestamps(&p))

	p = page{}
	assert.Empty(t, unparsedTimestamps(&p))
	assert.Empty(t, unparsedTimestamps(nil))
	assert.Equal(t, []string{""}, unparsedTimestamps(Timestamp{raw: "{}"}))
}
