package ghl

import (
	"encoding/json"
	"testing"
	"time"

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
		{`null`, time.Time{}},
		{`""`, time.Time{}},
	}
	for _, tt := range tests {
		var ts Timestamp
		require.NoError(t, json.Unmarshal([]byte(tt.in), &ts), tt.in)
		assert.True(t, tt.want.Equal(ts.Time), "%s: got %v", tt.in, ts.Time)
	}
	for _, bad := range []string{`"Date format YYYY-MM-DD"`, `true`, `{}`, `"12:00"`, `1e20`, `"99999999999999999"`} {
		var ts Timestamp
		assert.ErrorIs(t, json.Unmarshal([]byte(bad), &ts), ErrBadTimestamp, bad)
	}
}

func TestTimestampEncodes(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(struct {
		At   Timestamp  `json:"at"`
		Zero Timestamp  `json:"zero"`
		Omit *Timestamp `json:"omit,omitempty"`
	}{At: Timestamp{time.Date(2021, 6, 23, 3, 30, 0, 0, time.FixedZone("IST", 19800))}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"at":"2021-06-22T22:00:00.000Z","zero":null}`, string(b))
}
