package main

import (
	"strings"
	"unicode"
)

// initialisms are written in capitals in Go names, as golint expects, plus
// the API's own abbreviations.
var initialisms = map[string]string{
	"id": "ID", "ids": "IDs", "url": "URL", "ip": "IP", "api": "API", "dnd": "DND",
	"sms": "SMS", "ssn": "SSN", "gmb": "GMB", "fb": "FB", "utm": "UTM",
	"gclid": "GCLID", "fbclid": "FBCLID", "dclid": "DCLID", "msclikid": "MSCLKID",
	"fbc": "FBC", "fbp": "FBP",
}

// words splits a JSON name into words: "startAfterId" → start After Id,
// "field_value" → field value, "SMS" → SMS.
func words(s string) []string {
	var out []string
	var cur []rune
	rs := []rune(s)
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for i, r := range rs {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
			continue
		case unicode.IsUpper(r) && len(cur) > 0:
			prevUpper := unicode.IsUpper(cur[len(cur)-1])
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if !prevUpper || nextLower {
				flush()
			}
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

// exportName turns a JSON name into an exported Go name.
func exportName(s string) string {
	var b strings.Builder
	for _, w := range words(s) {
		if in, ok := initialisms[strings.ToLower(w)]; ok {
			b.WriteString(in)
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	return b.String()
}

// lowerName turns a JSON name into an unexported Go identifier:
// "contactId" → contactID.
func lowerName(s string) string {
	ws := words(s)
	var b strings.Builder
	for i, w := range ws {
		in, ok := initialisms[strings.ToLower(w)]
		switch {
		case i == 0:
			b.WriteString(strings.ToLower(w))
		case ok:
			b.WriteString(in)
		default:
			b.WriteString(strings.ToUpper(w[:1]) + w[1:])
		}
	}
	return b.String()
}
