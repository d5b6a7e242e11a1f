package ghltest

import (
	"net/http"
	"testing"
)

func TestRedactBody(t *testing.T) {
	const json, form, text = "application/json; charset=utf-8", "application/x-www-form-urlencoded", ""
	for _, tc := range []struct{ ct, in, want string }{
		// JSON: escaped quotes neither end a string nor make a key.
		{json, `{"note":"say \"password\": \"x\"","password":"a\"b\\","n":1}`, `{"note":"say \"password\": \"x\"","password":"[redacted]","n":1}`},
		{json, `{"a":{"b":[{"Access-Token" :	 true}]},"code":null,"codes":"keep"}`, `{"a":{"b":[{"Access-Token" :	 "[redacted]"}]},"code":"[redacted]","codes":"keep"}`},
		{json, `{"password":{"x":"}","y":[1,{"z":"]"}]},"after":"kept"}`, `{"password":"[redacted]","after":"kept"}`},
		{json, `{"id_token":"cut`, `{"id_token":"[redacted]`},
		{json, `{"id_token":{"cut":`, `{"id_token":"[redacted]"`},
		{json, `{"id_token":`, `{"id_token":`},
		{json, `["code","password",{"x":"code"}]`, `["code","password",{"x":"code"}]`},
		{json, `{"name":"code=1&password=2"}`, `{"name":"code=1&password=2"}`}, // JSON bodies get no pair scan
		// Forms: values end at '&' only.
		{form, `client_id=a&client_secret=s%20x,y;z&code=&grant_type=x`, `client_id=a&client_secret=[redacted]&code=[redacted]&grant_type=x`},
		{form, `client%5Fsecret=s&refresh_token`, `client%5Fsecret=[redacted]&refresh_token`},
		{form, `{"password":"p"}`, `{"password":"p"}`}, // forms get no JSON scan
		// Anything else: both.
		{text, "token: code=123456\npassword='p q' x", "token: code=[redacted]\npassword=[redacted] x"},
		{text, `x=1&access_token=abc;`, `x=1&access_token=[redacted];`},
		{text, `secret password="p q, r" client_secret="cut`, `secret password=[redacted] client_secret=[redacted]`},
		{"text/plain", `{"password": "p"} and clientSecret=s`, `{"password": "[redacted]"} and clientSecret=[redacted]`},
		{json, ``, ``},
	} {
		got, fresh := redactBody(tc.ct, []byte(tc.in))
		if string(got) != tc.want || fresh != (tc.in != tc.want) {
			t.Errorf("redactBody(%q, %s)\n got %s (fresh %v)\nwant %s", tc.ct, tc.in, got, fresh, tc.want)
		}
	}
}

func TestRedactHeaderAndQuery(t *testing.T) {
	h := http.Header{
		"Authorization":       {"Bearer abc", "bearer def", "Basic xyz", "opaque", ""},
		"Proxy-Authorization": {"Digest a=b"},
		"X-Auth-Token":        {"t"}, "X-Client-Secret": {"s"}, "Api-Key": {"k"}, "X-Apikey": {"k"}, "Set-Cookie": {"c"},
		"Idempotency-Key": {"i"}, "Version": {"v"}, "X-Request-Id": {"r"}, "X-Ghl-Signature": {"sig"},
	}
	redactHeader(h)
	want := map[string][]string{
		"Authorization":       {"Bearer [redacted]", "bearer [redacted]", "Basic [redacted]", "[redacted]", ""},
		"Proxy-Authorization": {"Digest [redacted]"},
		"X-Auth-Token":        {"[redacted]"}, "X-Client-Secret": {"[redacted]"}, "Api-Key": {"[redacted]"}, "X-Apikey": {"[redacted]"}, "Set-Cookie": {"[redacted]"},
		"Idempotency-Key": {"i"}, "Version": {"v"}, "X-Request-Id": {"r"}, "X-Ghl-Signature": {"sig"},
	}
	for k, vs := range want {
		for i, v := range vs {
			if h[k][i] != v {
				t.Errorf("%s[%d] = %q, want %q", k, i, h[k][i], v)
			}
		}
	}
	for in, want := range map[string]string{
		"":                                    "",
		"locationId=abc&limit=10":             "locationId=abc&limit=10",
		"code=1&refresh%5Ftoken=2&x=code":     "code=[redacted]&refresh%5Ftoken=[redacted]&x=code",
		"accessToken=a,b&postalCode=35061&q=": "accessToken=[redacted]&postalCode=35061&q=",
	} {
		if got := redactQuery(in); got != want {
			t.Errorf("redactQuery(%q) = %q, want %q", in, got, want)
		}
	}
}
