package ghl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Timestamp is a point in time as HighLevel sends it: an ISO-8601 string
// ("2021-07-02T05:18:26.704Z", "2021-06-23T03:30:00+05:30"), a space-separated
// "2021-07-16 11:00:00" (UTC), a date "2021-07-16", epoch milliseconds as a
// number or a string, or an object {"seconds": N, "nanoseconds": M} (also
// spelled "_seconds" and "_nanoseconds", as the conversations endpoints send
// it). It encodes as RFC 3339 with milliseconds in UTC. null and "" decode to
// the zero Timestamp, which encodes as null.
//
// A value in none of these forms does not fail the decoding of the response
// it is in: the Timestamp keeps the zero time and the value's JSON text (see
// [Timestamp.Raw]), and encodes back to that text, so that reading a record
// and writing it back does not lose it. Check [Timestamp.Valid] before using
// the time.
//
// Docs: https://marketplace.gohighlevel.com/docs/ (dates are mixed across endpoints)
type Timestamp struct {
	time.Time
	// raw is the JSON text of a value that is not a time in any known form;
	// "" for every value that decoded.
	raw string
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

// ErrBadTimestamp is returned by [ParseTimestamp] for a string that is
// neither a date in a known layout nor epoch milliseconds, and by
// [Timestamp.MarshalJSON] for a time outside years 0000-9999. Decoding JSON
// never returns it: see [Timestamp.Raw].
var ErrBadTimestamp = errors.New("ghl: unrecognized timestamp")

// ParseTimestamp parses any string form HighLevel uses (see [Timestamp]).
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
			return Timestamp{Time: t}, nil
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

// Valid reports whether t holds a time: false for the zero Timestamp (null,
// "" or an absent field) and for a value that did not parse.
func (t Timestamp) Valid() bool { return !t.Time.IsZero() }

// Raw returns the JSON text of a value that did not parse as a time, such as
// `"Date format YYYY-MM-DD"` (with its quotes) or `{}`, and "" for every
// Timestamp that holds a time or is zero.
func (t Timestamp) Raw() string { return t.raw }

// IsZero reports whether t holds nothing: the zero time and no unparsed
// value. A Timestamp holding an unparsed value is not zero, so that it is
// written back (a field tagged omitzero is not omitted), but it is not
// [Timestamp.Valid] either.
func (t Timestamp) IsZero() bool { return t.Time.IsZero() && t.raw == "" }

// UnmarshalJSON accepts any form described at [Timestamp]. It never fails:
// a value in no known form, or outside years 0000-9999, leaves the zero time
// and its text in [Timestamp.Raw].
func (t *Timestamp) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if ts, ok := decodeTimestamp(data); ok {
		*t = ts
	} else {
		*t = Timestamp{raw: string(data)}
	}
	return nil
}

// decodeTimestamp reads one JSON value as a time; ok is false when it is
// none of the forms HighLevel uses.
func decodeTimestamp(data []byte) (Timestamp, bool) {
	if len(data) == 0 || string(data) == "null" {
		return Timestamp{}, true
	}
	var ts Timestamp
	var err error
	switch c := data[0]; {
	case c == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return Timestamp{}, false
		}
		ts, err = ParseTimestamp(s)
	case c == '{':
		return fromSecondsObject(data)
	case c == '-' || c >= '0' && c <= '9':
		var f float64
		if f, err = strconv.ParseFloat(string(data), 64); err == nil {
			ts, err = fromMillis(f)
		}
	default:
		return Timestamp{}, false
	}
	return ts, err == nil
}

// Epoch bounds of years 0000-9999, the years RFC 3339 can write.
const (
	minSeconds = -62167219200
	maxSeconds = 253402300799
	maxMillis  = maxSeconds*1000 + 999
)

// fromMillis converts epoch milliseconds, rejecting values outside years
// 0000-9999 (which would overflow or could not be written back).
func fromMillis(ms float64) (Timestamp, error) {
	if ms != ms || ms > maxMillis || ms < minSeconds*1000 {
		return Timestamp{}, ErrBadTimestamp
	}
	return Timestamp{Time: time.UnixMilli(int64(ms)).UTC()}, nil
}

// fromSecondsObject reads {"seconds": N, "nanoseconds": M} or its
// Firestore spelling {"_seconds": N, "_nanoseconds": M}: integers, with
// nanoseconds optional and below one second, and no other member.
func fromSecondsObject(data []byte) (Timestamp, bool) {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return Timestamp{}, false
	}
	secKey, nsKey := "seconds", "nanoseconds"
	if _, ok := m["_seconds"]; ok {
		secKey, nsKey = "_seconds", "_nanoseconds"
	}
	for k := range m {
		if k != secKey && k != nsKey {
			return Timestamp{}, false
		}
	}
	sec, err := strconv.ParseInt(string(m[secKey]), 10, 64)
	if err != nil || sec < minSeconds || sec > maxSeconds {
		return Timestamp{}, false
	}
	var ns int64
	if v, ok := m[nsKey]; ok {
		if ns, err = strconv.ParseInt(string(v), 10, 64); err != nil || ns < 0 || ns >= 1e9 {
			return Timestamp{}, false
		}
	}
	return Timestamp{Time: time.Unix(sec, ns).UTC()}, true
}

// MarshalJSON writes RFC 3339 with milliseconds in UTC, null when zero, and
// the original text of a value that did not parse (see [Timestamp.Raw]).
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.raw != "" {
		return []byte(t.raw), nil
	}
	if t.Time.IsZero() {
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

var timestampType = reflect.TypeFor[Timestamp]()

// unparsedTimestamps returns where v (a decoded response, usually a pointer
// to it) holds a Timestamp that did not parse, as JSON paths such as
// "contacts[2].dateAdded" ("" for v itself), in a stable order. Strict tests
// call it after decoding an example, so that an odd date, which decoding
// accepts, is still flagged there.
func unparsedTimestamps(v any) []string {
	var out []string
	seen := map[uintptr]bool{}
	var walk func(path string, v reflect.Value)
	member := func(path, name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	walk = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(path, v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(path, v.Elem())
			}
		case reflect.Struct:
			if v.Type() == timestampType {
				if v.FieldByName("raw").String() != "" {
					out = append(out, path)
				}
				return
			}
			for i := range v.NumField() {
				f := v.Type().Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				switch {
				case name == "-":
				case f.Anonymous && name == "" && indirect(f.Type).Kind() == reflect.Struct:
					walk(path, v.Field(i)) // promoted fields, as encoding/json reads them
				case !f.IsExported():
				case name == "":
					walk(member(path, f.Name), v.Field(i))
				default:
					walk(member(path, name), v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(path+"["+strconv.Itoa(i)+"]", v.Index(i))
			}
		case reflect.Map:
			keys := v.MapKeys()
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
			for _, k := range keys {
				walk(member(path, fmt.Sprint(k)), v.MapIndex(k))
			}
		}
	}
	walk("", reflect.ValueOf(v))
	return out
}

func indirect(t reflect.Type) reflect.Type {
	if t.Kind() == reflect.Pointer {
		return t.Elem()
	}
	return t
}
