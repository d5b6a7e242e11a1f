//go:build unix

package main

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserSubmitsLeadForm drives headless Chromium through the DevTools
// protocol: a person types a bad email, sees the error at the field, fixes
// it, submits, and books the first offered slot. The test then reads the
// contact and the appointment back from the emulator.
func TestBrowserSubmitsLeadForm(t *testing.T) {
	e := newEnv(t)
	page := startChromium(t, 10*time.Second)

	page.navigate(t, e.web.URL+"/")
	page.waitFor(t, `document.readyState === "complete" && !!document.querySelector("form#lead")`)
	fill := func(fields map[string]string) {
		b, _ := json.Marshal(fields)
		page.eval(t, `(() => { for (const [id, v] of Object.entries(`+string(b)+`)) {
			const el = document.getElementById(id); el.focus(); el.value = v;
			el.dispatchEvent(new Event("input", {bubbles: true})); }
			document.querySelector("#lead button[type=submit]").click(); return true })()`)
	}

	fill(map[string]string{"firstName": "Eve", "lastName": "Stone", "email": "eve@", "message": "Call me <soon>"})
	page.waitFor(t, `location.pathname === "/leads" && document.readyState === "complete" && !!document.getElementById("email-err")`)
	assert.Equal(t, "That email address does not look right (like name@example.com).", page.evalString(t, `document.getElementById("email-err").textContent`))
	assert.Equal(t, "Eve", page.evalString(t, `document.getElementById("firstName").value`), "the form keeps what was typed")
	assert.Empty(t, e.contacts())

	fill(map[string]string{"email": "Eve.Stone@example.com", "phone": "+1 (555) 555-0199"})
	page.waitFor(t, `document.readyState === "complete" && !!document.getElementById("thanks")`)
	assert.Equal(t, "Thank you, Eve!", page.evalString(t, `document.getElementById("thanks").textContent`))

	cs := e.contacts()
	require.Len(t, cs, 1)
	c := cs[0]
	assert.Equal(t, "eve.stone@example.com", c["email"])
	assert.Equal(t, "+15555550199", c["phone"])
	assert.Equal(t, "Eve", c["firstName"])
	assert.Equal(t, []any{"web lead"}, c["tags"])
	tasks := e.emu.Tasks(c["id"].(string))
	require.Len(t, tasks, 1)
	assert.Contains(t, tasks[0]["body"], "Call me <soon>")

	slot := page.evalString(t, `document.querySelector("#book input[name=slot]:checked").value`)
	page.eval(t, `document.querySelector("#book button[type=submit]").click(), true`)
	page.waitFor(t, `document.readyState === "complete" && !!document.getElementById("booked")`)
	appts, _, err := e.app.client.Contacts.ListAppointments(t.Context(), c["id"].(string))
	require.NoError(t, err)
	require.Len(t, appts, 1)
	want, err := time.Parse(time.RFC3339, slot)
	require.NoError(t, err)
	assert.True(t, appts[0].StartTime.Equal(want), "booked %v, picked %v", appts[0].StartTime, want)
}

// cdpPage is a DevTools protocol session with one page of a browser.
type cdpPage struct {
	ws       *wsConn
	id       int
	deadline time.Time
}

// startChromium starts headless Chromium ($CHROMIUM, else chromium on
// PATH) and connects to its page; everything must be done within limit.
func startChromium(t *testing.T, limit time.Duration) *cdpPage {
	t.Helper()
	bin := os.Getenv("CHROMIUM")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("chromium"); err != nil {
			t.Fatal("the browser test needs Chromium: install it (apt-get install -y chromium) or set CHROMIUM to its path")
		}
	}
	deadline := time.Now().Add(limit)
	dir, err := os.MkdirTemp("", "webleads-chromium-")
	require.NoError(t, err)
	logf, err := os.Create(filepath.Join(dir, "stderr.log"))
	require.NoError(t, err)
	profile := filepath.Join(dir, "profile")
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check",
		"--user-data-dir="+profile, "--remote-debugging-port=0", "about:blank")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its helpers end with it
	if err := cmd.Start(); err != nil {
		t.Fatalf("the browser test needs Chromium: cannot start %s (%v); install it (apt-get install -y chromium) or set CHROMIUM to its path", bin, err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // the group we started
		_ = cmd.Wait()
		for syscall.Kill(-cmd.Process.Pid, 0) == nil && time.Now().Before(deadline.Add(5*time.Second)) {
			time.Sleep(20 * time.Millisecond) // helpers still exiting
		}
		logf.Close()
		os.RemoveAll(dir)
	})
	fail := func(format string, args ...any) {
		t.Helper()
		log, _ := os.ReadFile(logf.Name())
		t.Fatalf("chromium: "+format+"\n--- its output:\n%s", append(args, log)...)
	}

	// Chromium writes its DevTools port to the profile once it listens.
	var port string
	for port == "" {
		if b, err := os.ReadFile(filepath.Join(profile, "DevToolsActivePort")); err == nil && strings.Contains(string(b), "\n") {
			port = strings.SplitN(string(b), "\n", 2)[0]
		} else if time.Now().After(deadline) {
			fail("no DevTools port within %v", limit)
		} else {
			time.Sleep(20 * time.Millisecond)
		}
	}
	var targets []struct{ Type, WebSocketDebuggerURL string }
	resp, err := http.Get("http://127.0.0.1:" + port + "/json/list")
	if err != nil {
		fail("list targets: %v", err)
	}
	err = json.NewDecoder(resp.Body).Decode(&targets)
	resp.Body.Close()
	if err != nil {
		fail("list targets: %v", err)
	}
	for _, tg := range targets {
		if tg.Type == "page" {
			ws, err := dialWS(tg.WebSocketDebuggerURL, deadline)
			if err != nil {
				fail("connect to the page: %v", err)
			}
			t.Cleanup(func() { ws.c.Close() })
			return &cdpPage{ws: ws, deadline: deadline}
		}
	}
	fail("no page among %d targets", len(targets))
	return nil
}

// call sends a DevTools command and decodes its result into out.
func (p *cdpPage) call(method string, params, out any) error {
	p.id++
	msg, err := json.Marshal(map[string]any{"id": p.id, "method": method, "params": params})
	if err != nil {
		return err
	}
	if err := p.ws.writeText(msg); err != nil {
		return err
	}
	for {
		b, err := p.ws.readMessage()
		if err != nil {
			return err
		}
		var m struct {
			ID     int
			Result json.RawMessage
			Error  *struct{ Message string }
		}
		if err := json.Unmarshal(b, &m); err != nil {
			return err
		}
		if m.ID != p.id {
			continue // an event
		}
		if m.Error != nil {
			return fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		return json.Unmarshal(m.Result, out)
	}
}

func (p *cdpPage) navigate(t *testing.T, u string) {
	t.Helper()
	var res struct{ ErrorText string }
	require.NoError(t, p.call("Page.navigate", map[string]any{"url": u}, &res))
	require.Empty(t, res.ErrorText, "navigate to %s", u)
}

// evaluate runs a JavaScript expression in the page and returns its value.
func (p *cdpPage) evaluate(expr string) (json.RawMessage, error) {
	var res struct {
		Result struct {
			Value json.RawMessage
		}
		ExceptionDetails *struct {
			Text      string
			Exception struct{ Description string }
		}
	}
	if err := p.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &res); err != nil {
		return nil, err
	}
	if d := res.ExceptionDetails; d != nil {
		return nil, fmt.Errorf("%s %s", d.Text, d.Exception.Description)
	}
	return res.Result.Value, nil
}

func (p *cdpPage) eval(t *testing.T, expr string) json.RawMessage {
	t.Helper()
	v, err := p.evaluate(expr)
	require.NoError(t, err, expr)
	return v
}

func (p *cdpPage) evalString(t *testing.T, expr string) string {
	t.Helper()
	var s string
	require.NoError(t, json.Unmarshal(p.eval(t, expr), &s), expr)
	return s
}

// waitFor polls cond (a JavaScript expression) until it is true; while a
// page loads, an evaluation may fail, which counts as not yet.
func (p *cdpPage) waitFor(t *testing.T, cond string) {
	t.Helper()
	for {
		v, err := p.evaluate(cond)
		if err == nil && string(v) == "true" {
			return
		}
		if time.Now().After(p.deadline) {
			body, _ := p.evaluate(`document.body ? document.body.innerText : ""`)
			t.Fatalf("timed out waiting for %s (last error %v); the page shows: %s", cond, err, body)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// wsConn is the client side of a WebSocket (RFC 6455): just enough for the
// DevTools protocol (text messages, no extensions).
type wsConn struct {
	c  net.Conn
	br *bufio.Reader
}

func dialWS(u string, deadline time.Time) (*wsConn, error) {
	pu, err := url.Parse(u)
	if err != nil {
		return nil, err
	}
	c, err := net.DialTimeout("tcp", pu.Host, time.Until(deadline))
	if err != nil {
		return nil, err
	}
	_ = c.SetDeadline(deadline) // nothing in the test may hang
	key := base64.StdEncoding.EncodeToString([]byte(rand.Text())[:16])
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", pu.RequestURI(), pu.Host, key)
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		c.Close()
		return nil, err
	}
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		c.Close()
		return nil, fmt.Errorf("websocket handshake: %s", resp.Status)
	}
	return &wsConn{c: c, br: br}, nil
}

// writeFrame sends one final frame, masked as a client must.
func (w *wsConn) writeFrame(op byte, p []byte) error {
	hdr := []byte{0x80 | op}
	switch n := len(p); {
	case n < 126:
		hdr = append(hdr, 0x80|byte(n))
	case n <= 0xFFFF:
		hdr = binary.BigEndian.AppendUint16(append(hdr, 0x80|126), uint16(n))
	default:
		hdr = binary.BigEndian.AppendUint64(append(hdr, 0x80|127), uint64(n))
	}
	var mask [4]byte
	_, _ = rand.Read(mask[:])
	hdr = append(hdr, mask[:]...)
	masked := make([]byte, len(p))
	for i := range p {
		masked[i] = p[i] ^ mask[i%4]
	}
	_, err := w.c.Write(append(hdr, masked...))
	return err
}

func (w *wsConn) writeText(p []byte) error { return w.writeFrame(0x1, p) }

// readMessage returns the next text or binary message, joining fragments
// and answering pings.
func (w *wsConn) readMessage() ([]byte, error) {
	var msg []byte
	for {
		var h [2]byte
		if _, err := io.ReadFull(w.br, h[:]); err != nil {
			return nil, err
		}
		fin, op, n := h[0]&0x80 != 0, h[0]&0x0F, uint64(h[1]&0x7F)
		switch n {
		case 126:
			var b [2]byte
			if _, err := io.ReadFull(w.br, b[:]); err != nil {
				return nil, err
			}
			n = uint64(binary.BigEndian.Uint16(b[:]))
		case 127:
			var b [8]byte
			if _, err := io.ReadFull(w.br, b[:]); err != nil {
				return nil, err
			}
			n = binary.BigEndian.Uint64(b[:])
		}
		var mask [4]byte
		if h[1]&0x80 != 0 {
			if _, err := io.ReadFull(w.br, mask[:]); err != nil {
				return nil, err
			}
		}
		if n > 64<<20 {
			return nil, errors.New("websocket: message too large")
		}
		p := make([]byte, n)
		if _, err := io.ReadFull(w.br, p); err != nil {
			return nil, err
		}
		if h[1]&0x80 != 0 {
			for i := range p {
				p[i] ^= mask[i%4]
			}
		}
		switch op {
		case 0x8:
			return nil, errors.New("websocket: closed by the browser")
		case 0x9:
			if err := w.writeFrame(0xA, p); err != nil {
				return nil, err
			}
			continue
		case 0xA:
			continue
		}
		msg = append(msg, p...)
		if fin {
			return msg, nil
		}
	}
}
