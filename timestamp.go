package ghl

import (
	"bytes"
	"errors"
	"strconv"
	"time"
)

// Timestamp is a point in time as HighLevel sends it: an ISO-8601 string
// ("2021-07-02T05:18:26.704Z", "2021-06-23T03:30:00+05:30"), a space-separated
// "2021-07-16 11:00:00" (UTC), or epoch milliseconds as a number or a string.
// It encodes as RFC 3339 with milliseconds in UTC. null and "" decode to the
// zero Timestamp, which encodes as null.
//
// Docs: https://marketplace.gohighlevel.com/docs/ (dates are mixed across endpoints)
type Timestamp struct {
	time.Time
}

// timestampLayouts are tried in order for string values.
var timestampLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.000Z0700",
	"2006-01-02T15:04:05Z0700",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02",
}

// ErrBadTimestamp is returned when a value is neither a date string in a
// known layout nor epoch milliseconds.
var ErrBadTimestamp = errors.New("ghl: unrecognized timestamp")

// ParseTimestamp parses any form HighLevel uses (see [Timestamp]).
func ParseTimestamp(s string) (Timestamp, error) {
	if s == "" {
		return Timestamp{}, nil
	}
	if isDigits(s) {
		ms, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return Timestamp{}, ErrBadTimestamp
		}
		return fromMillis(float64(ms))
	}
	for _, layout := range timestampLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return Timestamp{t}, nil
		}
	}
	return Timestamp{}, ErrBadTimestamp
}

func isDigits(s string) bool {
	start := 0
	if s[0] == '-' {
		start = 1
	}
	if len(s) == start {
		return false
	}
	for i := start; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// UnmarshalJSON accepts a string in any HighLevel form, epoch milliseconds,
// or null.
func (t *Timestamp) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		*t = Timestamp{}
		return nil
	}
	if data[0] == '"' {
		s, err := strconv.Unquote(string(data))
		if err != nil {
			return ErrBadTimestamp
		}
		ts, err := ParseTimestamp(s)
		if err != nil {
			return err
		}
		*t = ts
		return nil
	}
	f, err := strconv.ParseFloat(string(data), 64)
	if err != nil {
		return ErrBadTimestamp
	}
	ts, err := fromMillis(f)
	if err != nil {
		return err
	}
	*t = ts
	return nil
}

// maxMillis is the end of year 9999, the last instant RFC 3339 can write.
const maxMillis = 253402300799999

// fromMillis converts epoch milliseconds, rejecting values outside years
// 0000-9999 (which would overflow or could not be written back).
func fromMillis(ms float64) (Timestamp, error) {
	if ms != ms || ms > maxMillis || ms < -62167219200000 {
		return Timestamp{}, ErrBadTimestamp
	}
	return Timestamp{time.UnixMilli(int64(ms)).UTC()}, nil
}

// MarshalJSON writes RFC 3339 with milliseconds in UTC, or null when zero.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	if y := t.UTC().Year(); y < 0 || y > 9999 {
		return nil, ErrBadTimestamp
	}
	b := make([]byte, 0, 26)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z07:00")
	return append(b, '"'), nil
}
