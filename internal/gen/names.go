package main

import (
	"go/token"
	"strings"
	"unicode"
)

// initialisms are written in capitals in Go names, as golint expects, plus
// the API's own abbreviations.
var initialisms = map[string]string{
	"id": "ID", "ids": "IDs", "url": "URL", "ip": "IP", "api": "API", "dnd": "DND",
	"sms": "SMS", "ssn": "SSN", "gmb": "GMB", "fb": "FB", "utm": "UTM",
	"gclid": "GCLID", "fbclid": "FBCLID", "dclid": "DCLID", "msclikid": "MSCLKID",
	"fbc": "FBC", "fbp": "FBP", "ai": "AI", "csv": "CSV", "saas": "SaaS", "isv": "ISV",
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

// fieldName is exportName for a struct or options field, which must be a
// Go identifier: "13-17" (an age range key) → N13_17, the digit groups kept
// apart. (Enum constants prefix their type's name, so they keep exportName.)
func fieldName(s string) string {
	n := exportName(s)
	if n == "" || !unicode.IsDigit(rune(n[0])) {
		return n
	}
	var b strings.Builder
	b.WriteString("N")
	for i, w := range words(s) {
		if i > 0 && unicode.IsDigit([]rune(w)[0]) {
			b.WriteString("_")
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
	return safeIdent(b.String())
}

// reservedIdents are the names a generated method uses for its own locals
// and imports, which a parameter must not shadow.
var reservedIdents = map[string]bool{
	"ctx": true, "s": true, "path": true, "err": true, "q": true, "raw": true,
	"resp": true, "req": true, "opts": true, "url": true, "json": true,
	"strconv": true, "context": true, "out": true, "v": true,
}

// safeIdent keeps a parameter name from being a Go keyword or one of the
// generated code's own names: "type" → typ, "path" → pathArg.
func safeIdent(s string) string {
	switch {
	case s == "type":
		return "typ"
	case token.IsKeyword(s) || reservedIdents[s]:
		return s + "Arg"
	}
	return s
}
