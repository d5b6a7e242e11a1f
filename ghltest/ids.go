package ghltest

import (
	"encoding/hex"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// isoLayout is the timestamp format HighLevel uses for entity fields:
// ISO-8601 in UTC with milliseconds, e.g. "2021-07-02T05:18:26.704Z".
const isoLayout = "2006-01-02T15:04:05.000Z"

// newID returns a HighLevel-shaped document ID: 20 characters of [A-Za-z0-9]
// (Firestore-style, e.g. "ve9EPM428h8vShlRW1KT"), drawn from r.
func newID(r *rand.Rand) string {
	var b [20]byte
	for i := range b {
		b[i] = idAlphabet[r.IntN(len(idAlphabet))]
	}
	return string(b[:])
}

// newObjectID returns a 24-hex-character MongoDB-style ObjectID, the shape
// HighLevel uses for businesses (e.g. "63b7ec34ea409a9a8bd2a4ff").
func newObjectID(r *rand.Rand, now time.Time) string {
	var b [12]byte
	ts := uint32(now.Unix())
	b[0], b[1], b[2], b[3] = byte(ts>>24), byte(ts>>16), byte(ts>>8), byte(ts)
	for i := 4; i < 12; i++ {
		b[i] = byte(r.IntN(256))
	}
	return hex.EncodeToString(b[:])
}

// isGHLID reports whether s looks like a 20-character HighLevel document ID.
func isGHLID(s string) bool {
	if len(s) != 20 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(idAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

// newTraceID returns a random version-4 UUID. Trace IDs do not affect state,
// so they come from the global (non-seeded) generator.
func newTraceID() string {
	var b [16]byte
	u1, u2 := rand.Uint64(), rand.Uint64()
	for i := 0; i < 8; i++ {
		b[i] = byte(u1 >> (8 * i))
		b[8+i] = byte(u2 >> (8 * i))
	}
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// newSecret returns an opaque token of n alphanumeric characters from the
// global generator.
func newSecret(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = idAlphabet[rand.IntN(len(idAlphabet))]
	}
	return string(b)
}

// formatTime formats t the way HighLevel does for entity timestamps.
func formatTime(t time.Time) string { return t.UTC().Format(isoLayout) }

// parseTimeLoose accepts an RFC 3339 / ISO-8601 timestamp (with or without
// fractional seconds or zone), a date, or a decimal epoch-milliseconds string.
func parseTimeLoose(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.UnixMilli(ms).UTC(), true
	}
	for _, layout := range []string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05.000Z07:00",
		"2006-01-02T15:04:05Z07:00",
		"2006-01-02T15:04:05",
		"2006-01-02T15:04:05.000",
		"2006-01-02 15:04:05",
		"2006-01-02T15:04",
		"2006-01-02",
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseDateOfBirth accepts the input formats HighLevel documents for contact
// dateOfBirth ("YYYY/MM/DD, MM/DD/YYYY, YYYY-MM-DD, MM-DD-YYYY", plus full
// timestamps) and returns the output form "YYYY-MM-DDT00:00:00.000Z".
func parseDateOfBirth(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006/01/02", "01/02/2006", "2006-01-02", "01-02-2006", "2006.01.02", "01.02.2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return formatTime(t), true
		}
	}
	if t, ok := parseTimeLoose(s); ok {
		y, m, d := t.Date()
		return formatTime(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)), true
	}
	return "", false
}
